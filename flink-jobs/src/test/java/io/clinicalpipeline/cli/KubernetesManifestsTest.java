package io.clinicalpipeline.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * src/main/kubernetes, checked as far as can be without a cluster: each resource is well formed; each
 * FlinkDeployment runs a main class of the jar on Flink 1.20 with savepoint upgrades, checkpoints and the Prometheus
 * reporter as monitoring/ expects, and arguments the command itself accepts; the service's probes are the routes
 * it serves without a token; and every Kafka or Redis host named is one of the external services.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("src", "main", "kubernetes");
    private static final List<Map<String, Object>> RESOURCES = new ArrayList<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
                    Map<String, Object> resource = (Map<String, Object>) doc;
                    resource.put("_file", file.getFileName().toString());
                    RESOURCES.add(resource);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return fail(node.get("_file") + ": no " + String.join(".", path));
            }
            current = map.get(key);
        }
        return (T) current;
    }

    private static List<Map<String, Object>> kind(String kind) {
        return RESOURCES.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    /** The command line as the main class runs it: {@code XMain} runs command {@code x} (IngestMain.runAs). */
    private static void parses(String mainClass, List<String> args) throws Exception {
        Class.forName(mainClass);
        String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        List<String> line = new ArrayList<>();
        line.add(simple.substring(0, simple.length() - "Main".length()).toLowerCase());
        line.addAll(args);
        try {
            Main.commandLine().parseArgs(line.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            fail(mainClass + " " + args + ": " + e.getMessage());
        }
    }

    private static Set<String> hostsIn(List<String> args) {
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--bootstrap")) {
                hosts.add(args.get(i + 1).split(":")[0]);
            } else if (args.get(i).equals("--redis")) {
                hosts.add(args.get(i + 1).replaceFirst("^rediss?://", "").split("[:/]")[0]);
            }
        }
        return hosts;
    }

    private static Set<String> externalServices() {
        Set<String> names = new HashSet<>();
        for (Map<String, Object> service : kind("Service")) {
            Map<String, Object> spec = at(service, "spec");
            if ("ExternalName".equals(spec.get("type"))) {
                names.add(at(service, "metadata", "name"));
            }
        }
        return names;
    }

    @Test
    void everyResourceIsWellFormedAndPartOfThePipeline() {
        assertTrue(RESOURCES.size() >= 7, "resources: " + RESOURCES.size());
        for (Map<String, Object> r : RESOURCES) {
            assertTrue(at(r, "apiVersion") instanceof String && at(r, "kind") instanceof String, r.get("_file") + "");
            assertTrue(((String) at(r, "metadata", "name")).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), r.get("_file") + "");
            assertEquals("clinical-pipeline", at(r, "metadata", "labels", "app.kubernetes.io/part-of"), r.get("_file") + "");
        }
    }

    @Test
    void eachLongRunningJobIsAFlinkDeploymentTheJarAndTheCommandAccept() throws Exception {
        List<Map<String, Object>> jobs = kind("FlinkDeployment");
        Set<String> mains = new HashSet<>();
        for (Map<String, Object> d : jobs) {
            assertEquals("flink.apache.org/v1beta1", d.get("apiVersion"));
            assertEquals("v1_20", at(d, "spec", "flinkVersion"));
            assertTrue(((String) at(d, "spec", "image")).matches("flink:1\\.20\\.\\d+-java17"), d.get("_file") + "");
            assertEquals("local:///opt/flink/usrlib/clinical-pipeline.jar", at(d, "spec", "job", "jarURI"));
            assertEquals("savepoint", at(d, "spec", "job", "upgradeMode"), "a rollout must not lose or repeat events");
            Map<String, Object> conf = at(d, "spec", "flinkConfiguration");
            assertTrue(conf.containsKey("state.checkpoints.dir") && conf.containsKey("state.savepoints.dir"), d.get("_file") + "");
            assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", conf.get("metrics.reporter.prom.factory.class"));
            assertEquals("false", conf.get("metrics.reporter.prom.filterLabelValueCharacters"), "monitoring/ selects dashed names");
            String main = at(d, "spec", "job", "entryClass");
            List<String> args = at(d, "spec", "job", "args");
            parses(main, args);
            assertTrue(externalServices().containsAll(hostsIn(args)), d.get("_file") + " names " + hostsIn(args));
            mains.add(main);
        }
        assertEquals(Set.of("io.clinicalpipeline.cli.OnlineMain", "io.clinicalpipeline.cli.IngestMain",
                "io.clinicalpipeline.cli.SilverMain"), mains, "one FlinkDeployment per long-running job");
    }

    @Test
    void theServiceRunsServeMainWithProbesOnItsOpenRoutes() throws Exception {
        Map<String, Object> deployment = kind("Deployment").stream()
                .filter(d -> "clinical-serve".equals(at(d, "metadata", "name"))).findFirst().orElseThrow();
        List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
        Map<String, Object> serve = containers.get(0);
        List<String> command = at(serve, "command");
        List<String> args = at(serve, "args");
        parses(command.get(command.size() - 1), args);
        assertEquals("/health", at(serve, "livenessProbe", "httpGet", "path"));
        assertEquals("/ready", at(serve, "readinessProbe", "httpGet", "path"));
        List<Map<String, Object>> ports = at(serve, "ports");
        assertEquals(Integer.parseInt(args.get(args.indexOf("--port") + 1)), ports.get(0).get("containerPort"));
        assertTrue(externalServices().containsAll(hostsIn(args)), "serve names " + hostsIn(args));
    }
}
