-- A labelled training set from the offline feature store; a template that bin/pipeline features training-set
-- fills in (${...}) and runs in batch mode. One row per patient_features row, with:
--   label            1 if an adverse event of the chosen types happens in (event_time, event_time + horizon]
--   label_event_time the first such event (NULL for label 0): for error analysis, never a feature
--   label_event_type its type (NULL for label 0): for the evaluation's breakdown by outcome, never a feature
--   dataset_split    'train' / 'validation' / 'test', by --split-by:
--                    time          by event_time, so no test row precedes a training row; the shares are of the
--                                  labelled span (first row to observed_until - horizon)
--                    patient       by patient, so test rows come from patients the model never saw; the shares are
--                                  of patients, bucketed by the first two hex digits of MD5(patient_id)
--                    patient-time  both: train and validation patients' rows before the end of the time-based
--                                  train share, test patients' rows after it (unseen patients, later period);
--                                  the other rows are left out
-- Features are point-in-time correct by construction (each row is computed from events at or before it);
-- only the label looks ahead. Rows are left out when:
--   * an event of the chosen types happened in (event_time - washout, event_time]: the patient is living
--     through the outcome, and its sequelae (vasopressors, ICU vitals) would teach the model to detect it,
--     not to predict it;
--   * the horizon reaches past the end of the observed data (observed_until): a negative's outcome is
--     unknown (censored), not absent, and keeping only the positives of that last window would fill the
--     newest rows (the test split) with positives; so the whole window is left out, whatever the label.
CREATE TABLE `${output}` WITH ('bucket' = '-1') AS
WITH outcomes AS (
  SELECT patient_id, event_time, event_type
  FROM silver_adverse_events
  WHERE event_type IN (${event_types})
), ahead AS (
  SELECT f.patient_id, f.event_time, MIN(o.event_time) AS label_event_time
  FROM patient_features f
  JOIN outcomes o ON o.patient_id = f.patient_id
  WHERE o.event_time > f.event_time AND o.event_time <= TIMESTAMPADD(SECOND, ${horizon_seconds}, f.event_time)
  GROUP BY f.patient_id, f.event_time
), behind AS (
  SELECT DISTINCT f.patient_id, f.event_time
  FROM patient_features f
  JOIN outcomes o ON o.patient_id = f.patient_id
  WHERE o.event_time <= f.event_time AND o.event_time > TIMESTAMPADD(SECOND, -${washout_seconds}, f.event_time)
), labelled AS (
  SELECT f.*,
    CASE WHEN a.label_event_time IS NULL THEN 0 ELSE 1 END AS label,
    a.label_event_time,
    t.event_type AS label_event_type
  FROM patient_features f
  LEFT JOIN ahead a ON a.patient_id = f.patient_id AND a.event_time = f.event_time
  LEFT JOIN (SELECT patient_id, event_time, MIN(event_type) AS event_type FROM outcomes GROUP BY patient_id, event_time) t
    ON t.patient_id = a.patient_id AND t.event_time = a.label_event_time
  LEFT JOIN behind b ON b.patient_id = f.patient_id AND b.event_time = f.event_time
  WHERE b.patient_id IS NULL
    AND TIMESTAMPADD(SECOND, ${horizon_seconds}, f.event_time) <= TIMESTAMP '${observed_until}'
)
-- ${dataset_split} and ${keep} are the CASE expression and the filter of the chosen --split-by (see above).
SELECT l.*, ${dataset_split} AS dataset_split
FROM labelled l
WHERE ${keep};
