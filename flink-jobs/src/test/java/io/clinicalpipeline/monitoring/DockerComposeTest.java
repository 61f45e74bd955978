package io.clinicalpipeline.monitoring;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml, which no test can start here (there is no Docker engine): Compose itself accepts it (the
 * Debian docker-compose package validates without an engine), every image is pinned to a version, every file or
 * directory it mounts from the repository exists, so Prometheus gets its rules and Grafana its provisioning and
 * dashboards, and every main class it runs from the job jar is in it.
 */
class DockerComposeTest {

    @Test
    @SuppressWarnings("unchecked")
    void imagesArePinnedAndMountedPathsExist() throws Exception {
        Path root = Promtool.MONITORING.getParent();
        Map<String, Object> compose = MonitoringConfig.yaml(root.resolve("docker-compose.yml"));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        for (String required : List.of("kafka", "redis", "jobmanager", "taskmanager", "submit", "serve", "prometheus", "grafana")) {
            assertTrue(services.containsKey(required), "no " + required + " service");
        }
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            assertTrue(image.matches("[\\w./-]+:v?\\d+\\.\\d+\\.\\d+[\\w.-]*"), name + ": image not pinned to a version: " + image);
            for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("./") && !source.endsWith(".jar")) {
                    assertTrue(Files.exists(root.resolve(source)), name + " mounts " + source + ", which does not exist");
                }
            }
        });
        Matcher mains = Pattern.compile("io\\.clinicalpipeline\\.cli\\.\\w+Main").matcher(Files.readString(root.resolve("docker-compose.yml")));
        int found = 0;
        for (; mains.find(); found++) {
            Path compiled = Path.of("target", "classes").resolve(mains.group().replace('.', '/') + ".class");
            assertTrue(Files.exists(compiled), "docker-compose.yml runs " + mains.group() + ", which the jar does not have");
        }
        assertTrue(found >= 2, "the submit and serve services name their main classes");
        assertTrue(services.get("prometheus").get("volumes").toString().contains("./monitoring/prometheus/rules:/etc/prometheus/rules"),
                "Prometheus must get the rules");
        assertTrue(services.get("grafana").get("volumes").toString().contains("./monitoring/grafana/provisioning:/etc/grafana/provisioning"),
                "Grafana must get the provisioning");
    }

    @Test
    void composeAcceptsIt() throws Exception {
        Path root = Promtool.MONITORING.getParent();
        Process p = new ProcessBuilder(DebianTools.binary("docker-compose"), "-f", "docker-compose.yml", "config", "-q")
                .directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "docker-compose config did not finish");
        assertEquals(0, p.exitValue(), "docker-compose config rejects docker-compose.yml:\n" + out);
    }
}
