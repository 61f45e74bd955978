package io.clinicalpipeline.registry;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.util.List;

/**
 * One row of {@code model_registry} (see sql/04_model_tables.sql). {@code inputColumns} are the raw columns the
 * saved pipeline reads (its encoder's inputs); {@code featureNames} the encoded vector's entries.
 */
public record ModelVersion(long version, String name, String algorithm, String params, List<String> featureNames,
                           List<String> inputColumns, Integer definitionVersion, String trainingData, String metrics,
                           String modelPath, String reportPath, LocalDateTime createdAt, String stage,
                           double trafficShare, LocalDateTime stageChangedAt) implements Serializable {

    public static final String NONE = "none";
    public static final String STAGING = "staging";
    public static final String PRODUCTION = "production";
    public static final String ARCHIVED = "archived";
    public static final List<String> STAGES = List.of(NONE, STAGING, PRODUCTION, ARCHIVED);

    public ModelVersion withStage(String newStage, double share, LocalDateTime at) {
        return new ModelVersion(version, name, algorithm, params, featureNames, inputColumns, definitionVersion,
                trainingData, metrics, modelPath, reportPath, createdAt, newStage, share, at);
    }

    /** A staging version that scores a share of patients next to production. */
    public boolean isChallenger() {
        return STAGING.equals(stage) && trafficShare > 0;
    }
}
