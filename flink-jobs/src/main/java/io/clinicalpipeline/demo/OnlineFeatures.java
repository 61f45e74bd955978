package io.clinicalpipeline.demo;

import io.clinicalpipeline.online.OnlineFeatureStore;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A glance at the online store: the patients with the highest NEWS2 and the readings behind it. */
final class OnlineFeatures {

    private static final List<String> SHOWN = List.of("news2_total", "news2_risk", "qsofa_total", "heart_rate_1h_last",
            "respiratory_rate_1h_last", "spo2_1h_last", "systolic_bp_1h_last", "temperature_c_1h_last", "lactate_latest");

    private OnlineFeatures() {}

    static void print(String redisUri, int top) {
        try (OnlineFeatureStore store = new OnlineFeatureStore(redisUri)) {
            List<OnlineFeatureStore.Features> all = store.patients().stream()
                    .map(store::get).flatMap(java.util.Optional::stream)
                    .sorted(Comparator.comparing((OnlineFeatureStore.Features f) -> news2(f.values())).reversed()
                            .thenComparing(OnlineFeatureStore.Features::patientId))
                    .toList();
            System.out.printf("demo: online features of %d patients in Redis; highest NEWS2:%n", all.size());
            StringBuilder header = new StringBuilder(String.format("  %-8s %-24s", "patient", "valid at"));
            SHOWN.forEach(name -> header.append(String.format(" %" + width(name) + "s", shortName(name))));
            System.out.println(header);
            for (OnlineFeatureStore.Features f : all.subList(0, Math.min(top, all.size()))) {
                StringBuilder line = new StringBuilder(String.format("  %-8s %-24s", f.patientId(), f.validAt()));
                SHOWN.forEach(name -> line.append(String.format(" %" + width(name) + "s", format(f.values().get(name)))));
                System.out.println(line);
            }
        }
    }

    private static int news2(Map<String, Object> values) {
        return Objects.requireNonNullElse((Integer) values.get("news2_total"), -1);
    }

    private static String shortName(String feature) {
        return feature.replace("_1h_last", "").replace("_latest", "").replace("respiratory_rate", "resp_rate")
                .replace("temperature_c", "temp_c").replace("systolic_bp", "sbp");
    }

    private static int width(String feature) {
        return Math.max(6, shortName(feature).length());
    }

    private static String format(Object value) {
        if (value == null) {
            return "-";
        }
        return value instanceof Double d ? String.format("%.1f", d) : value.toString();
    }
}
