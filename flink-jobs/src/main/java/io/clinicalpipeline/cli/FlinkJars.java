package io.clinicalpipeline.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a JVM of Flink's own (JobManager, TaskManager, the CLI) starts with: Flink's jars and Flink's Java options. A
 * mixin of the commands that start one.
 */
final class FlinkJars {

    @Option(names = "--flink-classpath", paramLabel = "FILE", defaultValue = "${env:PIPELINE_FLINK_CLASSPATH}",
            description = "file holding Flink's jars (the build writes flink-jobs/flink-cluster/target/flink-classpath.txt; "
                    + "bin/pipeline sets it)")
    Path file;

    /** The path-separated jars the file lists; a missing file says how to make it. */
    String classpath() throws IOException {
        if (file == null || !Files.exists(file)) {
            throw new IllegalArgumentException("no Flink classpath file " + file + "; build the project "
                    + "(mvn -DskipTests package) or pass --flink-classpath");
        }
        return Files.readString(file).trim();
    }

    /** Flink's Java 17 module options, which bin/pipeline reads from the root pom. */
    static List<String> jvmOptions() {
        String opens = System.getenv().getOrDefault("PIPELINE_FLINK_JVM_OPTS", "");
        return opens.isBlank() ? List.of() : Arrays.asList(opens.trim().split("\\s+"));
    }
}
