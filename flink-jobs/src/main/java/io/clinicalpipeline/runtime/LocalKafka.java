package io.clinicalpipeline.runtime;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), in this JVM.
 * Its log directory is formatted the way {@code kafka-storage format} does it.
 */
public final class LocalKafka implements AutoCloseable {

    private final Properties config;
    private final String bootstrap;
    private KafkaRaftServer server;

    private LocalKafka(Properties config, String bootstrap) {
        this.config = config;
        this.bootstrap = bootstrap;
    }

    public static LocalKafka start(Path dataDir, int partitions) {
        int brokerPort = Ports.free();
        int controllerPort = Ports.free();
        Path logDir = dataDir.resolve("kafka-logs");
        try {
            Files.createDirectories(logDir);
            Properties meta = new Properties();
            meta.setProperty("version", "1");
            meta.setProperty("cluster.id", Uuid.randomUuid().toString());
            meta.setProperty("node.id", "1");
            try (var out = Files.newOutputStream(logDir.resolve("meta.properties"))) {
                meta.store(out, "formatted by the clinical pipeline's local runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka log directory " + logDir, e);
        }
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", Integer.toString(partitions));
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        // A lone broker fenced by its own controller (missed heartbeats while the machine is saturated)
        // leaves every partition leaderless; give it the longest session the controller allows.
        p.setProperty("broker.session.timeout.ms", "60000");
        p.setProperty("broker.heartbeat.interval.ms", "1000");
        // Replayed or simulated events have old timestamps; keep them until the user deletes the topic.
        p.setProperty("log.retention.ms", "-1");
        LocalKafka kafka = new LocalKafka(p, "127.0.0.1:" + brokerPort);
        kafka.startServer();
        return kafka;
    }

    private void startServer() {
        server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        server.startup();
    }

    /**
     * Shuts the broker down cleanly and starts it again on the same ports and log directory, as a rolling restart
     * does: clients see it gone for a moment, and every record written before is still there.
     */
    public void restart() {
        close();
        startServer();
    }

    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
