package io.clinicalpipeline.monitoring;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert and recording rules parse, each alert's promtool unit tests pass and cover it firing and staying quiet,
 * and the Prometheus configs (local and docker-compose) load the rules.
 */
class RulesTest {

    @Test
    void rulesParseAndTheirUnitTestsPass() throws Exception {
        Promtool.run(Promtool.RULES.getParent(), "check", "rules", Promtool.RULES.getFileName().toString());
        String out = Promtool.run(Promtool.RULES.getParent(), "test", "rules", "clinical-pipeline.test.yml");
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertIsTestedFiringAndQuiet() throws Exception {
        Map<String, Object> tests = MonitoringConfig.yaml(Promtool.RULES.resolveSibling("clinical-pipeline.test.yml"));
        List<String> alerts = MonitoringConfig.ruleExpressions().keySet().stream().filter(n -> !n.contains(":")).toList();
        for (String name : alerts) {
            boolean fires = false;
            boolean quiet = false;
            for (Map<String, Object> group : (List<Map<String, Object>>) tests.get("tests")) {
                List<Map<String, String>> series = ((List<Map<String, Object>>) group.get("input_series")).stream()
                        .map(input -> labels((String) input.get("series"))).toList();
                for (Map<String, Object> check : (List<Map<String, Object>>) group.getOrDefault("alert_rule_test", List.of())) {
                    if (!name.equals(check.get("alertname"))) {
                        continue;
                    }
                    List<Map<String, Object>> expected = (List<Map<String, Object>>) check.get("exp_alerts");
                    fires |= !expected.isEmpty();
                    // promtool checks exactly the alerts listed: series that no expected alert's labels match are a
                    // case where the alert must stay quiet.
                    quiet |= series.stream().anyMatch(labels -> expected.stream().noneMatch(e -> matches(
                            (Map<String, Object>) e.get("exp_labels"), labels)));
                }
            }
            assertTrue(fires, name + " is never tested firing");
            assertTrue(quiet, name + " is never tested staying quiet");
        }
        assertFalse(alerts.size() < 10, "alerts found: " + alerts);
    }

    /** A series' labels, from promtool's {@code name{label="value",...}} notation. */
    private static Map<String, String> labels(String series) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(series);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    /** Whether an expected alert's labels (other than severity, which the rule adds) are all among the series'. */
    private static boolean matches(Map<String, Object> alertLabels, Map<String, String> series) {
        return alertLabels.entrySet().stream().filter(e -> !e.getKey().equals("severity"))
                .allMatch(e -> String.valueOf(e.getValue()).equals(series.get(e.getKey())));
    }

    @Test
    void prometheusConfigsLoadTheRules() throws Exception {
        for (String config : new String[] {"prometheus.yml", "prometheus.compose.yml"}) {
            String out = Promtool.run(Promtool.PROMETHEUS_DIR, "check", "config", config);
            assertTrue(out.contains("rules found"), config + " loads no rules:\n" + out);
        }
    }
}
