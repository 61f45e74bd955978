package io.clinicalpipeline.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboards are well formed for provisioning and every query in them is PromQL that parses. That each
 * names only metrics a running pipeline exposes, and returns data from a real Prometheus, is MonitoringIT's.
 */
class DashboardsTest {

    @Test
    void dashboardsHaveUniqueIdsAndUseTheProvisionedDatasource() throws Exception {
        String datasources = Files.readString(Promtool.MONITORING.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertTrue(datasources.contains("uid: prometheus"), "the provisioned datasource's uid changed: update the dashboards");
        String provider = Files.readString(Promtool.MONITORING.resolve("grafana/provisioning/dashboards/clinical-pipeline.yml"));
        assertTrue(Files.readString(Promtool.MONITORING.resolveSibling("docker-compose.yml"))
                .contains("./monitoring/grafana/dashboards:" + provider.replaceAll("(?s).*path: (\\S+).*", "$1")),
                "docker-compose.yml must mount the dashboards where the provider reads them");
        List<Path> files = MonitoringConfig.dashboardFiles();
        assertTrue(files.size() >= 4, "dashboards: " + files);
        Set<String> uids = new HashSet<>();
        for (Path file : files) {
            JsonNode d = new ObjectMapper().readTree(file.toFile());
            assertTrue(uids.add(d.path("uid").asText()), "duplicate uid in " + file);
            assertFalse(d.path("title").asText().isEmpty(), file + " has no title");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : d.path("panels")) {
                assertTrue(ids.add(panel.path("id").asInt()), file + ": duplicate panel id " + panel.path("id"));
                assertEquals("prometheus", panel.path("datasource").path("uid").asText(), file + ": " + panel.path("title"));
                assertFalse(panel.path("targets").isEmpty(), file + ": " + panel.path("title") + " has no query");
                for (JsonNode target : panel.path("targets")) {
                    assertFalse(target.path("expr").asText().isBlank(), file + ": " + panel.path("title"));
                }
            }
        }
    }

    @Test
    void everyDashboardQueryIsPromqlThatParses(@TempDir Path dir) throws Exception {
        // promtool parses rule expressions: each query becomes a recording rule of a throw-away rule file.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int n = 0;
        for (Map.Entry<String, String> q : MonitoringConfig.dashboardQueries().entrySet()) {
            rules.append("      - record: dashboard:query_").append(n++).append('\n')
                    .append("        # ").append(q.getKey()).append('\n')
                    .append("        expr: ").append(new ObjectMapper().writeValueAsString(q.getValue())).append('\n');
        }
        Files.writeString(dir.resolve("queries.yml"), rules);
        String out = Promtool.run(dir, "check", "rules", "queries.yml");
        assertTrue(out.contains("SUCCESS: " + n + " rules found"), out);
    }

    @Test
    void metricNamesAreTheSelectorsOfAnExpression() {
        assertEquals(Set.of("flink_x_total", "clinical:y:rate5m"), MonitoringConfig.metricNames(
                "sum by (job_name, topic) (rate(flink_x_total{topic=~\"a|b\", quantile=\"0.99\"}[5m])) / on(job_name) "
                        + "group_left clinical:y:rate5m > 0.05 and bool 1e3"));
    }
}
