package io.clinicalpipeline.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Prometheus's own tools, from the Debian {@code prometheus} package, run on the repository's {@code monitoring/}. */
final class Promtool {
    /** {@code monitoring/} of the repository: tests run in the module's directory. */
    static final Path MONITORING = Path.of("..", "monitoring").toAbsolutePath().normalize();
    static final Path PROMETHEUS_DIR = MONITORING.resolve("prometheus");
    static final Path RULES = PROMETHEUS_DIR.resolve("rules").resolve("clinical-pipeline.rules.yml");
    static final Path DASHBOARDS = MONITORING.resolve("grafana").resolve("dashboards");

    private Promtool() {}

    /** Runs promtool with {@code args} in {@code dir} and returns its output; fails the test if it exits non-zero. */
    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "promtool did not finish: " + command);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    /** The path of a Debian-packaged tool (prometheus, promtool, docker-compose), or a failure saying how to install it. */
    static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String pkg = name.equals("docker-compose") ? "docker-compose" : "prometheus";
        return fail(name + " is not installed: apt-get install -y " + pkg + " (.ci/run installs it), then run the tests again");
    }
}
