package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.KafkaEventWriter;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.reconcile.TopicAccount;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.runtime.StandaloneCluster;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline operated as on a Flink cluster: a standalone session cluster of two JVMs on only Flink's jars
 * ({@code bin/pipeline cluster start}), the jobs submitted from the shaded jar by the real Flink CLI
 * ({@code bin/pipeline flink run}), watched through the REST API the dashboard uses, the ingest job stopped with a
 * savepoint mid-stream and resumed from it, and the TaskManager killed mid-stream: every Kafka record ends in bronze
 * once, silver accounts for each, and the online job serves every patient's features.
 */
class ClusterIT {

    private static final String DB = "clinical";
    private static final int REDIS_DB = 9;
    private static final String PROMETHEUS_PORTS = "9420-9439";
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("flink-jobs/target/clinical-pipeline.jar");
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private static LocalRuntime runtime;
    private static StandaloneCluster cluster;
    private static Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        runtime = SharedRuntime.get();
        dir = SharedRuntime.newDirectory("cluster");
        String classpath = Files.readString(Path.of(System.getProperty("flink.cluster.classpath",
                ROOT.resolve("flink-jobs/flink-cluster/target/flink-classpath.txt").toString()))).trim();
        List<String> opens = Arrays.asList(System.getProperty("flink.jvm.opens", "").trim().split("\\s+"));
        cluster = StandaloneCluster.start(new StandaloneCluster.Settings(dir, freePort(), freePort(), 8, PROMETHEUS_PORTS,
                classpath, opens.get(0).isEmpty() ? List.of() : opens));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void jobsSubmittedWithTheFlinkCliSurviveASavepointAndALostTaskManager() throws Exception {
        Topics topics = SharedRuntime.topics("it-cluster");
        KafkaTopics.createTopics(runtime.bootstrap(), topics, 2);
        String warehouse = dir.resolve("warehouse").toString();
        String redis = runtime.redisUri() + "/" + REDIS_DB;
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> patients = ConcurrentHashMap.newKeySet();
        GeneratorConfig first = GeneratorConfig.defaults(12, Duration.ofHours(2), 41);
        produce(first, 0, sent, patients);

        List<String> common = new ArrayList<>(List.of("--bootstrap", runtime.bootstrap(), "--warehouse", warehouse,
                "--checkpoint-interval", "1s"));
        for (EventKind kind : EventKind.values()) {
            common.add("--topic-" + kind.name().toLowerCase().replace('_', '-'));
            common.add(topics.topic(kind));
        }
        Map<String, String> jobs = new HashMap<>();
        List<String> ingest = concat(common, "--database", DB);
        jobs.put("clinical-ingest", submit("io.clinicalpipeline.cli.IngestMain", null, ingest));
        jobs.put("clinical-silver", submit("io.clinicalpipeline.cli.SilverMain", null, concat(common, "--database", DB,
                "--mode", "streaming")));
        List<String> features = concat(List.of("features", "run"), common.toArray(new String[0]));
        jobs.put("clinical-features", submit("io.clinicalpipeline.cli.Main", null, concat(features, "--database", DB,
                "--mode", "streaming", "--features-database", "features")));
        List<String> onlineArgs = concat(common, "--database", "online", "--redis", redis, "--quiet-after", "2s");
        jobs.put("clinical-online", submit("io.clinicalpipeline.cli.OnlineMain", null, onlineArgs));
        Map<String, String> ids = new HashMap<>();
        jobs.forEach((name, output) -> ids.put(name, jobId(output)));
        awaitRunning(ids.values());

        try (Catalog catalog = new Lakehouse(warehouse).openCatalog()) {
            PaimonCounts counts = new PaimonCounts(catalog, DB);
            // The online job reads the same topics on its own and keeps its own bronze: both must hold every record once.
            PaimonCounts online = new PaimonCounts(catalog, "online");
            awaitBronze(counts, sent);
            awaitBronze(online, sent);

            // Mid-stream: stop ingest and the online job with a savepoint, produce while they are down, resume both.
            String ingestSavepoint = stopWithSavepoint(ids.get("clinical-ingest"));
            String onlineSavepoint = stopWithSavepoint(ids.get("clinical-online"));
            produce(first, 1, sent, patients);
            ids.put("clinical-ingest", jobId(submit("io.clinicalpipeline.cli.IngestMain", ingestSavepoint, ingest)));
            ids.put("clinical-online", jobId(submit("io.clinicalpipeline.cli.OnlineMain", onlineSavepoint, onlineArgs)));
            awaitRunning(Set.of(ids.get("clinical-ingest"), ids.get("clinical-online")));
            awaitBronze(counts, sent);
            awaitBronze(online, sent);

            // A machine lost: the TaskManager is killed, a new one registers, every job restores its checkpoint.
            cluster.killTaskManager();
            produce(first, 2, sent, patients);
            cluster.startTaskManager();
            awaitRestarted(ids.values());
            awaitBronze(counts, sent);
            awaitBronze(online, sent);

            Await.until(() -> accounts(topics, counts).stream().allMatch(TopicAccount::balanced), Duration.ofMinutes(3),
                    () -> "silver to account for every bronze record: " + Reconciler.render(accounts(topics, counts)));
            for (TopicAccount account : accounts(topics, counts)) {
                assertEquals(account.kafka(), account.bronze(), account.topic() + ": bronze holds every Kafka record once");
            }
        }
        try (JedisPooled jedis = new JedisPooled(redis)) {
            Await.until(() -> patients.stream().allMatch(p -> jedis.exists(RedisFeatureStore.KEY_PREFIX + p)),
                    Duration.ofMinutes(2), () -> "the online job to serve features of all " + patients.size() + " patients");
        }
        WebDashboard.assertShowsRunningJob(cluster.restAddress(), ids.get("clinical-online"), "features");
        String metrics = PrometheusScrape.scrape(PrometheusScrape.portShowing(PROMETHEUS_PORTS,
                "flink_taskmanager_job_task_operator_numRecordsIn"));
        JsonNode overview = cluster.get("/jobs/overview").orElseThrow();
        for (JsonNode job : overview.get("jobs")) {
            if (ids.containsValue(job.get("jid").asText())) {
                String name = job.get("name").asText();
                assertEquals("RUNNING", job.get("state").asText(), name);
                assertTrue(metrics.contains("job_name=\"" + name + "\""), "the TaskManager's Prometheus reporter exposes "
                        + name + "'s task metrics, its name as monitoring/ selects it");
            }
        }
        String listed = flink("list");
        for (String id : ids.values()) {
            assertTrue(listed.contains(id), "flink list shows " + id + ":\n" + listed);
        }
        flink("cancel", ids.get("clinical-features"));
        Await.until(() -> jobState(ids.get("clinical-features")).equals("CANCELED"), Duration.ofMinutes(1),
                () -> "flink cancel to cancel the feature job");
    }

