package io.clinicalpipeline.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/** The Debian-packaged tools the tests run (.ci/run installs them): found on PATH, or a failure saying how to get one. */
final class DebianTools {
    private static final Map<String, String> PACKAGES = Map.of("promtool", "prometheus", "prometheus", "prometheus",
            "docker-compose", "docker-compose");

    private DebianTools() {}

    static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(name + " is not installed: apt-get install -y " + PACKAGES.getOrDefault(name, name)
                + " (.ci/run installs it), then run the tests again");
    }
}
