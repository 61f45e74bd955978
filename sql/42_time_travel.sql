-- A table as it was (Paimon time travel): its snapshots, then the offline feature store as of one of them.
--   bin/pipeline sql --file sql/42_time_travel.sql --var snapshot=1
-- As of a time instead: /*+ OPTIONS('scan.timestamp-millis' = '<epoch ms>') */.
SELECT snapshot_id, commit_kind, commit_time, total_record_count
FROM `patient_features$snapshots`
ORDER BY snapshot_id;

SELECT COUNT(*) AS feature_rows, COUNT(DISTINCT patient_id) AS patients, MAX(event_time) AS newest_event
FROM patient_features /*+ OPTIONS('scan.snapshot-id' = '${snapshot}') */;
