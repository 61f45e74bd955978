package io.clinicalpipeline.cli;

/** Entry point for {@code flink run -c io.clinicalpipeline.cli.IngestMain clinical-pipeline.jar [ingest options]}. */
public final class IngestMain {
    private IngestMain() {}

    public static void main(String[] args) throws Exception {
        exitOnError(JobCommands.ingest(args));
    }

    static void exitOnError(int status) {
        if (status != 0) {
            throw new IllegalStateException("the job's options were not accepted (exit status " + status + "); see the message above");
        }
    }
}
