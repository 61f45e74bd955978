package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.monitoring.MonitoringConfig;
import io.clinicalpipeline.monitoring.PrometheusServer;
import io.clinicalpipeline.performance.LivePerformance;
import io.clinicalpipeline.runtime.Await;
import org.apache.paimon.data.Timestamp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * monitoring/ against the running pipeline: the online job (lakehouse path on, a production model) takes a generated
 * workload while a real Prometheus server scrapes the shared runtime's reporter and evaluates the repository's
 * rules. Every metric the rules and dashboards name is in the scrape, and every dashboard query returns data. The
 * workload is longer than the label horizon, so adverse events label predictions as they arrive: each label follows
 * the training set's rule, and the live AUROC the job measured is the batch AUROC of the rows it covered.
 */
class MonitoringIT {

    private static final String NAME = "it-monitoring";
    private static OnlineRun run;
    private static PrometheusServer prometheus;
    private static int reporterPort;

    @BeforeAll
    static void runOnlineJobUnderPrometheus() throws Exception {
        Path dir = SharedRuntime.newDirectory("monitoring");
        // Scraping from before the job starts, so the rates over 5 minutes see the counters rise; every port of the
        // range, as which one this JVM's reporter took is known only once the job's metrics show there.
        String[] range = SharedRuntime.PROMETHEUS_PORTS.split("-");
        List<String> targets = new ArrayList<>();
        for (int port = Integer.parseInt(range[0]); port <= Integer.parseInt(range[1]); port++) {
            targets.add("127.0.0.1:" + port);
        }
        prometheus = PrometheusServer.start(dir, targets);
        run = new OnlineRun(SharedRuntime.get(), dir, NAME, 9);
        run.produce(workload(11, GeneratorConfig.DEFAULT_START));
        run.start();
        run.awaitAccounted(run.produced());
        // A backlog is read between two scrapes, so a counter's first sample is already its last: rates need a rise
        // Prometheus sees. The next 12 hours of the same ward go in once the job's series are there.
        Await.until(() -> !result("flink_taskmanager_job_task_operator_topic_silverRecordsIn{topic=~\"" + NAME + "-.*\"}")
                .isEmpty(), Duration.ofMinutes(1), () -> "Prometheus to scrape the online job's silver counters");
        run.produce(workload(12, GeneratorConfig.DEFAULT_START.plus(Duration.ofHours(12))));
        run.awaitAccounted(run.produced());
        reporterPort = PrometheusScrape.portShowing(SharedRuntime.PROMETHEUS_PORTS, "topic=\"" + NAME + "-");
        // The live measurements reach Paimon at the job's next checkpoints.
        Await.until(() -> newestMeasurement() != null && !labelled().isEmpty(), Duration.ofMinutes(2),
                () -> "a model_performance row of the production model");
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    /**
     * The Flink web dashboard as a browser loads it: its page and scripts, and the REST calls it makes to list the
     * running jobs and show one job's graph. Each operator shows with the name the code gives it.
     */
    @Test
    void theWebDashboardServesItsPageAndTheRunningJob() throws Exception {
        WebDashboard.assertShowsRunningJob(SharedRuntime.get().flink().restAddress(), run.job().getJobID().toString(), "features");
    }

    @Test
    void everyMetricTheRulesAndDashboardsNameIsExposed() throws Exception {
        Set<String> exposed = MonitoringConfig.exposed(PrometheusScrape.scrape(reporterPort));
        Map<String, String> queries = new LinkedHashMap<>(MonitoringConfig.ruleExpressions());
        queries.putAll(MonitoringConfig.dashboardQueries());
        assertEquals(List.of(), MonitoringConfig.unknownNames(queries, exposed),
                "named in monitoring/ but not exposed by the running pipeline (nor recorded by a rule)");
    }

    @Test
    void everyDashboardQueryReturnsDataFromPrometheus() throws Exception {
        Map<String, String> queries = MonitoringConfig.dashboardQueries();
        List<String> empty = new ArrayList<>();
        Await.until(() -> {
            empty.clear();
            queries.forEach((where, expr) -> {
                if (result(expr).isEmpty()) {
                    empty.add(where + ": " + expr);
                }
            });
            return empty.isEmpty();
        }, Duration.ofMinutes(2), Duration.ofSeconds(2), () -> "every dashboard query to return data; still empty:\n  "
                + String.join("\n  ", empty));
    }

    @Test
    void theRulesEvaluateOnTheLivePipelineAndNoAlertFires() throws Exception {
        Await.until(() -> !result("clinical:silver_reject_ratio:rate5m").isEmpty(), Duration.ofMinutes(1), Duration.ofSeconds(1),
                () -> "the reject-ratio rule to have a value; records in " + result("clinical:silver_records_in:rate5m")
                        + ", rejected " + result("clinical:silver_rejected:rate5m"));
        // A healthy run with about 2% faults of each kind: each topic's ratio is a share (a sparse topic's swings with a
        // few records), and over all topics the rejected share is what the faults make it. Of the critical alerts that
        // fire without waiting (checkpoints not completing, restarts) none does. (The job checkpoints every 500 ms, so
        // its first checkpoints, triggered while tasks start, fail: the warning for repeated failures may.)
        for (JsonNode ratio : result("clinical:silver_reject_ratio:rate5m")) {
            double value = ratio.path("value").get(1).asDouble();
            assertTrue(value >= 0 && value <= 1, "reject ratio " + ratio);
        }
        JsonNode overall = result("sum(clinical:silver_rejected:rate5m) / sum(clinical:silver_records_in:rate5m)");
        double share = overall.get(0).path("value").get(1).asDouble();
        assertTrue(share > 0.01 && share < 0.15, "rejected share over all topics: " + share);
        JsonNode firing = result("ALERTS{alertname=~\"Clinical.*\", alertstate=\"firing\", severity=\"critical\"}");
        assertTrue(firing.isEmpty(), "alerts firing on a healthy run: " + firing);
    }

    @Test
    void everyLiveLabelFollowsTheTrainingSetRule() {
        Map<String, List<Long>> outcomes = new HashMap<>();
        for (List<Object> o : run.rows("silver_adverse_events", "patient_id", "event_time", "event_type")) {
            if (Set.of(TrainingSet.DEFAULT_EVENT_TYPES.split(",")).contains((String) o.get(2))) {
                outcomes.computeIfAbsent((String) o.get(0), p -> new ArrayList<>()).add(millis(o.get(1)));
            }
        }
        long horizon = Duration.ofHours(6).toMillis();
        long washout = Duration.ofHours(24).toMillis();
        List<List<Object>> rows = labelled();
        int positives = 0;
        for (List<Object> r : rows) {
            String patient = (String) r.get(4);
            long t = millis(r.get(5));
            List<Long> times = outcomes.getOrDefault(patient, List.of());
            assertTrue(times.stream().noneMatch(o -> o <= t && o > t - washout), "labelled in the washout: " + r);
            int expected = times.stream().anyMatch(o -> o > t && o <= t + horizon) ? 1 : 0;
            assertEquals(expected, r.get(8), "label of " + r + " (outcomes " + times + ")");
            positives += expected;
        }
        assertTrue(positives > 0 && positives < rows.size(), positives + " positives of " + rows.size() + " labelled rows");
    }

    @Test
    void theLiveAurocIsTheBatchAurocOfTheRowsItCovered() {
        List<Object> m = newestMeasurement();
        long lastSeq = (Long) m.get(3);
        long windowRows = (Long) m.get(5);
        List<List<Object>> covered = labelled().stream().filter(r -> r.get(0).equals(m.get(0)) && r.get(1).equals(m.get(1))
                && r.get(2).equals(m.get(2)) && (Long) r.get(3) > lastSeq - windowRows && (Long) r.get(3) <= lastSeq).toList();
        assertEquals(windowRows, covered.size(), "the rows the measurement covered");
        double[] scores = covered.stream().mapToDouble(r -> (Double) r.get(6)).toArray();
        double[] news2 = covered.stream().mapToDouble(r -> r.get(7) == null ? Double.NEGATIVE_INFINITY : (Double) r.get(7)).toArray();
        double[] labels = covered.stream().mapToDouble(r -> (Integer) r.get(8)).toArray();
        assertEquals(BinaryMetrics.of(scores, labels, 0.5).auroc(), (Double) m.get(7), 1e-12, "live AUROC " + m);
        assertEquals(BinaryMetrics.of(news2, labels, 5).auroc(), (Double) m.get(9), 1e-12, "NEWS2 on the same rows " + m);
    }

    /** 60 patients over 12 hours from {@code start}: longer than the label horizon, with about 2% faults. */
    private static GeneratorConfig workload(long seed, Instant start) {
        return GeneratorConfig.defaults(60, Duration.ofHours(12), seed).withStart(start)
                .withFaultRates(0.02, 0.02, 0.01, 0.02, 0.02, 0.02);
    }

    /** The production model's newest measurement with both classes in its window, or null. */
    private static List<Object> newestMeasurement() {
        return run.rows(LivePerformance.PERFORMANCE_TABLE).stream()
                .filter(r -> r.get(2).equals("production") && r.get(7) != null)
                .max(Comparator.comparingLong(r -> (Long) r.get(3))).orElse(null);
    }

    private static List<List<Object>> labelled() {
        return run.rows(LivePerformance.OUTCOMES_TABLE);
    }

    private static long millis(Object paimonTimestamp) {
        return ((Timestamp) paimonTimestamp).getMillisecond();
    }

    private static JsonNode result(String promql) {
        try {
            return prometheus.query(promql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
