package io.clinicalpipeline.scoring;

import io.clinicalpipeline.registry.ModelVersion;

/**
 * What the scoring operator needs of a registry row: its stage, traffic share and where the model is. Broadcast
 * to every scoring subtask as the registry changes (a Flink POJO).
 */
public class ModelRoute {
    public long version;
    public String name;
    public String stage;
    public double trafficShare;
    public String modelPath;

    public ModelRoute() {}

    public ModelRoute(long version, String name, String stage, double trafficShare, String modelPath) {
        this.version = version;
        this.name = name;
        this.stage = stage;
        this.trafficShare = trafficShare;
        this.modelPath = modelPath;
    }

    public static ModelRoute of(ModelVersion v) {
        return new ModelRoute(v.version(), v.name(), v.stage(), v.trafficShare(), v.modelPath());
    }

    public boolean isProduction() {
        return ModelVersion.PRODUCTION.equals(stage);
    }

    boolean isChallenger() {
        return ModelVersion.STAGING.equals(stage) && trafficShare > 0;
    }
}
