-- Silver: parsed, validated, unit-standardised events, one row per (patient, event time, source[, what]).
-- Primary keys make replays idempotent; topic/kafka_partition/kafka_offset point back at the bronze record, and item
-- at the event's place in it (0 on the JSON topics; a FHIR Bundle's or an ORU's events count up from 0).
-- event_time leads the key because Paimon keeps files sorted by it: streaming readers (the feature job)
-- then see each bucket in event-time order, even a bulk load committed at once, so watermarks hold.
-- Units: temperature_c in degrees Celsius, pressures in mmHg, spo2 in %, rates per minute,
-- labs in their canonical SI unit (column unit), weight_kg, avg_glucose_level in mg/dL.
CREATE TABLE IF NOT EXISTS silver_vitals (
  dt STRING NOT NULL,
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  source_id STRING NOT NULL,
  event_id STRING,
  heart_rate DOUBLE,
  systolic_bp DOUBLE,
  diastolic_bp DOUBLE,
  respiratory_rate DOUBLE,
  spo2 DOUBLE,
  temperature_c DOUBLE,
  source_temperature_unit STRING,
  supplemental_oxygen BOOLEAN,
  consciousness STRING,
  pulse_pressure DOUBLE,
  mean_arterial_pressure DOUBLE,
  shock_index DOUBLE,
  quality_score DOUBLE NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  topic STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (dt, event_time, patient_id, source_id) NOT ENFORCED
) PARTITIONED BY (dt) WITH ('bucket' = '2', 'changelog-producer' = 'input');

CREATE TABLE IF NOT EXISTS silver_medications (
  dt STRING NOT NULL,
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  source_id STRING NOT NULL,
  drug STRING NOT NULL,
  event_id STRING,
  drug_class STRING,
  dose DOUBLE,
  dose_unit STRING,
  route STRING,
  quality_score DOUBLE NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  topic STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (dt, event_time, patient_id, source_id, drug) NOT ENFORCED
) PARTITIONED BY (dt) WITH ('bucket' = '2', 'changelog-producer' = 'input');

CREATE TABLE IF NOT EXISTS silver_labs (
  dt STRING NOT NULL,
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  source_id STRING NOT NULL,
  test STRING NOT NULL,
  event_id STRING,
  `value` DOUBLE NOT NULL,
  unit STRING NOT NULL,
  source_value DOUBLE NOT NULL,
  source_unit STRING NOT NULL,
  quality_score DOUBLE NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  topic STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (dt, event_time, patient_id, source_id, test) NOT ENFORCED
) PARTITIONED BY (dt) WITH ('bucket' = '2', 'changelog-producer' = 'input');

CREATE TABLE IF NOT EXISTS silver_adverse_events (
  dt STRING NOT NULL,
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  source_id STRING NOT NULL,
  event_type STRING NOT NULL,
  event_id STRING,
  severity STRING,
  quality_score DOUBLE NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  topic STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (dt, event_time, patient_id, source_id, event_type) NOT ENFORCED
) PARTITIONED BY (dt) WITH ('bucket' = '2', 'changelog-producer' = 'input');

CREATE TABLE IF NOT EXISTS silver_patients (
  dt STRING NOT NULL,
  patient_id STRING NOT NULL,
  event_time TIMESTAMP(3) NOT NULL,
  source_id STRING NOT NULL,
  event_id STRING,
  age INT,
  gender STRING,
  hypertension BOOLEAN,
  heart_disease BOOLEAN,
  ever_married STRING,
  work_type STRING,
  residence_type STRING,
  avg_glucose_level DOUBLE,
  bmi DOUBLE,
  weight_kg DOUBLE,
  height_cm DOUBLE,
  smoking_status STRING,
  ward STRING,
  copd BOOLEAN,
  anaemia BOOLEAN,
  beta_blocker BOOLEAN,
  spo2_scale INT,
  quality_score DOUBLE NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  topic STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (dt, event_time, patient_id, source_id) NOT ENFORCED
) PARTITIONED BY (dt) WITH ('bucket' = '2', 'changelog-producer' = 'input');

-- Records that parsed but carry an impossible value, with a machine-readable reason code; from a hospital topic also
-- the entries that could not be mapped (an unknown LOINC code or UCUM unit, no value), one row per item.
CREATE TABLE IF NOT EXISTS quarantine (
  topic STRING NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  kafka_timestamp TIMESTAMP_LTZ(3) NOT NULL,
  patient_id STRING,
  event_time TIMESTAMP(3),
  reason_code STRING NOT NULL,
  reason STRING NOT NULL,
  payload STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (topic, kafka_partition, kafka_offset, item) NOT ENFORCED
) WITH ('bucket' = '1');

-- Records that could not be parsed into an event at all.
CREATE TABLE IF NOT EXISTS dead_letter (
  topic STRING NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  kafka_timestamp TIMESTAMP_LTZ(3) NOT NULL,
  error_code STRING NOT NULL,
  error STRING NOT NULL,
  payload STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (topic, kafka_partition, kafka_offset, item) NOT ENFORCED
) WITH ('bucket' = '1');

-- Valid records dropped because an earlier Kafka record (lowest partition/offset wins) had the same key.
CREATE TABLE IF NOT EXISTS silver_duplicates (
  topic STRING NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  dedup_key STRING NOT NULL,
  item INT NOT NULL,
  PRIMARY KEY (topic, kafka_partition, kafka_offset, item) NOT ENFORCED
) WITH ('bucket' = '1');

-- One row per hospital message (FHIR, HL7 v2): how many events it was translated into, how many of its entries could
-- not be mapped (each a quarantine row), or the error that dead-lettered it whole. items = the rows it made in silver,
-- silver_duplicates, quarantine and dead_letter together, which is how reconcile proves a message lost none.
CREATE TABLE IF NOT EXISTS hospital_messages (
  dt STRING NOT NULL,
  topic STRING NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  kafka_timestamp TIMESTAMP_LTZ(3) NOT NULL,
  format STRING NOT NULL,
  events INT NOT NULL,
  unmapped INT NOT NULL,
  error_code STRING,
  items INT NOT NULL,
  PRIMARY KEY (dt, topic, kafka_partition, kafka_offset) NOT ENFORCED
) PARTITIONED BY (dt) WITH ('bucket' = '2');
