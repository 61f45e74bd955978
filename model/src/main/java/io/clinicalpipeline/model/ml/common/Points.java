package io.clinicalpipeline.model.ml.common;

/**
 * Training points an iterative estimator makes passes over: {@link PartitionedPoints} (one bounded Flink job per
 * pass, every subtask on its own share) or {@link InMemoryPoints} (one thread, for reference runs and baselines).
 * The estimators' solvers are written against this, so both run the same arithmetic.
 */
public interface Points {

    /** Values per point after label and weight. */
    int features();

    PartitionedPoints.PassResult run(String name, PartitionedPoints.Pass pass) throws Exception;

    /** A pass that also updates every point in place; later passes see the updated points. */
    PartitionedPoints.PassResult rewrite(String name, PartitionedPoints.Update update) throws Exception;
}
