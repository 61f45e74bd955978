package io.clinicalpipeline.serving;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.online.OnlineFeatureStore;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoreFeatures;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Online prediction, the service's core without HTTP: a patient's current online features (Redis) scored by the
 * production model, or by the challenger for the patients in its share (the streaming job's hash), or values given
 * by the caller checked against the feature catalog. Scores are {@code RiskScorer}'s, as in the streaming job.
 */
public final class Predictor {

    /**
     * @param validAt     when the features were valid (their newest event); {@code age} now minus that
     * @param stale       older than the service's limit: served, but marked
     * @param explanation the score's contributions; null when the policy asks for none or the model cannot give them
     */
    public record Served(double score, String riskBand, String modelName, long modelVersion, String role,
                         Instant validAt, Duration age, boolean stale, Explanation explanation) {}

    /** Nothing is in production: a caller should get "not ready", never a guess. */
    public static final class NoModel extends IllegalStateException {
        NoModel() {
            super("no model is in production; promote one with bin/pipeline model promote VERSION --stage production");
        }
    }

    private final OnlineFeatureStore store;
    private final ServedModels models;
    private final RiskPolicy policy;
    private final Duration staleAfter;
    private final Clock clock;

    public Predictor(OnlineFeatureStore store, ServedModels models, RiskPolicy policy, Duration staleAfter, Clock clock) {
        this.store = store;
        this.models = models;
        this.policy = policy;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** How many contributions a served score shows. */
    public int explainTop() {
        return policy.explainTop();
    }

    /** The patient's online features scored; empty when Redis holds none for the patient. */
    public Optional<Served> forPatient(String patientId) {
        ServedModels.Current current = production();
        Optional<OnlineFeatureStore.Features> features = store.get(patientId);
        if (features.isEmpty()) {
            return Optional.empty();
        }
        ServedModels.Loaded challenger = current.challenger();
        boolean challenged = challenger != null && RiskPolicy.challenged(patientId, challenger.version().trafficShare());
        ServedModels.Loaded model = challenged ? challenger : current.production();
        Map<String, Object> values = features.get().values();
        Duration age = features.get().age(clock.instant());
        return Optional.of(served(model, challenged ? ScoreFeatures.CHALLENGER : ScoreFeatures.PRODUCTION, values,
                features.get().validAt(), age, age.compareTo(staleAfter) > 0));
    }

    /**
     * Values given by the caller, scored by the production model; a feature not given is missing, which the model
     * handles as in training.
     *
     * @throws IllegalArgumentException naming the field: not in the catalog, the wrong type, or not a finite number
     */
    public Served forFeatures(Map<String, ?> given) {
        Map<String, Object> values = typed(given);
        ServedModels.Loaded model = production().production();
        Instant now = clock.instant();
        return served(model, ScoreFeatures.PRODUCTION, values, now, Duration.ZERO, false);
    }

    private ServedModels.Current production() {
        ServedModels.Current current = models.current();
        if (current.production() == null) {
            throw new NoModel();
        }
        return current;
    }

    private Served served(ServedModels.Loaded model, String role, Map<String, Object> values, Instant validAt,
                          Duration age, boolean stale) {
        RiskScorer scorer = model.scorer();
        Explanation why = policy.explainTop() > 0 && scorer.explainable() ? scorer.explain(values::get) : null;
        double score = why == null ? scorer.score(values::get) : why.score();
        return new Served(score, policy.band(score), model.version().name(), model.version().version(), role, validAt, age,
                stale, why);
    }

    /** JSON values (numbers, booleans, strings, null) as the catalog types them. */
    static Map<String, Object> typed(Map<String, ?> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            FeatureDefinition definition = FeatureCalculator.definition(name);
            String type = definition == null ? null : definition.type();
            if (type == null) {
                throw new IllegalArgumentException("'" + name + "' is not a feature (bin/pipeline features catalog lists them)");
            }
            out.put(name, value == null ? null : switch (type) {
                case "DOUBLE" -> finite(name, number(name, type, value).doubleValue());
                case "INT" -> integer(name, number(name, type, value));
                case "BOOLEAN" -> value instanceof Boolean b ? b : wrong(name, type, value);
                default -> value instanceof String s ? s : wrong(name, type, value);
            });
        });
        return out;
    }

    private static Number number(String name, String type, Object value) {
        return value instanceof Number n ? n : wrong(name, type, value);
    }

    private static double finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("'" + name + "' must be a finite number, got " + v);
        }
        return v;
    }

    private static int integer(String name, Number n) {
        double v = finite(name, n.doubleValue());
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + name + "' must be a whole number, got " + n);
        }
        return (int) v;
    }

    private static <T> T wrong(String name, String type, Object value) {
        throw new IllegalArgumentException("'" + name + "' must be " + switch (type) {
            case "DOUBLE" -> "a number";
            case "INT" -> "a whole number";
            case "BOOLEAN" -> "true or false";
            default -> "a string";
        } + ", got " + (value instanceof String ? "the string \"" + value + "\"" : value.getClass().getSimpleName()
                .toLowerCase(java.util.Locale.ROOT) + " " + value));
    }
}
