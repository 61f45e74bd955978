package io.clinicalpipeline.runtime;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;

/**
 * A Flink MiniCluster with the web dashboard and the Prometheus reporter: the same REST API as a
 * standalone cluster, so jobs are submitted to it exactly like with {@code flink run}.
 */
public final class LocalFlink implements AutoCloseable {

    /** Two cores on the reference machine: every operator gets two subtasks unless a job says otherwise. */
    private static final int PARALLELISM = 2;

    private final MiniCluster cluster;
    private final URI restAddress;

    private LocalFlink(MiniCluster cluster, URI restAddress) {
        this.cluster = cluster;
        this.restAddress = restAddress;
    }

    /**
     * @param restPort dashboard and REST port (0 picks a free one)
     * @param prometheusPorts port or range for the Prometheus reporter, e.g. "9249" or "9250-9299"
     */
    public static LocalFlink start(int restPort, String prometheusPorts, int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, restPort);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, PARALLELISM);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("128m"));
        conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", prometheusPorts);
        // Keep label values as they are (job and topic names have dashes); by default the reporter drops every
        // character outside [a-zA-Z0-9:_], and monitoring/'s rules and dashboards select job_name=~"clinical-.*".
        conf.setString("metrics.reporter.prom.filterLabelValueCharacters", "false");
        // The dashboard and REST metric queries see values at most this old (Flink's default is 10 s).
        conf.setString("metrics.fetcher.update-interval", "1000");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalFlink(cluster, cluster.getRestAddress().get());
    }

    public URI restAddress() {
        return restAddress;
    }

    /** An environment whose jobs run on this cluster; {@code conf} carries runtime mode, checkpointing etc. */
    public StreamExecutionEnvironment environment(Configuration conf) {
        // A client-side environment takes its default parallelism from its own configuration (1 unless
        // set), not from the cluster's, so the cluster's default is passed on here.
        Configuration withParallelism = new Configuration(conf);
        if (!conf.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            withParallelism.set(CoreOptions.DEFAULT_PARALLELISM, PARALLELISM);
        }
        return StreamExecutionEnvironment.createRemoteEnvironment(restAddress.getHost(), restAddress.getPort(), withParallelism);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