    /** {@code flink stop --savepointPath}: the job ends cleanly, and the CLI names the savepoint to resume from. */
    private static String stopWithSavepoint(String id) throws Exception {
        String stopped = flink("stop", "--savepointPath", cluster.savepoints().toUri().toString(), id);
        Matcher savepoint = SAVEPOINT.matcher(stopped);
        assertTrue(savepoint.find(), "the CLI names the savepoint:\n" + stopped);
        assertEquals("FINISHED", jobState(id), "stop-with-savepoint ends the job cleanly");
        return savepoint.group(1);
    }

    /** Events of the same ward, a window further on per batch, so restarts meet new records. */
    private static void produce(GeneratorConfig base, int batch, Set<String> sent, Set<String> patients) throws Exception {
        GeneratorConfig config = new GeneratorConfig(base.patients(), base.duration(), base.seed() + batch,
                base.start().plus(base.duration().multipliedBy(batch)), base.duplicateRate(), base.outOfOrderRate(),
                base.lateRate(), base.outOfRangeRate(), base.missingFieldRate(), base.malformedRate(), base.fahrenheitRate(),
                base.deteriorationRate(), base.ward(), base.firstPatient());
        try (KafkaEventWriter writer = new KafkaEventWriter(runtime.bootstrap(), SharedRuntime.topics("it-cluster"))) {
            writer.write(new EventGenerator(config), 0, c -> { }, (event, meta) -> {
                sent.add(BronzeKeys.of(meta));
                if (event.patientId() != null) {
                    patients.add(event.patientId());
                }
            });
        }
    }

