package io.clinicalpipeline.train;

import io.clinicalpipeline.model.drift.DriftReference;
import io.clinicalpipeline.model.eval.HtmlReport;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.registry.ModelRegistry;
import io.clinicalpipeline.registry.ModelVersion;
import org.apache.flink.core.fs.FileSystem;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/** What happens to a fitted model: its HTML report, and its files and row in the registry. */
public final class TrainedModels {

    private TrainedModels() {}

    /** A model trained on this run, and how to describe it. */
    public record Trained(String name, String algorithm, Map<String, Object> params, Trainer.Result result, TrainInput data,
                          List<String> features, Map<String, Object> run, Map<String, String> details, String baselineName) {}

    public static void writeReport(String file, String title, Trained t) throws IOException {
        Path path = Path.of(file);
        if (path.toAbsolutePath().getParent() != null) {
            Files.createDirectories(path.toAbsolutePath().getParent());
        }
        Files.writeString(path, HtmlReport.render(title, t.details(), t.result().evaluation(), t.baselineName(),
                t.result().contributions()));
    }

    /**
     * Saves the pipeline and its report — by default under {@link ModelRegistry#directory} for the next version —
     * and registers the version in stage none.
     *
     * @param modelOut  where to save the pipeline instead, or null
     * @param reportOut where to write the report instead, or null
     */
    public static ModelVersion register(ModelRegistry registry, String warehouse, String database, Trained t,
                                        String modelOut, String reportOut) throws Exception {
        long version = registry.nextVersion();
        String dir = ModelRegistry.directory(warehouse, database, t.name(), version);
        ModelRegistry.requireFree(dir);
        String model = modelOut == null ? dir + "/model" : modelOut;
        String report = reportOut == null ? localPath(dir) + "/report.html" : reportOut;
        t.result().model().save(model);
        writeReference(model, t.result().reference());
        writeReport(report, t.name() + " v" + version, t);
        LocalDateTime now = LocalDateTime.now();
        // A clinical training set carries the feature definitions' NEWS2; other tables have no definition version.
        Integer definitionVersion = t.data().candidates().contains("news2_total") ? FeatureCalculator.VERSION : null;
        return registry.register(new ModelVersion(version, t.name(), t.algorithm(), ModelRegistry.json(t.params()),
                t.result().featureNames(), t.features(), definitionVersion, ModelRegistry.json(t.data().lineage()),
                ModelRegistry.json(Trainer.metrics(t.result(), t.run())), model, report, now, ModelVersion.NONE, 0, now));
    }

    /** The training distribution beside the saved pipeline, where the drift operator finds it from the model's path. */
    public static void writeReference(String modelPath, DriftReference reference) throws IOException {
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(modelPath, DriftReference.FILE);
        try (OutputStream out = file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)) {
            reference.write(out);
        }
    }

    /** A local file path for a {@code file:} URI (reports are written with java.nio). */
    static String localPath(String uri) {
        return uri.startsWith("file:") ? URI.create(uri.replaceFirst("^file:/*", "file:///")).getPath() : uri;
    }
}
