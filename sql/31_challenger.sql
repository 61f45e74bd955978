-- Production and challenger side by side on the patients the challenger scores (run with bin/pipeline sql
-- --file): rows scored by both, mean score and share of high-risk scores per model, and how often they agree
-- on the band.
SELECT c.model_version AS challenger, p.model_version AS production, COUNT(*) AS rows_scored_by_both,
       AVG(c.score) AS challenger_mean_score, AVG(p.score) AS production_mean_score,
       AVG(CASE WHEN c.risk_band = 'HIGH' THEN 1.0 ELSE 0.0 END) AS challenger_high_share,
       AVG(CASE WHEN p.risk_band = 'HIGH' THEN 1.0 ELSE 0.0 END) AS production_high_share,
       AVG(CASE WHEN c.risk_band = p.risk_band THEN 1.0 ELSE 0.0 END) AS band_agreement
FROM model_predictions c
JOIN model_predictions p ON p.patient_id = c.patient_id AND p.event_time = c.event_time AND p.role = 'production'
WHERE c.role = 'challenger'
GROUP BY c.model_version, p.model_version;
