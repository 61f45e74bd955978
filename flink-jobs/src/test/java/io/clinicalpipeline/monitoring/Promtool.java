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
        command.add(DebianTools.binary("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "promtool did not finish: " + command);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }
}
