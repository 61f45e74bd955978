package io.clinicalpipeline.cli;

/**
 * Entry point for a container: {@code java -cp clinical-pipeline.jar:<flink jars> io.clinicalpipeline.cli.ServeMain
 * --host 0.0.0.0 [serve options]}, as docker-compose's {@code serve} service runs it.
 */
public final class ServeMain {
    private ServeMain() {}

    public static void main(String[] args) {
        IngestMain.runAs("serve", args);
    }
}
