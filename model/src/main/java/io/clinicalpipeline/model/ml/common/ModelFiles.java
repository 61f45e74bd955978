package io.clinicalpipeline.model.ml.common;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.ml.util.FileUtils;
import org.apache.flink.ml.util.ServableReadWriteUtils;

import java.io.IOException;
import java.io.InputStream;

/**
 * A saved stage's {@code data/} directory with exactly one file, the layout Flink ML's servables read. Written
 * directly instead of through a FileSink job: the model data is already in the client after a fit.
 */
public final class ModelFiles {

    private ModelFiles() {}

    public static void writeData(String stagePath, byte[] bytes) throws IOException {
        Path file = new Path(FileUtils.getDataPath(stagePath), "model-data");
        FileSystem fs = FileUtils.mkdirs(file.getParent());
        try (FSDataOutputStream out = fs.create(file, FileSystem.WriteMode.OVERWRITE)) {
            out.write(bytes);
        }
    }

    public static InputStream openData(String stagePath) throws IOException {
        return ServableReadWriteUtils.loadModelData(stagePath);
    }
}
