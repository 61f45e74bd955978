package io.clinicalpipeline.drift;

import io.clinicalpipeline.model.drift.DriftReference;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Optional;

/** Reads the training distribution a model version was saved with. */
final class ReferenceLoader {
    private ReferenceLoader() {}

    /** Empty for a model saved without one (registered by hand, or before drift references existed). */
    static Optional<DriftReference> load(String modelPath) throws IOException {
        Path file = new Path(modelPath, DriftReference.FILE);
        if (!file.getFileSystem().exists(file)) {
            return Optional.empty();
        }
        try (FSDataInputStream in = file.getFileSystem().open(file)) {
            return Optional.of(DriftReference.read(in));
        } catch (FileNotFoundException gone) {
            return Optional.empty();
        }
    }
}
