package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.runtime.LocalFlink;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Options most commands share: where Kafka and the warehouse are, topic names, checkpointing. */
final class Common {

    private Common() {}

    static Options kafka(Options o, boolean required) {
        o.option("bootstrap", "HOST:PORT", null, "Kafka bootstrap servers" + (required ? " (required)" : ""));
        for (EventKind kind : EventKind.values()) {
            o.option(topicOption(kind), "NAME", kind.defaultTopic(), "topic of " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return o;
    }

    static Options lake(Options o) {
        return o.option("warehouse", "PATH|URI", "data/warehouse", "Paimon warehouse: a directory or a Hadoop-compatible URI")
                .option("database", "NAME", Lakehouse.DEFAULT_DATABASE, "Paimon database of the pipeline's tables");
    }

    static Options checkpoints(Options o) {
        return checkpoints(o, "10");
    }

    static Options checkpoints(Options o, String defaultIntervalSeconds) {
        return o.option("checkpoint-interval", "SECONDS", defaultIntervalSeconds,
                        "checkpoint interval of streaming jobs; data is committed to Paimon at each checkpoint")
                .option("checkpoint-dir", "URI", null, "where checkpoints are kept (default: the cluster's state.checkpoints.dir, or memory)")
                .option("dedup-ttl", "HOURS", "168", "how long the silver job remembers a deduplication key (0: forever)");
    }

    static Options redis(Options o, String defaultUri) {
        return o.option("redis", "URI", defaultUri, "Redis online store: redis://[user:password@]host:port[/db]; rediss:// for TLS")
                .option("redis-password", "PASSWORD", null, "Redis password; the REDIS_PASSWORD environment variable keeps it out of ps")
                .flag("redis-tls", "connect with TLS, as rediss:// does (trust store: the JVM's javax.net.ssl.* properties)")
                .option("redis-ttl", "DURATION", "48h", "online features of a patient expire this long after their last update (0s: never)");
    }

    /** The Redis URI with {@code --redis-password} (or REDIS_PASSWORD) and {@code --redis-tls} applied. */
    static String redisUri(Options o, String uri) {
        String password = o.get("redis-password") != null ? o.get("redis-password") : System.getenv("REDIS_PASSWORD");
        java.net.URI u = java.net.URI.create(uri);
        String scheme = o.has("redis-tls") ? "rediss" : u.getScheme();
        String userInfo = password == null ? u.getRawUserInfo()
                : (u.getRawUserInfo() == null ? "default" : u.getRawUserInfo().split(":")[0])
                + ":" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
        return scheme + "://" + (userInfo == null ? "" : userInfo + "@") + u.getHost() + ":" + u.getPort()
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    static RuntimeExecutionMode mode(Options o) {
        try {
            return RuntimeExecutionMode.valueOf(o.get("mode").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException("--mode must be streaming or batch", o);
        }
    }

    private static String topicOption(EventKind kind) {
        return "topic-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Topics topics(Options o) {
        Map<EventKind, String> names = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            names.put(kind, o.get(topicOption(kind)));
        }
        return Topics.withOverrides(names);
    }

    static JobSettings settings(Options o, String bootstrap, String warehouse) {
        return new JobSettings(bootstrap, topics(o), new Lakehouse(warehouse), o.get("database"),
                Duration.ofSeconds(o.getLong("checkpoint-interval")), o.get("checkpoint-dir"),
                Duration.ofHours(o.getLong("dedup-ttl")));
    }

    /**
     * The environment for a command that runs several bounded jobs: the cluster's under {@code flink run}, else one
     * local MiniCluster for all of them (a plain local environment would start one per job). Close it when done.
     */
    record BoundedJobs(StreamExecutionEnvironment env, LocalFlink local) implements AutoCloseable {
        static BoundedJobs start(int parallelism) throws Exception {
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
}
