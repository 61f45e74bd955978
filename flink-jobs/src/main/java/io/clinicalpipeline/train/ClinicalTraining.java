package io.clinicalpipeline.train;

import io.clinicalpipeline.lake.Lakehouse;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A risk model on a training set built by {@code features training-set}: every feature column, the test rows its
 * patient split holds out, NEWS2 as the baseline on the same rows. The defaults the demo and retraining share.
 */
public final class ClinicalTraining {

    /** Columns of a training set that identify rows rather than describe the patient. */
    public static final List<String> NOT_FEATURES = List.of("patient_id", "definition_version");
    public static final String BASELINE = "news2_total";

    private ClinicalTraining() {}

    /** The training set at its newest snapshot (recorded in the lineage), labelled by its {@code label} column. */
    public static TrainInput input(StreamTableEnvironment tEnv, Lakehouse lake, String database, String table)
            throws Exception {
        return TrainInput.paimon(tEnv, lake, database, table, new TrainInput.Labels("label", Set.of("1"), 0.2, 42));
    }

    public static List<String> features(TrainInput data) {
        return data.features(List.of(), NOT_FEATURES);
    }

    /**
     * Fits on every feature column with the trainer's defaults (regularisation by inner cross-validation for lr) and
     * NEWS2 as the baseline.
     */
    public static Trainer.Result fit(TrainInput data, Algorithm algorithm) throws Exception {
        return fit(data, features(data), algorithm, Map.of());
    }

    /** As above on {@code features}, with {@code params} fixed (by param name): for lr, no search for the regularisation. */
    public static Trainer.Result fit(TrainInput data, List<String> features, Algorithm algorithm, Map<String, Double> params)
            throws Exception {
        return Trainer.train(data, new Trainer.Settings(features, List.of(), 50, algorithm, params, "none", 0.5,
                "", BASELINE, 5, List.of(), 1, Trainer.DEFAULT_LOCAL_ROWS));
    }

    /** The fitted model as the registry records it; {@code run} adds to the lineage (the command, the trigger). */
    public static TrainedModels.Trained trained(String name, Algorithm algorithm, TrainInput data, List<String> features,
                                                Trainer.Result result, Map<String, Object> run) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("input", data.describe());
        details.put("features", result.featureNames().size() + " encoded from " + features.size() + " columns");
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("input", data.describe());
        lineage.put("label", "label");
        lineage.put("algorithm", algorithm.id());
        lineage.put("baseline", BASELINE);
        lineage.putAll(run);
        Map<String, Object> params = new LinkedHashMap<>(result.chosen());
        params.put("classWeight", "none");
        return new TrainedModels.Trained(name, algorithm.id(), params, result, data, features, lineage, details, "NEWS2");
    }
}
