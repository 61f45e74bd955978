package io.clinicalpipeline.it;

import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.runtime.LocalRuntime;

import java.nio.file.Files;
import java.nio.file.Path;

/** One Kafka broker, Redis server and MiniCluster for all integration tests of a test JVM. */
final class SharedRuntime {
    static final String PROMETHEUS_PORTS = "9350-9399";
    private static LocalRuntime runtime;
    private static Path dataDir;

    private SharedRuntime() {}

    static synchronized LocalRuntime get() throws Exception {
        if (runtime == null) {
            dataDir = Files.createTempDirectory("clinical-it-");
            runtime = LocalRuntime.start(dataDir, null, null, 0, PROMETHEUS_PORTS, 8);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    runtime.close();
                } catch (Exception e) {
                    System.err.println("closing the shared test runtime failed: " + e);
                }
            }));
        }
        return runtime;
    }

    /** Topics of their own for one test class, so tests sharing the broker do not see each other's events. */
    static Topics topics(String prefix) {
        return Topics.withPrefix(prefix);
    }

    static synchronized Path newDirectory(String prefix) throws Exception {
        get();
        return Files.createTempDirectory(dataDir, prefix);
    }
}
