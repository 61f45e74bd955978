-- One patient now: the newest feature row (the offline store's copy of what Redis serves) and the newest scores.
--   bin/pipeline sql --file sql/40_patient_now.sql --var patient=P000042
SELECT patient_id, event_time, news2_total, news2_risk, heart_rate_1h_mean, respiratory_rate_1h_mean, spo2_1h_min,
       systolic_bp_1h_mean, temperature_c_1h_max, lactate_latest, ward
FROM patient_features
WHERE patient_id = '${patient}'
ORDER BY event_time DESC
LIMIT 1;

SELECT event_time, model_version, role, served, ROUND(score, 4) AS score, risk_band, scored_at
FROM model_predictions
WHERE patient_id = '${patient}'
ORDER BY event_time DESC, model_version DESC
LIMIT 5;
