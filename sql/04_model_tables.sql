-- The model registry: one row per trained model version. Written by bin/pipeline train --register and
-- bin/pipeline model promote|archive|rollback; read by the scoring jobs (the streaming one follows it as a
-- stream, so a promotion reaches a running job without a restart).
--   stage          none -> staging -> production -> archived; at most one production version
--   traffic_share  for a staging version: the share of patients (by a hash of patient_id) it scores as the
--                  challenger next to production; 0 otherwise
--   training_data  JSON: the input and, for a Paimon table, the snapshot id it was read at
--   metrics        JSON: test-set metrics of the model and, where the input has one, of the NEWS2 baseline
CREATE TABLE IF NOT EXISTS model_registry (
  version BIGINT NOT NULL,
  name STRING NOT NULL,
  algorithm STRING NOT NULL,
  params STRING NOT NULL,
  feature_names STRING NOT NULL,
  input_columns STRING NOT NULL,
  definition_version INT,
  training_data STRING NOT NULL,
  metrics STRING NOT NULL,
  model_path STRING NOT NULL,
  report_path STRING,
  created_at TIMESTAMP(3) NOT NULL,
  stage STRING NOT NULL,
  traffic_share DOUBLE NOT NULL,
  stage_changed_at TIMESTAMP(3) NOT NULL,
  PRIMARY KEY (version) NOT ENFORCED
) WITH ('bucket' = '1', 'changelog-producer' = 'input');

-- Every stage change, in order: who was production before (rollback reads it) and when.
CREATE TABLE IF NOT EXISTS model_stage_changes (
  version BIGINT NOT NULL,
  from_stage STRING NOT NULL,
  to_stage STRING NOT NULL,
  traffic_share DOUBLE NOT NULL,
  changed_at TIMESTAMP(3) NOT NULL,
  note STRING
) WITH ('bucket' = '-1');

-- Every score the scoring jobs produce: one row per feature row and model that scored it. With a challenger,
-- its share of patients is scored by both (role 'production' and 'challenger'); served says which score
-- reached Redis and the alerts. Compare them with sql/31_challenger.sql.
--   top_contributions  JSON: the features that contributed most to the score, largest first, each
--                      {"feature", "value", "contribution"} (log-odds; see README, "Explanations")
CREATE TABLE IF NOT EXISTS model_predictions (
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  model_version BIGINT NOT NULL,
  model_name STRING NOT NULL,
  role STRING NOT NULL,
  served BOOLEAN NOT NULL,
  score DOUBLE NOT NULL,
  risk_band STRING NOT NULL,
  scored_at TIMESTAMP(3) NOT NULL,
  top_contributions STRING,
  PRIMARY KEY (patient_id, event_time, model_version) NOT ENFORCED
) WITH ('bucket' = '2');

-- Feature drift of the production model, written by the streaming scoring (and online) job: over a sliding window
-- of the rows it scores, each input feature's population stability index against the model's training
-- distribution (saved with the model as feature_reference.json) and, for its top numeric features, the
-- Kolmogorov-Smirnov statistic. PSI under 0.1 is usually read as stable, over 0.2 as a significant shift.
--   window_rows   the rows the window held; missing_share and reference_missing_share: the share without a value
--   top_rank      1 for the model's most important feature, ...; NULL for the others
--   window_start, window_end  the oldest and newest event time of the window's rows (which data was measured)
CREATE TABLE IF NOT EXISTS feature_drift (
  model_version BIGINT NOT NULL,
  feature STRING NOT NULL,
  computed_at TIMESTAMP(3) NOT NULL,
  window_rows BIGINT NOT NULL,
  psi DOUBLE,
  ks DOUBLE,
  missing_share DOUBLE NOT NULL,
  reference_missing_share DOUBLE NOT NULL,
  top_rank INT,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  PRIMARY KEY (model_version, feature, computed_at) NOT ENFORCED
) WITH ('bucket' = '1');

