package io.clinicalpipeline.jobs;

import io.clinicalpipeline.runtime.LocalFlink;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The environment for a command that runs several bounded jobs: the cluster's under {@code flink run}, else one
 * local MiniCluster for all of them (a plain local environment would start one per job). Close it when done.
 */
public record BoundedJobs(StreamExecutionEnvironment env, LocalFlink local) implements AutoCloseable {

    public static BoundedJobs start(int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        LocalFlink local = null;
        if (env instanceof LocalStreamEnvironment) {
            local = LocalFlink.start(0, "9250-9299", parallelism);
            env = local.environment(new Configuration());
            System.out.println("Flink dashboard: " + local.restAddress());
        }
        env.setParallelism(parallelism);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return new BoundedJobs(env, local);
    }

    @Override
    public void close() throws Exception {
        if (local != null) {
            local.close();
        }
    }
}
