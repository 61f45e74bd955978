package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.drift.FeatureDrift;
import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.ml.RiskScorer;
import io.clinicalpipeline.performance.LivePerformance;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import io.clinicalpipeline.retrain.Retrain;
import io.clinicalpipeline.retrain.RetrainPolicy;
import io.clinicalpipeline.retrain.RetrainPolicy.Action;
import io.clinicalpipeline.retrain.RetrainPolicy.Trigger;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JobMetrics;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.paimon.data.Timestamp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retraining against what a running online job measured. On an empty registry, a forced run trains the first model on
 * the history and promotes it. More patients like those it was trained on: the drift window stays under the
 * threshold and nothing is trained. A ward of respiratory patients: the drift is found on a top feature, a candidate
 * is trained on the newest snapshot and registered without touching production, and the comparison it recorded is
 * reproduced by scoring the same held-out rows with both models afresh.
 */
class RetrainIT {

    /**
     * Three cohorts of admissions, 6 h each, with numbers of their own. A simulated cohort is admitted at once, and its
     * chance of deteriorating is per stay, so its rows' mix changes with time since admission and with the stay's
     * length: the cohorts are equally long, and the drift window (25,000 rows, written every 2,500) holds a whole
     * cohort, as the training reference (the history's labelled rows, its first 5 h) nearly does. Cohorts of 600 keep
     * a patient-level feature's PSI between two samples of the same population (age, say) well under the threshold.
     */
    private static final GeneratorConfig HISTORY = GeneratorConfig.defaults(600, Duration.ofHours(6), 61);
    private static final GeneratorConfig SAME_CASE_MIX = GeneratorConfig.defaults(600, Duration.ofHours(6), 62)
            .withStart(HISTORY.start().plus(HISTORY.duration())).withFirstPatient(601);
    private static final GeneratorConfig RESPIRATORY = GeneratorConfig.defaults(800, Duration.ofHours(6), 63)
            .withStart(SAME_CASE_MIX.start().plus(SAME_CASE_MIX.duration())).withFirstPatient(1201).withWard("respiratory");
    private static final PipelineJobs.Monitoring WHOLE_STAYS = new PipelineJobs.Monitoring(
            new FeatureDrift.Settings(200, 25_000, 2_500), LivePerformance.Settings.defaults());
    /** A model on a few inputs, all of them its top features, so that which ones drift is known. */
    private static final List<String> INPUTS = List.of("news2_total", "ward", "age", "copd", "respiratory_rate_1h_mean",
            "spo2_1h_mean", "heart_rate_1h_mean");
    /** Live performance is left out of these decisions (unit-tested in RetrainPolicyTest): drift alone decides. */
    private static final RetrainPolicy.Thresholds DRIFT_ONLY = new RetrainPolicy.Thresholds(0.2, 0.8, Long.MAX_VALUE,
            Duration.ofHours(24), 0.005);
    private static final TrainingSet.Spec TRAINING = new TrainingSet.Spec("retrain_set",
            List.of(TrainingSet.DEFAULT_EVENT_TYPES.split(",")), Duration.ofHours(1), Duration.ofHours(24), 0.6, 0.2,
            TrainingSet.SplitBy.PATIENT);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalRuntime runtime;
    private static OnlineRun run;
    private static Retrain.Outcome first;
    private static Retrain.Outcome undrifted;
    private static Retrain.Outcome drifted;