-- Live model performance, written by the streaming scoring (and online) job as adverse events label the
-- predictions made before them (the training set's rule: an outcome of the default types within 6 h is a positive;
-- a prediction within 24 h after an outcome is left out; a negative once the job's event time, of the predictions
-- and of the adverse events alike, is 1 h past its horizon).
-- prediction_outcomes: every labelled prediction, numbered per (run_id, model_version, role) in the order the
-- performance window took it; model_performance: the window's measurement every 100 labels, over the rows
-- label_seq in (last_seq - window_rows, last_seq] of the same run, with NEWS2 on the same rows.
CREATE TABLE IF NOT EXISTS prediction_outcomes (
  run_id STRING NOT NULL,
  model_version BIGINT NOT NULL,
  role STRING NOT NULL,
  label_seq BIGINT NOT NULL,
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  score DOUBLE NOT NULL,
  news2 DOUBLE,
  label INT NOT NULL,
  outcome_type STRING,
  labelled_at TIMESTAMP(3) NOT NULL,
  PRIMARY KEY (run_id, model_version, role, label_seq) NOT ENFORCED
) WITH ('bucket' = '1');

CREATE TABLE IF NOT EXISTS model_performance (
  run_id STRING NOT NULL,
  model_version BIGINT NOT NULL,
  role STRING NOT NULL,
  last_seq BIGINT NOT NULL,
  computed_at TIMESTAMP(3) NOT NULL,
  window_rows BIGINT NOT NULL,
  positives BIGINT NOT NULL,
  auroc DOUBLE,
  auprc DOUBLE,
  news2_auroc DOUBLE,
  news2_auprc DOUBLE,
  mean_score DOUBLE NOT NULL,
  observed_rate DOUBLE NOT NULL,
  calibration_error DOUBLE NOT NULL,
  PRIMARY KEY (run_id, model_version, role, last_seq) NOT ENFORCED
) WITH ('bucket' = '1');

-- Retraining decisions: one row per run of bin/pipeline retrain (scheduled, say, hourly), retrained or not.
--   triggers       why it ran: forced, no_production, drift, performance (live AUROC under --min-auroc),
--                  below_news2 (live AUROC under NEWS2's on the same rows); empty when nothing was crossed
--   drift_*        the production model's top feature with the largest PSI in its newest drift window
--   live_*         its newest live performance measurement that had enough labels to judge
--   candidate_*    the model trained (registered as candidate_version), and on the same held-out test rows
--   production_auroc, news2_auroc, auroc_difference (candidate minus production) with its paired patient-bootstrap
--                  95% interval
--   action         none (not retrained), staging (kept for review), challenger, production (--promote-if-better)
--   reasons        every check's finding and the comparison, in words
CREATE TABLE IF NOT EXISTS retrain_decisions (
  decided_at TIMESTAMP(3) NOT NULL,
  model_name STRING NOT NULL,
  production_version BIGINT,
  triggered BOOLEAN NOT NULL,
  triggers STRING NOT NULL,
  drift_feature STRING,
  drift_psi DOUBLE,
  drift_window_end TIMESTAMP(3),
  live_auroc DOUBLE,
  live_news2_auroc DOUBLE,
  live_labels BIGINT,
  candidate_version BIGINT,
  training_set STRING,
  training_snapshot BIGINT,
  test_rows BIGINT,
  test_patients BIGINT,
  candidate_auroc DOUBLE,
  production_auroc DOUBLE,
  news2_auroc DOUBLE,
  auroc_difference DOUBLE,
  difference_ci_low DOUBLE,
  difference_ci_high DOUBLE,
  action STRING NOT NULL,
  reasons STRING NOT NULL,
  PRIMARY KEY (decided_at, model_name) NOT ENFORCED
) WITH ('bucket' = '1');

-- Batch scoring of a cohort, one row per named job; users create, change and delete rows from the SQL client
-- and run one with bin/pipeline score-batch --config NAME. The filter is validated (one boolean expression over
-- patient_features columns) before it is used.
--   scoring_model  'production', 'staging' or a version number ('model' is a Flink SQL keyword)
--   cohort_filter  e.g. ward = 'ICU' AND news2_total >= 5 (NULL or empty: every patient); applied to each
--                  patient's newest feature row
--   output_table   a Paimon table in this database, created if missing
--   parquet_path   optional directory for a Parquet copy (Spark-readable, INT64 microsecond timestamps)
CREATE TABLE IF NOT EXISTS batch_scoring_configs (
  name STRING NOT NULL,
  scoring_model STRING NOT NULL,
  cohort_filter STRING,
  output_table STRING NOT NULL,
  parquet_path STRING,
  description STRING,
  PRIMARY KEY (name) NOT ENFORCED
) WITH ('bucket' = '1');
