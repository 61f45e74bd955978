package io.clinicalpipeline.it;

import io.clinicalpipeline.model.drift.DriftReference;
import io.clinicalpipeline.model.drift.FeatureReference;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.feature.StandardScaler;
import io.clinicalpipeline.model.ml.feature.TabularEncoder;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.train.TrainedModels;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.ml.builder.Pipeline;
import org.apache.flink.ml.builder.PipelineModel;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small real models for the integration tests, fitted on the shared cluster. */
final class TestModels {

    private TestModels() {}

    /**
     * Fits encoder → scaler → logistic regression on rows whose risk rises with NEWS2 (and heart rate), saves it at
     * {@code path} and registers it as {@code version} of "deterioration" (stage none).
     */
    static void registerNews2Model(LocalRuntime runtime, ModelRegistry registry, String path, long version, long seed)
            throws Exception {
        StreamExecutionEnvironment env = runtime.flink().environment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int news2 = random.nextInt(16);
            double hr = 70 + 3 * news2 + random.nextGaussian() * 10;
            double label = random.nextDouble() < 1 / (1 + Math.exp(4 - 0.6 * news2)) ? 1.0 : 0.0;
            rows.add(Row.of(news2, hr, label));
        }
        var table = tEnv.fromDataStream(env.fromData(rows).returns(new RowTypeInfo(
                new TypeInformation<?>[] {Types.INT, Types.DOUBLE, Types.DOUBLE},
                new String[] {"news2_total", "heart_rate_1h_mean", "label"})));
        PipelineModel model = new Pipeline(List.of(
                new TabularEncoder().setInputCols("news2_total", "heart_rate_1h_mean").setOutputCol("encoded"),
                new StandardScaler().setInputCol("encoded").setOutputCol("features").setWithMean(true),
                new LogisticRegression())).fit(table);
        model.save(path);
        // The training distribution, as train saves it beside every model: the jobs measure drift against it.
        TrainedModels.writeReference(path, new DriftReference(rows.size(), List.of(
                FeatureReference.numeric("news2_total", rows.stream().mapToDouble(r -> (Integer) r.getField(0)).toArray()),
                FeatureReference.numeric("heart_rate_1h_mean", rows.stream().mapToDouble(r -> (Double) r.getField(1)).toArray())),
                List.of("news2_total", "heart_rate_1h_mean")));
        LocalDateTime now = LocalDateTime.now();
        registry.register(new ModelVersion(version, "deterioration", "lr", "{}", List.of("news2_total", "heart_rate_1h_mean", "intercept"),
                List.of("news2_total", "heart_rate_1h_mean"), 1, "{}", "{}", path, null, now,
                ModelVersion.NONE, 0, now));
    }
}
