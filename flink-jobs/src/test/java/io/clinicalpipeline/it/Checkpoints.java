package io.clinicalpipeline.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The checkpoints a job retained, to restore it from as {@code flink run -s} would. */
final class Checkpoints {

    private Checkpoints() {}

    /** The newest completed checkpoint under {@code jobDir} ({@code <checkpoint dir>/<job id>}). */
    static Path latest(Path jobDir) throws Exception {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no completed checkpoint under " + jobDir));
        }
    }
}
