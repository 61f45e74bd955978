-- Bronze: every Kafka record exactly as received, one append-only table per topic (bronze_fhir and bronze_hl7v2 keep
-- the hospital topics' FHIR R4 and HL7 v2 messages, whole), partitioned by the
-- Kafka timestamp's UTC date and hour. The immutable replay source for everything downstream.
-- Avro, a row format: bronze is written once and read whole, and Parquet's dictionary encoding spends
-- its time hashing payloads that are all different.
CREATE TABLE IF NOT EXISTS bronze_vitals (
  topic STRING NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  kafka_timestamp TIMESTAMP_LTZ(3) NOT NULL,
  kafka_key STRING,
  payload BYTES NOT NULL,
  ingest_time TIMESTAMP_LTZ(3) NOT NULL,
  dt STRING NOT NULL,
  hr STRING NOT NULL
) PARTITIONED BY (dt, hr) WITH ('file.format' = 'avro');

CREATE TABLE IF NOT EXISTS bronze_medications WITH ('file.format' = 'avro') LIKE bronze_vitals (EXCLUDING OPTIONS);
CREATE TABLE IF NOT EXISTS bronze_labs WITH ('file.format' = 'avro') LIKE bronze_vitals (EXCLUDING OPTIONS);
CREATE TABLE IF NOT EXISTS bronze_adverse_events WITH ('file.format' = 'avro') LIKE bronze_vitals (EXCLUDING OPTIONS);
CREATE TABLE IF NOT EXISTS bronze_patients WITH ('file.format' = 'avro') LIKE bronze_vitals (EXCLUDING OPTIONS);
CREATE TABLE IF NOT EXISTS bronze_fhir WITH ('file.format' = 'avro') LIKE bronze_vitals (EXCLUDING OPTIONS);
CREATE TABLE IF NOT EXISTS bronze_hl7v2 WITH ('file.format' = 'avro') LIKE bronze_vitals (EXCLUDING OPTIONS);
