-- Rows per layer and topic: run with bin/pipeline sql --file sql/10_layer_counts.sql
-- A hospital topic's messages (bronze_fhir, bronze_hl7v2) become items: hospital_messages says how many each made, and
-- silver and the reject tables count items. Silver rows written before silver kept its topic show a null topic.
SELECT 'bronze' AS layer, topic, COUNT(*) AS n FROM bronze_vitals GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_medications GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_labs GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_adverse_events GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_patients GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_fhir GROUP BY topic
UNION ALL SELECT 'bronze', topic, COUNT(*) FROM bronze_hl7v2 GROUP BY topic
UNION ALL SELECT 'hospital_messages', topic, COUNT(*) FROM hospital_messages GROUP BY topic
UNION ALL SELECT 'hospital_message_items', topic, SUM(items) FROM hospital_messages GROUP BY topic
UNION ALL SELECT 'silver_vitals', topic, COUNT(*) FROM silver_vitals GROUP BY topic
UNION ALL SELECT 'silver_medications', topic, COUNT(*) FROM silver_medications GROUP BY topic
UNION ALL SELECT 'silver_labs', topic, COUNT(*) FROM silver_labs GROUP BY topic
UNION ALL SELECT 'silver_adverse_events', topic, COUNT(*) FROM silver_adverse_events GROUP BY topic
UNION ALL SELECT 'silver_patients', topic, COUNT(*) FROM silver_patients GROUP BY topic
UNION ALL SELECT 'duplicates', topic, COUNT(*) FROM silver_duplicates GROUP BY topic
UNION ALL SELECT 'quarantine', topic, COUNT(*) FROM quarantine GROUP BY topic
UNION ALL SELECT 'dead_letter', topic, COUNT(*) FROM dead_letter GROUP BY topic;
