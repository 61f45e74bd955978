package io.clinicalpipeline.cli;



/** Entry point for {@code flink run -c io.clinicalpipeline.cli.IngestMain clinical-pipeline.jar [ingest options]}. */
public final class IngestMain {
    private IngestMain() {}

    public static void main(String[] args) {
        runAs("ingest", args);
    }

    /** Runs one command as a job's main; a failure throws, so {@code flink run} reports it (instead of exiting the CLI). */
    static void runAs(String command, String[] args) {
        String[] line = new String[args.length + 1];
        line[0] = command;
        System.arraycopy(args, 0, line, 1, args.length);
        int status = Main.run(line);
        if (status != 0) {
            throw new IllegalStateException(command + " ended with exit status " + status + "; see the message above");
        }
    }
}
