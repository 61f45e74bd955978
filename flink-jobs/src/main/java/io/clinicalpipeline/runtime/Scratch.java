package io.clinicalpipeline.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A run's own directory: benchmarks and the demo write only below it, and start it empty. */
public final class Scratch {

    private Scratch() {}

    /** Deletes {@code dir} with everything below it and creates it again; returns its absolute path. */
    public static Path emptied(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        deleteRecursively(absolute);
        Files.createDirectories(absolute);
        return absolute;
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
