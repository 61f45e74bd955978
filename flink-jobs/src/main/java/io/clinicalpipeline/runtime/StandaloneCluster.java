package io.clinicalpipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Flink standalone session cluster as {@code bin/start-cluster.sh} starts one, from Maven jars: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}), each in its own JVM on only
 * Flink's jars (the {@code flink-cluster} module's classpath), with the web dashboard, the Prometheus reporter and
 * file checkpoints and savepoints under the cluster's folder. The processes outlive the command that started them;
 * {@link #stop} ends them by the pid files it left.
 *
 * <p>Layout of the folder: {@code conf/} (config.yaml, log4j), {@code log/} (one log per process started),
 * {@code checkpoints/}, {@code savepoints/}, {@code jobmanager.pid}, {@code taskmanager.pid}.
 */
public final class StandaloneCluster {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    /**
     * @param flinkClasspath Flink's own jars, path-separated
     * @param jvmOptions     options for both JVMs, e.g. Flink's Java 17 module openings
     */
    public record Settings(Path dir, int restPort, int rpcPort, int slots, String prometheusPorts, String flinkClasspath,
                           List<String> jvmOptions) {}

    private final Settings settings;
    private final HttpClient http = HttpClient.newHttpClient();

    private StandaloneCluster(Settings settings) {
        this.settings = settings;
    }

    /** Writes the configuration, starts the JobManager and one TaskManager, and returns once the TaskManager has registered. */
    public static StandaloneCluster start(Settings s) throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(s);
        if (cluster.running().isPresent()) {
            throw new IllegalStateException("a cluster already runs from " + s.dir() + " (" + cluster.restAddress()
                    + "); stop it first: bin/pipeline cluster stop --dir " + s.dir());
        }
        cluster.writeConfiguration();
        cluster.launch("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                jobManagerJvm(cluster.configuration()));
        Await.until(() -> cluster.get("/overview").isPresent(), START_TIMEOUT,
                () -> "the JobManager's REST API at " + cluster.restAddress() + " (see " + s.dir().resolve("log") + ")");
        cluster.startTaskManager();
        return cluster;
    }

    /** The cluster running from {@code dir}, to stop it, query it or add a TaskManager. */
    public static StandaloneCluster at(Settings s) {
        return new StandaloneCluster(s);
    }

    public URI restAddress() {
        return URI.create("http://localhost:" + settings.restPort());
    }

    public Path confDir() {
        return settings.dir().resolve("conf");
    }

    public Path savepoints() {
        return settings.dir().resolve("savepoints");
    }

    /** Starts a TaskManager JVM (again, after {@link #killTaskManager}) and waits until it has registered its slots. */
    public void startTaskManager() throws Exception {
        // By id, not by count: the JobManager may drop a killed TaskManager before or after the new one registers.
        Set<String> before = taskManagerIds();
        launch("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", taskManagerJvm(configuration()));
        Await.until(() -> !before.containsAll(taskManagerIds()), START_TIMEOUT, () -> "a TaskManager to register with "
                + restAddress() + " (see " + settings.dir().resolve("log") + ")");
    }

    /** Kills the TaskManager JVM as a machine failure would (SIGKILL), without waiting for the JobManager to notice. */
    public void killTaskManager() throws Exception {
        ProcessHandle tm = process("taskmanager").orElseThrow(() -> new IllegalStateException("no TaskManager runs"));
        tm.destroyForcibly();
        tm.onExit().get();
        LOG.info("event=taskmanager_killed pid={}", tm.pid());
    }

    /** Ends the TaskManager, then the JobManager (SIGTERM: Flink shuts down cleanly), and waits for both. */
    public void stop() throws Exception {
        for (String role : List.of("taskmanager", "jobmanager")) {
            Optional<ProcessHandle> p = process(role);
            if (p.isPresent()) {
                p.get().destroy();
                p.get().onExit().get();
                LOG.info("event=stopped role={} pid={}", role, p.get().pid());
            }
            Files.deleteIfExists(settings.dir().resolve(role + ".pid"));
        }
    }

    /** The JobManager's pid where it is alive. */
    public Optional<ProcessHandle> running() throws IOException {
        return process("jobmanager");
    }

    /** A GET on the REST API, or empty while it does not answer. */
    public Optional<JsonNode> get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(restAddress().resolve(path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Set<String> taskManagerIds() {
        Set<String> ids = new HashSet<>();
        get("/taskmanagers").ifPresent(t -> t.path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText())));
        return ids;
    }

    private Configuration configuration() {
        return GlobalConfiguration.loadConfiguration(confDir().toString());
    }

    private void writeConfiguration() throws IOException {
        Path conf = confDir();
        Files.createDirectories(conf);
        Files.createDirectories(settings.dir().resolve("log"));
        String dir = settings.dir().toAbsolutePath().toUri().toString();
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "# Written by bin/pipeline cluster start; Flink's standard configuration file (FLINK_CONF_DIR).",
                "jobmanager:",
                "  rpc: {address: localhost, port: " + settings.rpcPort() + "}",
                "  bind-host: localhost",
                "  memory: {process: {size: 1024m}}",
                "taskmanager:",
                "  host: localhost",
                "  bind-host: localhost",
                "  numberOfTaskSlots: " + settings.slots(),
                "  # Each job loads the shaded jar (Paimon, Hadoop's client, Kafka) in a class loader of its own: six jobs",
                "  # overflow Flink's 256 MB of metaspace, so it gets 1 GB.",
                "  memory: {process: {size: 3328m}, jvm-metaspace: {size: 1024m}, managed: {size: 256m},",
                "           network: {min: 128m, max: 128m}}",
                "rest: {address: localhost, bind-address: localhost, port: " + settings.restPort() + "}",
                "parallelism: {default: 1}",
                "# A lost TaskManager is declared dead after 15 s, not Flink's 50: one machine, no network to wait out.",
                "heartbeat: {interval: 3000, timeout: 15000}",
                "execution:",
                "  target: remote",
                "  checkpointing: {dir: '" + dir + "checkpoints', savepoint-dir: '" + dir + "savepoints'}",
                "metrics:",
                "  fetcher: {update-interval: 1000}",
                "  reporter:",
                "    prom:",
                "      factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "      port: " + settings.prometheusPorts(),
                "      # Job and topic names keep their dashes (monitoring/ selects job_name=~\"clinical-.*\"). Quoted: the",
                "      # reporter reads its options as strings and does not see a YAML boolean.",
                "      filterLabelValueCharacters: 'false'",
                ""));
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{yyyy-MM-dd'T'HH:mm:ss.SSS} level=%p logger=%c{1} thread=\"%t\" %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                ""));
    }

    /** Heap, metaspace and direct memory as Flink's scripts derive them from the configuration, plus dynamic properties. */
    private static List<String> jobManagerJvm(Configuration conf) {
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(conf,
                JobManagerOptions.JVM_HEAP_MEMORY);
        List<String> jvm = split(JobManagerProcessUtils.generateJvmParametersStr(spec, conf));
        jvm.add("--");
        jvm.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        return jvm;
    }

    private static List<String> taskManagerJvm(Configuration conf) {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
        jvm.add("--");
        jvm.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        return jvm;
    }

    private static List<String> split(String s) {
        return new ArrayList<>(Arrays.asList(s.trim().split("\\s+")));
    }

    /** One Flink process: JVM options before {@code --} (if any), program arguments after. */
    private void launch(String role, String mainClass, List<String> jvmAndArgs) throws IOException {
        int separator = jvmAndArgs.indexOf("--");
        List<String> jvm = separator < 0 ? jvmAndArgs : jvmAndArgs.subList(0, separator);
        List<String> args = separator < 0 ? List.of() : jvmAndArgs.subList(separator + 1, jvmAndArgs.size());
        String name = role + "-" + Instant.now().toEpochMilli();
        Path log = settings.dir().resolve("log").resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(settings.jvmOptions());
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(settings.flinkClasspath());
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir().toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(settings.dir().resolve("log").resolve(name + ".out").toFile()).start();
        Files.writeString(settings.dir().resolve(role + ".pid"), Long.toString(p.pid()));
        LOG.info("event=started role={} pid={} log={}", role, p.pid(), log);
    }

    private Optional<ProcessHandle> process(String role) throws IOException {
        Path pid = settings.dir().resolve(role + ".pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive);
    }
}