    @BeforeAll
    static void retrainThreeTimes() throws Exception {
        runtime = SharedRuntime.get();
        run = new OnlineRun(runtime, SharedRuntime.newDirectory("retrain"), "it-retrain", 11, false);
        run.monitor(WHOLE_STAYS);
        run.start();
        run.produce(HISTORY);
        run.awaitAccounted(run.produced());
        first = retrain(true, true, INPUTS);

        JobMetrics metrics = new JobMetrics(runtime.flink().restAddress());
        Await.until(() -> productionVersion(metrics) == 1, Duration.ofMinutes(1),
                () -> "every scoring subtask of the online job to apply version 1");
        run.produce(SAME_CASE_MIX);
        awaitDriftWindowThrough(SAME_CASE_MIX);
        undrifted = retrain(false, false, List.of());

        run.produce(RESPIRATORY);
        awaitDriftWindowThrough(RESPIRATORY);
        drifted = retrain(false, false, List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void onAnEmptyRegistryAForcedRunPromotesTheFirstModel() throws Exception {
        assertEquals(List.of(Trigger.FORCED, Trigger.NO_PRODUCTION), first.check().triggers());
        assertEquals(Action.PRODUCTION, first.action());
        assertEquals(1L, first.candidateVersion());
        assertEquals(INPUTS, registry().get(1).inputColumns());
        assertNull(first.comparison().productionAuroc(), "nothing to compare with");
        assertEquals(1L, registry().production().orElseThrow().version());
    }

    @Test
    void theSameCaseMixDoesNotDriftAndNothingIsTrained() throws Exception {
        assertFalse(undrifted.check().triggered(), undrifted.reasons());
        assertEquals(Action.NONE, undrifted.action());
        assertNull(undrifted.candidateVersion());
        RetrainPolicy.DriftRow worst = undrifted.check().drift();
        assertNotNull(worst, "the decision read the newest drift window: " + undrifted.reasons());
        assertTrue(worst.psi() < DRIFT_ONLY.maxPsi(), "more patients like the training ones: largest top-feature PSI "
                + worst.psi());
        assertFalse(worst.windowEnd().isBefore(utc(SAME_CASE_MIX).plusHours(5)), "the window measured the new patients");
    }

    @Test
    void aRespiratoryWardDriftsAndTheCandidateIsRegisteredBesideProduction() throws Exception {
        assertEquals(List.of(Trigger.DRIFT), drifted.check().triggers(), drifted.reasons());
        RetrainPolicy.DriftRow worst = drifted.check().drift();
        assertTrue(worst.psi() > 0.2 && worst.topRank() != null, worst.toString());
        assertEquals(2L, drifted.candidateVersion());
        ModelRegistry registry = registry();
        assertEquals(1L, registry.production().orElseThrow().version(), "production changes only with --promote-if-better");
        ModelVersion candidate = registry.get(2);
        assertEquals(ModelVersion.STAGING, candidate.stage());
        JsonNode tuned = JSON.readTree(registry.get(1).params());
        assertEquals(tuned.get("reg"), JSON.readTree(candidate.params()).get("reg"), "a refit with production's hyperparameters");
        assertEquals(INPUTS, candidate.inputColumns(), "and production's inputs");
        RetrainPolicy.Comparison c = drifted.comparison();
        boolean better = c.difference() >= DRIFT_ONLY.minImprovement() && c.differenceInterval().low() > 0;
        assertEquals(better ? Action.CHALLENGER : Action.STAGING, drifted.action(), drifted.reasons());
        assertEquals(better ? 0.1 : 0.0, candidate.trafficShare());
    }

    /** The test rows of the training set the run built, scored again by both models, give the recorded comparison. */
    @Test
    void theRecordedComparisonIsReproducedOnTheSameHeldOutRows() throws Exception {
        PaimonCounts tables = new PaimonCounts(run.catalog(), run.settings().database());
        List<String> columns = tables.columns(TRAINING.output());
        RiskScorer.Bound production = RiskScorer.load(registry().get(1).modelPath()).bind(columns);
        RiskScorer.Bound candidate = RiskScorer.load(registry().get(2).modelPath()).bind(columns);
        int split = columns.indexOf("dataset_split");
        int label = columns.indexOf("label");
        List<List<Object>> test = tables.rows(TRAINING.output()).stream()
                .filter(r -> "test".equals(r.get(split)) && r.get(label) != null).toList();
        double[] y = test.stream().mapToDouble(r -> ((Number) r.get(label)).doubleValue()).toArray();
        double productionAuroc = BinaryMetrics.of(test.stream().mapToDouble(r -> production.score(r::get)).toArray(), y, 0.5).auroc();
        double candidateAuroc = BinaryMetrics.of(test.stream().mapToDouble(r -> candidate.score(r::get)).toArray(), y, 0.5).auroc();
        RetrainPolicy.Comparison c = drifted.comparison();
        assertEquals(test.size(), c.rows());
        assertEquals(productionAuroc, c.productionAuroc(), 1e-12);
        assertEquals(candidateAuroc, c.candidateAuroc(), 1e-12);
        assertTrue(c.patients() > 50 && c.positives() > 0, c.toString());
    }

    @Test
    void everyRunIsADecisionRowWithItsReasons() {
        List<List<Object>> rows = new PaimonCounts(run.catalog(), run.settings().database()).rows(Retrain.DECISIONS,
                "decided_at", "action", "triggers", "candidate_version", "drift_feature", "reasons");
        List<List<Object>> ordered = rows.stream().sorted(Comparator.comparing(r -> (Timestamp) r.get(0))).toList();
        assertEquals(List.of("production", "none", drifted.action().id()), ordered.stream().map(r -> r.get(1)).toList());
        assertEquals(List.of("forced,no_production", "", "drift"), ordered.stream().map(r -> r.get(2)).toList());
        assertEquals(drifted.check().drift().feature(), ordered.get(2).get(4));
        assertEquals(2L, ordered.get(2).get(3));
        assertEquals(undrifted.reasons(), ordered.get(1).get(5));
        assertTrue(((String) ordered.get(1).get(5)).startsWith("not retrained: no drift"), (String) ordered.get(1).get(5));
    }

    /** The monitoring script, through the SQL client as a user runs it, shows the decisions and the drift behind them. */
    @Test
    void theMonitoringScriptShowsTheDecisions() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path log = Files.createTempFile(SharedRuntime.newDirectory("retrain-sql"), "sql", ".log");
        Process sql = new ProcessBuilder(List.of(root.resolve("bin/pipeline").toString(), "sql", "--warehouse",
                run.settings().lakehouse().warehouse(), "--database", run.settings().database(), "--file",
                root.resolve("sql/32_model_monitoring.sql").toString()))
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(sql.waitFor(3, TimeUnit.MINUTES), "SQL client did not finish");
        String out = Files.readString(log);
        assertEquals(0, sql.exitValue(), out);
        assertTrue(out.matches("(?s).*\\|\\s+" + drifted.action().id() + " \\|\\s+drift \\|\\s+1 \\|\\s+2 \\|\\s+"
                + drifted.check().drift().feature() + " \\|.*"), out);
        assertTrue(out.matches("(?s).*\\|\\s+none \\|\\s+\\|\\s+1 \\|.*"), out);
        assertTrue(out.matches("(?s).*\\|\\s+1 \\|\\s+1 \\|\\s+\\w+ \\|\\s+[0-9.E-]+ \\|.*"), "version 1's top feature's drift: " + out);
    }

    /** @param features empty: production's inputs */
    private static Retrain.Outcome retrain(boolean force, boolean promoteIfBetter, List<String> features) throws Exception {
        StreamExecutionEnvironment env = runtime.flink().environment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return Retrain.run(run.settings().lakehouse(), run.settings().database(), new Retrain.Settings(DRIFT_ONLY, force,
                promoteIfBetter, 0.1, "deterioration", null, features, false, TRAINING), env, System.out);
    }

    /**
     * Until the online job has written a drift window of the production model through the first 5 of the cohort's 6
     * hours (windows are written every 2,500 rows, so the newest may stop short of the last rows).
     */
    private static void awaitDriftWindowThrough(GeneratorConfig cohort) throws Exception {
        Timestamp through = Timestamp.fromLocalDateTime(utc(cohort).plusHours(5));
        PaimonCounts tables = new PaimonCounts(run.catalog(), run.settings().database());
        Await.until(() -> tables.rows(FeatureDrift.TABLE, "window_end").stream()
                        .anyMatch(r -> r.get(0) != null && ((Timestamp) r.get(0)).compareTo(through) >= 0),
                Duration.ofMinutes(3), () -> "a feature_drift window through " + through);
    }

    private static LocalDateTime utc(GeneratorConfig phase) {
        return LocalDateTime.ofInstant(phase.start(), ZoneOffset.UTC);
    }

    private static long productionVersion(JobMetrics metrics) {
        try {
            return metrics.min(run.job().getJobID(), "productionModelVersion");
        } catch (Exception e) {
            return -1;
        }
    }

    private static ModelRegistry registry() {
        return new ModelRegistry(run.catalog(), run.settings().database());
    }
}
