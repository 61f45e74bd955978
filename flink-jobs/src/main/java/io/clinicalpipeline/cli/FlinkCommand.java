package io.clinicalpipeline.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "flink", header = "the Flink CLI (run, list, stop, cancel, savepoint, info) against FLINK_CONF_DIR's cluster",
        description = "Flink's own command line, CliFrontend, run as bin/flink runs it: in a JVM of its own with only "
                + "Flink's jars on the classpath, so a job jar's classes load as they do on the cluster. The arguments are "
                + "Flink's (bin/pipeline flink run --help). It talks to the cluster that FLINK_CONF_DIR's config.yaml names, "
                + "e.g. FLINK_CONF_DIR=data/cluster/conf after bin/pipeline cluster start.")
final class FlinkCommand implements Callable<Integer> {

    @Mixin
    FlinkJars flink;

    @Parameters(paramLabel = "ARGS", description = "Flink CLI arguments: run -d -c CLASS JAR [ARGS], list, stop "
            + "--savepointPath DIR JOB_ID, cancel JOB_ID, ...", arity = "0..*")
    List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FlinkJars.jvmOptions());
        command.addAll(List.of("-cp", flink.classpath(), "org.apache.flink.client.cli.CliFrontend"));
        command.addAll(args);
        // FLINK_CONF_DIR passes on with the environment, as bin/flink reads it.
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
