package io.clinicalpipeline.it;

import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.online.OnlineFeatureStore;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.data.Timestamp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Comparisons of feature rows across stores: a database's patient_features, each patient's newest row, Redis. */
final class FeatureRowChecks {

    private FeatureRowChecks() {}

    /** Feature rows of {@code database} by (patient, event time). */
    static Map<List<Object>, List<Object>> rows(Catalog catalog, String database) {
        Map<List<Object>, List<Object>> out = new TreeMap<>(Comparator.comparing(Object::toString));
        for (List<Object> r : new PaimonCounts(catalog, database).rows(FeatureJob.FEATURES_TABLE)) {
            out.put(List.of(r.get(0), r.get(1)), r);
        }
        return out;
    }

    /** Each patient's newest row of {@code database}. */
    static Map<String, List<Object>> newestRows(Catalog catalog, String database) {
        Map<String, List<Object>> newest = new HashMap<>();
        rows(catalog, database).values().forEach(r -> newest.merge((String) r.get(0), r,
                (a, b) -> ((Timestamp) a.get(1)).compareTo((Timestamp) b.get(1)) >= 0 ? a : b));
        return newest;
    }

    /** The epoch milliseconds a Paimon feature row is valid at. */
    static long validAt(List<Object> row) {
        return ((Timestamp) row.get(1)).toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** Whether the online store at {@code redisUri} holds exactly {@code newest} for every patient in it. */
    static boolean redisHolds(String redisUri, Map<String, List<Object>> newest) {
        try (OnlineFeatureStore store = new OnlineFeatureStore(redisUri)) {
            for (Map.Entry<String, List<Object>> e : newest.entrySet()) {
                var online = store.get(e.getKey());
                if (online.isEmpty() || !online.get().validAt().equals(Instant.ofEpochMilli(validAt(e.getValue())))
                        || !new ArrayList<>(online.get().values().values()).equals(featureValues(e.getValue()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The feature columns of a Paimon row, as Java values comparable with the online store's. */
    static List<Object> featureValues(List<Object> row) {
        List<Object> values = new ArrayList<>(row.subList(3, row.size()));
        values.replaceAll(v -> v == null ? null : v instanceof Number || v instanceof Boolean ? v : v.toString());
        return values;
    }
}
