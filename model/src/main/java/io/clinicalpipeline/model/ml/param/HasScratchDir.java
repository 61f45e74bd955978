package io.clinicalpipeline.model.ml.param;

import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.StringParam;
import org.apache.flink.ml.param.WithParams;

/**
 * Where an iterative estimator caches its training points between rounds: empty for the JVM's temp directory
 * (one machine), a shared file system URI on a cluster.
 */
public interface HasScratchDir<T> extends WithParams<T> {
    Param<String> SCRATCH_DIR = new StringParam("scratchDir",
            "Directory for the training points cached between rounds; empty for the temp directory.", "");

    default String getScratchDir() {
        return get(SCRATCH_DIR);
    }

    default T setScratchDir(String value) {
        return set(SCRATCH_DIR, value);
    }
}
