package io.clinicalpipeline.demo;

import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.eval.Bootstrap;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.scoring.RiskPolicy;
import io.clinicalpipeline.scoring.ScoreFeatures;
import io.clinicalpipeline.scoring.ScoringJob;
import io.clinicalpipeline.train.Algorithm;
import io.clinicalpipeline.train.ClinicalTraining;
import io.clinicalpipeline.train.TrainInput;
import io.clinicalpipeline.train.TrainedModels;
import io.clinicalpipeline.train.Trainer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.paimon.catalog.Catalog;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The demo's model step: a training set from the generated history, a logistic regression trained and measured
 * against NEWS2 on the test split, registered and promoted, then the streaming scoring job over every feature row
 * and the patients at highest risk from Redis.
 */
final class DemoModel {

    private static final String NAME = "deterioration";

    private DemoModel() {}

    /** The scoring job (to cancel at the end) and how the model did. */
    record Trained(JobClient scoring, Trainer.Result result) {}

    /** @return null when the history is too short to train on */
    static Trained run(LocalRuntime runtime, JobSettings s, Catalog catalog, Duration simulated, Duration timeout)
            throws Exception {
        Duration horizon = Duration.ofMinutes(Math.max(15, Math.min(360, simulated.toMinutes() / 4)));
        System.out.println("demo: building a training set (outcome within " + horizon.toMinutes() + " min) ...");
        TrainingSet.Summary split = TrainingSet.build(s.lakehouse(), s.database(), new TrainingSet.Spec("training_set",
                List.of(TrainingSet.DEFAULT_EVENT_TYPES.split(",")), horizon, Duration.ofHours(24), 0.6, 0.2,
                TrainingSet.SplitBy.PATIENT));
        split.rowsAndPositives().forEach((name, n) -> System.out.printf(Locale.ROOT, "  %-10s %,7d rows %,6d positive%n",
                name, n[0], n[1]));
        if (!split.bothClasses("train") || !split.bothClasses("test")) {
            System.out.println("demo: too few outcomes in " + simulated.toHours() + " simulated hours to train and test a "
                    + "model; run the demo with more --hours (e.g. 24) to see training and scoring");
            return null;
        }
        StreamExecutionEnvironment env = runtime.flink().environment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        TrainInput data = ClinicalTraining.input(tEnv, s.lakehouse(), s.database(), "training_set");
        System.out.println("demo: training a logistic regression on " + ClinicalTraining.features(data).size()
                + " feature columns, test rows from the 20% of patients it never sees ...");
        Trainer.Result result = ClinicalTraining.fit(data, Algorithm.LR);
        System.out.println("demo: fitted in " + result.engine() + "; " + result.selection() + ": " + result.chosen());
        BinaryMetrics m = result.test();
        BinaryMetrics news2 = result.baseline();
        Bootstrap.Result ci = result.evaluation().uncertainty();
        System.out.printf(Locale.ROOT, "demo: test split (%,d rows, %,d positive, %,d patients): model AUROC %.3f "
                        + "(%.3f-%.3f) AUPRC %.3f (%.3f-%.3f) | NEWS2 AUROC %.3f (%.3f-%.3f) AUPRC %.3f (%.3f-%.3f); 95%% CIs "
                        + "by patient bootstrap%n", m.rows(), m.positives(), ci.units(), m.auroc(), ci.auroc().low(),
                ci.auroc().high(), m.auprc(), ci.auprc().low(), ci.auprc().high(), news2.auroc(), ci.baselineAuroc().low(),
                ci.baselineAuroc().high(), news2.auprc(), ci.baselineAuprc().low(), ci.baselineAuprc().high());

        ModelRegistry registry = new ModelRegistry(catalog, s.database());
        ModelVersion registered = TrainedModels.register(registry, s.lakehouse().warehouse(), s.database(),
                ClinicalTraining.trained(NAME, Algorithm.LR, data, ClinicalTraining.features(data), result,
                        Map.of("by", "demo")), null, null);
        long version = registered.version();
        String report = registered.reportPath();
        registry.promote(version, ModelVersion.PRODUCTION, 0, "demo");
        System.out.println("demo: registered and promoted " + NAME + " v" + version + "; report " + report);

        JobClient scoring = PipelineJobs.startScoring(runtime.flink()::environment, s, s.database(), RiskPolicy.defaults(),
                new ScoringJob.Sinks(runtime.redisUri(), Duration.ofHours(48), runtime.bootstrap(), "risk-alerts"));
        long featureRows = new PaimonCounts(catalog, s.database()).count(FeatureJob.FEATURES_TABLE);
        JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
        Await.until(() -> metrics.sumOrZero(scoring.getJobID(), ScoreFeatures.SCORED_ROWS) >= featureRows, timeout,
                () -> "the scoring job to score all " + featureRows + " feature rows");
        Set<String> patients = Set.copyOf(new PaimonCounts(catalog, s.database())
                .countBy(FeatureJob.FEATURES_TABLE, "patient_id").keySet().stream().map(k -> k.get(0)).toList());
        try (RedisFeatureStore risk = new RedisFeatureStore(runtime.redisUri(), ScoringJob.RISK_KEY_PREFIX, Duration.ZERO, 3,
                Duration.ofMillis(100))) {
            Await.until(() -> patients.stream().allMatch(p -> !risk.get(p).isEmpty()), timeout,
                    () -> "a risk score in Redis for each of the " + patients.size() + " patients");
            System.out.printf("demo: scored %,d feature rows with v%d; highest risk now (Redis risk:{patient_id}):%n",
                    featureRows, version);
            patients.stream().map(p -> Map.entry(p, risk.get(p)))
                    .sorted(Comparator.comparing((Map.Entry<String, Map<String, String>> e) ->
                            Double.parseDouble(e.getValue().get("score"))).reversed().thenComparing(Map.Entry::getKey))
                    .limit(5)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %-8s risk %.3f %-6s (model v%s)%n", e.getKey(),
                            Double.parseDouble(e.getValue().get("score")), e.getValue().get("risk_band"),
                            e.getValue().get("model_version")));
        }
        return new Trained(scoring, result);
    }

    /** The summary JSON's {@code model} and {@code baseline}: AUROC and AUPRC with their 95% intervals. */
    static Map<String, Object> summary(Trainer.Result r) {
        Bootstrap.Result ci = r.evaluation().uncertainty();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("auroc", r.test().auroc());
        model.put("auprc", r.test().auprc());
        model.putAll(ci.fields(false));
        model.put("rows", r.test().rows());
        model.put("positives", r.test().positives());
        model.put("patients", ci.units());
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("name", "NEWS2");
        baseline.put("auroc", r.baseline().auroc());
        baseline.put("auprc", r.baseline().auprc());
        baseline.putAll(ci.fields(true));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("baseline", baseline);
        return out;
    }

}
