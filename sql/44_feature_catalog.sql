-- The feature catalog: every feature the feature job computes, online and offline, with its type, unit and lookback.
SELECT name, version, data_type, unit, lookback, description
FROM feature_catalog
ORDER BY name;
