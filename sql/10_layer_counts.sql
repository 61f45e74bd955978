-- Rows per layer and topic: run with bin/pipeline sql --file sql/10_layer_counts.sql
SELECT 'bronze' AS layer, topic, COUNT(*) AS n FROM bronze_vitals GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_medications GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_labs GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_adverse_events GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_patients GROUP BY topic
UNION ALL SELECT 'silver', 'vitals', COUNT(*) FROM silver_vitals
UNION ALL SELECT 'silver', 'medications', COUNT(*) FROM silver_medications
UNION ALL SELECT 'silver', 'labs', COUNT(*) FROM silver_labs
UNION ALL SELECT 'silver', 'adverse_events', COUNT(*) FROM silver_adverse_events
UNION ALL SELECT 'silver', 'patients', COUNT(*) FROM silver_patients
UNION ALL SELECT 'duplicates', topic, COUNT(*) FROM silver_duplicates GROUP BY topic
UNION ALL SELECT 'quarantine', topic, COUNT(*) FROM quarantine GROUP BY topic
UNION ALL SELECT 'dead_letter', topic, COUNT(*) FROM dead_letter GROUP BY topic;
