package io.clinicalpipeline.model.drift;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training distribution of a model version's input features, stored beside the model ({@value #FILE} in its
 * directory) so the streaming drift operator can compare what the model scores with what it learned from.
 *
 * @param rows        how many training rows the distributions come from
 * @param topFeatures the features that matter most to the model, most first (drift alerts and gauges watch these)
 */
public record DriftReference(long rows, List<FeatureReference> features, List<String> topFeatures) {
    public static final String FILE = "feature_reference.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Optional<FeatureReference> feature(String name) {
        int at = indexOf(name);
        return at < 0 ? Optional.empty() : Optional.of(features.get(at));
    }

    /** The position of a feature in {@link #features}, or -1. */
    public int indexOf(String name) {
        for (int f = 0; f < features.size(); f++) {
            if (features.get(f).name().equals(name)) {
                return f;
            }
        }
        return -1;
    }

    public void write(OutputStream out) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(out, this);
    }

    public static DriftReference read(InputStream in) throws IOException {
        return JSON.readValue(in, DriftReference.class);
    }

    /**
     * The most important features: by the model's importance where it has one (a tree's gain share per encoded column,
     * which is mapped back to its input feature), else in the order given.
     *
     * @param importance encoded column name to share; a categorical column is named {@code feature=value}
     */
    public static List<String> top(List<String> features, Map<String, Double> importance, int limit) {
        if (importance == null || importance.isEmpty()) {
            return features.stream().limit(limit).toList();
        }
        Map<String, Double> byFeature = new HashMap<>();
        importance.forEach((column, share) -> {
            String feature = column.contains("=") ? column.substring(0, column.indexOf('=')) : column;
            byFeature.merge(feature, share, Double::sum);
        });
        return byFeature.entrySet().stream().filter(e -> features.contains(e.getKey()))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit).map(Map.Entry::getKey).toList();
    }
}
