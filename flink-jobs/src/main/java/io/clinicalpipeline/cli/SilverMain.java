package io.clinicalpipeline.cli;



/** Entry point for {@code flink run -c io.clinicalpipeline.cli.SilverMain clinical-pipeline.jar [silver options]}. */
public final class SilverMain {
    private SilverMain() {}

    public static void main(String[] args) {
        IngestMain.runAs("silver", args);
    }
}
