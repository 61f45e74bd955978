-- What each model version was trained on (lineage): the table and its snapshot, which
-- /*+ OPTIONS('scan.snapshot-id' = ...) */ reads again as it was (sql/42_time_travel.sql).
SELECT version, name, algorithm, stage,
       JSON_VALUE(training_data, '$.paimon_table') AS trained_on,
       JSON_VALUE(training_data, '$.snapshot_id') AS snapshot_id,
       definition_version, created_at
FROM model_registry
ORDER BY version;
