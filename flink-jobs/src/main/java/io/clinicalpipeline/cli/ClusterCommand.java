package io.clinicalpipeline.cli;

import io.clinicalpipeline.runtime.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "cluster", header = "a Flink standalone session cluster on this machine: start, stop, status",
        description = "A Flink 1.20 standalone session cluster from Maven jars, as Flink's start-cluster.sh starts one: the "
                + "JobManager (StandaloneSessionClusterEntrypoint) and a TaskManager (TaskManagerRunner), each in its own JVM "
                + "with only Flink's jars on its classpath, the web dashboard on --rest-port and the Prometheus reporter on. "
                + "Submit jobs with bin/pipeline flink run (the real Flink CLI, pointed at this cluster's conf).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
final class ClusterCommand extends CommandGroup {

    /** Where the cluster lives and how it is reached; the same options for every subcommand. */
    static class Where {
        @Option(names = "--dir", paramLabel = "PATH", defaultValue = "data/cluster", description = "the cluster's folder: "
                + "conf/ (FLINK_CONF_DIR for the CLI), log/, checkpoints/, savepoints/, pid files")
        Path dir;

        @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "8081", description = "dashboard and REST API")
        int restPort;

        @Option(names = "--rpc-port", paramLabel = "PORT", defaultValue = "6123", description = "the JobManager's RPC port")
        int rpcPort;

        @Option(names = "--slots", paramLabel = "N", defaultValue = "8", description = "task slots of the TaskManager")
        int slots;

        @Option(names = "--prometheus-ports", paramLabel = "RANGE", defaultValue = "9249-9259",
                description = "ports the JobManager's and TaskManager's Prometheus reporters take the first free of")
        String prometheusPorts;

        @Mixin
        FlinkJars flink;

        StandaloneCluster.Settings settings() throws Exception {
            return new StandaloneCluster.Settings(dir.toAbsolutePath(), restPort, rpcPort, slots, prometheusPorts,
                    flink.classpath(), FlinkJars.jvmOptions());
        }
    }

    @Command(name = "start", description = "starts the JobManager and a TaskManager and returns once the TaskManager has "
            + "registered; they keep running after this command")
    static final class Start extends Where implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = StandaloneCluster.start(settings());
            System.out.println("Flink cluster running: dashboard " + cluster.restAddress() + ", logs " + dir.resolve("log"));
            System.out.println("submit with: FLINK_CONF_DIR=" + cluster.confDir() + " bin/pipeline flink run -d -c "
                    + "io.clinicalpipeline.cli.IngestMain flink-jobs/target/clinical-pipeline.jar --bootstrap …");
            return 0;
        }
    }

    @Command(name = "stop", description = "stops the TaskManager and the JobManager (running jobs are cancelled; stop them "
            + "with a savepoint first to resume them later)")
    static final class Stop extends Where implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StandaloneCluster.at(settings()).stop();
            System.out.println("Flink cluster in " + dir + " stopped");
            return 0;
        }
    }

    @Command(name = "status", description = "whether the cluster runs, its TaskManagers, slots and jobs; exit 1 if it does not run")
    static final class Status extends Where implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = StandaloneCluster.at(settings());
            var overview = cluster.get("/overview");
            if (cluster.running().isEmpty() || overview.isEmpty()) {
                System.out.println("no Flink cluster runs from " + dir);
                return 1;
            }
            System.out.println("Flink cluster at " + cluster.restAddress() + ": " + overview.get());
            return 0;
        }
    }
}
