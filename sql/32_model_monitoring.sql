-- The production model watched (run with bin/pipeline sql --file sql/32_model_monitoring.sql): each version's top
-- features in its newest drift window, its newest live performance next to NEWS2's on the same rows, and the
-- latest decisions of bin/pipeline retrain with their reasons.
SELECT d.model_version, d.top_rank, d.feature, d.psi, d.ks, d.missing_share, d.reference_missing_share,
       d.window_rows, d.window_start, d.window_end
FROM feature_drift d
JOIN (SELECT model_version, MAX(computed_at) AS newest FROM feature_drift GROUP BY model_version) n
  ON d.model_version = n.model_version AND d.computed_at = n.newest
WHERE d.top_rank IS NOT NULL
ORDER BY d.model_version, d.top_rank;

SELECT p.model_version, p.role, p.computed_at, p.window_rows, p.positives, p.auroc, p.news2_auroc, p.auprc,
       p.news2_auprc, p.calibration_error
FROM model_performance p
JOIN (SELECT model_version, role, MAX(computed_at) AS newest FROM model_performance GROUP BY model_version, role) n
  ON p.model_version = n.model_version AND p.role = n.role AND p.computed_at = n.newest
ORDER BY p.model_version, p.role;

SELECT decided_at, action, triggers, production_version, candidate_version, drift_feature, drift_psi,
       candidate_auroc, production_auroc, auroc_difference, difference_ci_low, difference_ci_high, reasons
FROM retrain_decisions
ORDER BY decided_at DESC
LIMIT 20;
