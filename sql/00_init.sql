-- Init file for the Flink SQL client (-i) and for every job: the Paimon catalog over the pipeline's
-- warehouse. bin/pipeline sql fills in ${warehouse} and ${database}; the jobs do the same.
CREATE CATALOG paimon WITH ('type' = 'paimon', 'warehouse' = '${warehouse}');
USE CATALOG paimon;
CREATE DATABASE IF NOT EXISTS ${database};
USE ${database};
