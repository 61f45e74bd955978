package io.clinicalpipeline.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The PromQL of {@code monitoring/}: the rules' expressions, the dashboards' queries, and the metrics they name. */
public final class MonitoringConfig {
    /** What a dashboard's {@code $job} variable stands for when a query runs outside Grafana. */
    public static final String ALL_JOBS = "clinical-.*";
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private MonitoringConfig() {}

    /** A YAML file of the repository as maps and lists. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    /** Each rule's expression by its record or alert name. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> ruleExpressions() throws IOException {
        Map<String, Object> file = yaml(Promtool.RULES);
        Map<String, String> rules = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String name = (String) (rule.containsKey("record") ? rule.get("record") : rule.get("alert"));
                rules.put(name, ((String) rule.get("expr")).trim());
            }
        }
        return rules;
    }

    /** The recording rules' names: what the dashboards may use besides scraped metrics. */
    public static Set<String> recordedNames() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        ruleExpressions().keySet().stream().filter(n -> n.contains(":")).forEach(names::add);
        return names;
    }

    /** Every panel query of every dashboard, as "dashboard / panel / refId" to the expression with {@code $job} filled in. */
    public static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Path file : dashboardFiles()) {
            JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.put(dashboard.path("uid").asText() + " / " + panel.path("title").asText() + " / "
                            + target.path("refId").asText(), target.path("expr").asText().replace("$job", ALL_JOBS));
                }
            }
        }
        return queries;
    }

    public static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> files = Files.list(Promtool.DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The metric names an expression selects: identifiers outside label matchers, ranges and strings, and not functions. */
    public static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String token = m.group();
            int after = m.end();
            while (after < bare.length() && bare.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < bare.length() && bare.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(token.toLowerCase())) {
                names.add(token);
            }
        }
        return names;
    }

    /** The metric names in a Prometheus text exposition. */
    public static Set<String> exposed(String scrape) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = IDENTIFIER.matcher(line);
                if (m.lookingAt()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** Names {@code queries} use that neither {@code exposed} nor the recording rules provide, by where they are used. */
    public static List<String> unknownNames(Map<String, String> queries, Set<String> exposed) throws IOException {
        Set<String> recorded = recordedNames();
        List<String> unknown = new ArrayList<>();
        queries.forEach((where, expr) -> metricNames(expr).stream()
                .filter(n -> !exposed.contains(n) && !recorded.contains(n))
                .forEach(n -> unknown.add(where + ": " + n)));
        return unknown;
    }
}
