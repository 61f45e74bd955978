package io.clinicalpipeline.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.function.Function;

/** How job commands submit: to the context's environment (the cluster under {@code flink run}), then wait unless detached. */
final class Submit {

    static final Function<Configuration, StreamExecutionEnvironment> CONTEXT = StreamExecutionEnvironment::getExecutionEnvironment;

    private Submit() {}

    static boolean attached() {
        return StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration().get(DeploymentOptions.ATTACHED);
    }

    /** Waits for the job unless it was submitted detached ({@code flink run -d}). */
    static int await(JobClient job) throws Exception {
        if (!attached()) {
            System.out.println("submitted job " + job.getJobID());
            return 0;
        }
        job.getJobExecutionResult().get();
        System.out.println("job " + job.getJobID() + " finished");
        return 0;
    }
}
