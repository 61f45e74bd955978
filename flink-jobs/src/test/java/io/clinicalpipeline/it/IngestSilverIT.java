package io.clinicalpipeline.it;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.Expected;
import io.clinicalpipeline.generator.GeneratedEvent;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.reconcile.TopicAccount;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generator → Kafka → bronze → silver on the real runtime, with every fault class switched on at rates
 * high enough to appear many times. Each record's destination is checked against what the generator says
 * it did to it.
 */
class IngestSilverIT {

    private static LocalRuntime runtime;
    private static JobSettings settings;
    private static Catalog catalog;
    private static final Map<String, GeneratedEvent> sent = new ConcurrentHashMap<>();
    private static long total;
    private static String metrics;

    @BeforeAll
    static void runPipeline() throws Exception {
        runtime = SharedRuntime.get();
        Topics topics = SharedRuntime.topics("it1");
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("warehouse").toString());
        settings = new JobSettings(runtime.bootstrap(), topics, lake, "clinical", Duration.ofSeconds(1),
                SharedRuntime.newDirectory("checkpoints").toUri().toString(), Duration.ZERO);
        GeneratorConfig config = GeneratorConfig.defaults(40, Duration.ofHours(4), 42)
                .withFaultRates(0.03, 0.03, 0.02, 0.03, 0.04, 0.04);
        KafkaTopics.createTopics(runtime.bootstrap(), topics, 2);
        try (KafkaEventWriter writer = new KafkaEventWriter(runtime.bootstrap(), topics)) {
            writer.write(new EventGenerator(config), 0, counts -> { },
                    (event, meta) -> sent.put(key(meta.topic(), meta.partition(), meta.offset()), event));
        }
        total = sent.size();

        PipelineJobs.awaitBoundedIngest(PipelineJobs.startIngest(runtime.flink()::environment, settings, true), settings);
        JobClient silver = PipelineJobs.startSilver(runtime.flink()::environment, settings,
                RuntimeExecutionMode.STREAMING, "clinical");
        catalog = lake.openCatalog();
        PaimonCounts counts = new PaimonCounts(catalog, "clinical");
        try {
            Await.progress(() -> Reconciler.accountedInSilver(topics, counts), total, Await.Patience.of(Duration.ofMinutes(3)), n -> { },
                    () -> Reconciler.describeLag(settings.bootstrap(), topics, counts));
            metrics = PrometheusScrape.scrape(PrometheusScrape.portShowing(SharedRuntime.PROMETHEUS_PORTS, "topic=\"it1-"));
        } finally {
            silver.cancel().get();
        }
    }

    @AfterAll
    static void closeCatalog() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
    }

    private static String key(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    private static Set<String> expectedKeys(Expected expected, EventKind kind) {
        return sent.entrySet().stream()
                .filter(e -> e.getValue().expected() == expected && (kind == null || e.getValue().kind() == kind))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static Set<String> keysIn(String table, String topicColumnOrNull, String topic) {
        PaimonCounts counts = new PaimonCounts(catalog, "clinical");
        Set<String> keys = new HashSet<>();
        if (topicColumnOrNull == null) {
            for (List<Object> r : counts.rows(table, "kafka_partition", "kafka_offset")) {
                keys.add(key(topic, (Integer) r.get(0), (Long) r.get(1)));
            }
        } else {
            for (List<Object> r : counts.rows(table, "topic", "kafka_partition", "kafka_offset")) {
                keys.add(key((String) r.get(0), (Integer) r.get(1), (Long) r.get(2)));
            }
        }
        return keys;
    }

    @Test
    void everyFaultClassOccurs() {
        Map<Expected, Long> byExpected = sent.values().stream()
                .collect(Collectors.groupingBy(GeneratedEvent::expected, Collectors.counting()));
        for (Expected e : Expected.values()) {
            assertTrue(byExpected.getOrDefault(e, 0L) >= 10, "too few " + e + " records to test: " + byExpected);
        }
    }

    @Test
    void eachRecordLandsWhereTheGeneratorSaysItMust() {
        assertEquals(expectedKeys(Expected.DEAD_LETTER, null), keysIn("dead_letter", "topic", null));
        assertEquals(expectedKeys(Expected.QUARANTINE, null), keysIn("quarantine", "topic", null));
        assertEquals(expectedKeys(Expected.DUPLICATE, null), keysIn("silver_duplicates", "topic", null));
        for (EventKind kind : EventKind.values()) {
            assertEquals(expectedKeys(Expected.SILVER, kind),
                    keysIn(kind.silverTable(), null, settings.topics().topic(kind)), kind.silverTable());
        }
    }

    @Test
    void jobMetricsReachPrometheus() {
        assertTrue(metrics.contains("silverRecordsIn") && metrics.contains("silverValid"), "no silver counters in the scrape");
        assertTrue(metrics.contains("silverDeadLettered"), "no dead-letter counter in the scrape");
    }

    @Test
    void reconciliationBalances() throws Exception {
        List<TopicAccount> accounts = Reconciler.reconcile(runtime.bootstrap(), settings.topics(),
                new PaimonCounts(catalog, "clinical"));
        assertTrue(accounts.stream().allMatch(TopicAccount::balanced), Reconciler.render(accounts));
        assertEquals(total, accounts.stream().mapToLong(TopicAccount::kafka).sum());
    }

    @Test
    void batchSilverOverTheSameBronzeIsIdentical() throws Exception {
        PipelineJobs.startSilver(runtime.flink()::environment, settings, RuntimeExecutionMode.BATCH, "clinical_batch")
                .getJobExecutionResult().get();
        PaimonCounts streaming = new PaimonCounts(catalog, "clinical");
        PaimonCounts batch = new PaimonCounts(catalog, "clinical_batch");
        List<String> tables = new ArrayList<>(List.of("quarantine", "dead_letter", "silver_duplicates"));
        for (EventKind kind : EventKind.values()) {
            tables.add(kind.silverTable());
        }
        for (String table : tables) {
            List<String> s = sorted(streaming.rows(table));
            List<String> b = sorted(batch.rows(table));
            assertTrue(!s.isEmpty(), table + " is empty");
            assertEquals(s, b, table);
        }
    }

    private static List<String> sorted(List<List<Object>> rows) {
        return rows.stream().map(Object::toString).sorted(Comparator.naturalOrder()).collect(Collectors.toList());
    }
}