    private static List<TopicAccount> accounts(Topics topics, PaimonCounts counts) {
        try {
            return Reconciler.reconcile(runtime.bootstrap(), topics, counts);
        } catch (Exception e) {
            throw new IllegalStateException("reconcile failed: " + e, e);
        }
    }

    private static void awaitBronze(PaimonCounts counts, Set<String> sent) throws Exception {
        Await.until(() -> BronzeKeys.inBronze(counts).size() >= sent.size(), Duration.ofMinutes(3),
                () -> "bronze to hold all " + sent.size() + " records (has " + BronzeKeys.inBronze(counts).size() + ")");
        List<String> bronze = BronzeKeys.inBronze(counts);
        assertEquals(sent.size(), bronze.size(), "bronze rows: a duplicate would make this larger");
        assertEquals(sent, new HashSet<>(bronze), "bronze holds exactly the records sent");
    }

    /** The jobs RUNNING with every task running, as the dashboard's job list shows them. */
    private static void awaitRunning(java.util.Collection<String> ids) throws Exception {
        Await.until(() -> {
            JsonNode overview = cluster.get("/jobs/overview").orElse(null);
            if (overview == null) {
                return false;
            }
            Set<String> running = new HashSet<>();
            for (JsonNode job : overview.get("jobs")) {
                if (job.get("state").asText().equals("RUNNING") && job.path("tasks").path("running").asInt()
                        == job.path("tasks").path("total").asInt()) {
                    running.add(job.get("jid").asText());
                }
            }
            return running.containsAll(ids);
        }, Duration.ofMinutes(3), () -> ids + " RUNNING with every task in /jobs/overview: " + cluster.get("/jobs/overview"));
    }

    /** Each job has restarted at least once (its restore from the checkpoint) and runs every task again. */
    private static void awaitRestarted(java.util.Collection<String> ids) throws Exception {
        Await.until(() -> ids.stream().allMatch(id -> {
            long restarts = cluster.get("/jobs/" + id + "/metrics?get=numRestarts")
                    .map(m -> m.path(0).path("value").asLong(0)).orElse(0L);
            JsonNode job = cluster.get("/jobs/" + id).orElse(null);
            return restarts > 0 && job != null && job.get("state").asText().equals("RUNNING")
                    && job.path("vertices").findValues("status").stream().allMatch(v -> v.asText().equals("RUNNING"));
        }), Duration.ofMinutes(3), () -> "every job to restore from its checkpoint after the TaskManager was killed: "
                + cluster.get("/jobs/overview"));
    }

    private static String jobState(String id) {
        return cluster.get("/jobs/" + id).map(j -> j.get("state").asText()).orElse("unknown");
    }

    private static String jobId(String cliOutput) {
        Matcher m = JOB_ID.matcher(cliOutput);
        assertTrue(m.find(), "flink run printed no JobID:\n" + cliOutput);
        return m.group(1);
    }

    /** {@code flink run -d [-s SAVEPOINT] -c CLASS clinical-pipeline.jar ARGS}; the CLI's output. */
    private static String submit(String mainClass, String savepoint, List<String> args) throws Exception {
        List<String> line = new ArrayList<>(List.of("run", "-d"));
        if (savepoint != null) {
            line.addAll(List.of("-s", savepoint));
        }
        line.addAll(List.of("-c", mainClass, JAR.toString()));
        line.addAll(args);
        return flink(line.toArray(new String[0]));
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    /** The real CLI, as a user runs it: {@code bin/pipeline flink ...} with FLINK_CONF_DIR at the cluster's conf. */
    private static String flink(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/pipeline").toString(), "flink"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("FLINK_CONF_DIR", cluster.confDir().toString());
        pb.environment().put("PIPELINE_JAVA_OPTS", "-Xmx512m");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "bin/pipeline flink " + String.join(" ", args) + " did not end");
        String output = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "bin/pipeline flink " + String.join(" ", args) + ":\n" + output);
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
