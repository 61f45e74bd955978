-- The patients whose newest NEWS2 is 7 or more (RCP 2017: emergency response, continuous monitoring), highest first.
SELECT patient_id, event_time, news2_total, ward, respiratory_rate_1h_mean, spo2_1h_min, systolic_bp_1h_mean
FROM (
  SELECT patient_id, event_time, news2_total, ward, respiratory_rate_1h_mean, spo2_1h_min, systolic_bp_1h_mean,
         ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY event_time DESC) AS newest
  FROM patient_features
)
WHERE newest = 1 AND news2_total >= 7
ORDER BY news2_total DESC, patient_id;
