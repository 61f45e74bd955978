package io.clinicalpipeline.monitoring;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml, which no test can start here (there is no Docker engine): every image is pinned to a version,
 * and every file or directory it mounts from the repository exists, so Prometheus gets its rules and Grafana its
 * provisioning and dashboards.
 */
class DockerComposeTest {

    @Test
    @SuppressWarnings("unchecked")
    void imagesArePinnedAndMountedPathsExist() throws Exception {
        Path root = Promtool.MONITORING.getParent();
        Map<String, Object> compose = MonitoringConfig.yaml(root.resolve("docker-compose.yml"));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        for (String required : List.of("kafka", "redis", "jobmanager", "taskmanager", "prometheus", "grafana")) {
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
        assertTrue(services.get("prometheus").get("volumes").toString().contains("./monitoring/prometheus/rules:/etc/prometheus/rules"),
                "Prometheus must get the rules");
        assertTrue(services.get("grafana").get("volumes").toString().contains("./monitoring/grafana/provisioning:/etc/grafana/provisioning"),
                "Grafana must get the provisioning");
    }
}
