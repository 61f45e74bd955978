-- The feature catalog: every feature the pipeline computes, with its definition version.
-- Written by bin/pipeline features catalog (and by the demo); look here before using a feature.
CREATE TABLE IF NOT EXISTS feature_catalog (
  name STRING NOT NULL,
  version INT NOT NULL,
  data_type STRING NOT NULL,
  unit STRING NOT NULL,
  lookback STRING NOT NULL,
  description STRING NOT NULL,
  PRIMARY KEY (name, version) NOT ENFORCED
) WITH ('bucket' = '1');
