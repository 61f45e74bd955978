package io.clinicalpipeline.cli;



/** Entry point for {@code flink run -c io.clinicalpipeline.cli.OnlineMain clinical-pipeline.jar [online options]}. */
public final class OnlineMain {
    private OnlineMain() {}

    public static void main(String[] args) {
        IngestMain.runAs("online", args);
    }
}
