-- Why records were rejected, and how complete the accepted ones are.
SELECT topic, reason_code, COUNT(*) AS n FROM quarantine GROUP BY topic, reason_code;
SELECT topic, error_code, COUNT(*) AS n FROM dead_letter GROUP BY topic, error_code;
SELECT ROUND(AVG(quality_score), 3) AS avg_quality, MIN(quality_score) AS min_quality,
       SUM(CASE WHEN source_temperature_unit = 'F' THEN 1 ELSE 0 END) AS converted_from_fahrenheit
FROM silver_vitals;
