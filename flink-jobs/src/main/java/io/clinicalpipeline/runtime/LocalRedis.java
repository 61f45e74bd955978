package io.clinicalpipeline.runtime;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.SaveMode;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ShutdownParams;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Redis server on a free loopback port: {@code redis-server} from PATH when installed (Debian's
 * package), else the Linux binary shipped in the embedded-redis artifact.
 */
public final class LocalRedis implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private RedisServer server;

    private LocalRedis(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    public static LocalRedis start(Path dataDir) {
        LocalRedis redis = new LocalRedis(dataDir, Ports.free());
        redis.start();
        return redis;
    }

    /** Starts the server again after {@link #stop}, on the same port, with the data it saved when it stopped. */
    public void start() {
        try {
            Files.createDirectories(dataDir);
            redis.embedded.core.RedisServerBuilder builder = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("dir " + dataDir.toAbsolutePath());
            Path system = systemRedis();
            if (system != null) {
                builder.executableProvider(() -> system.toFile());
            }
            server = builder.build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local Redis server on port " + port
                    + "; install redis-server or pass --redis redis://host:port", e);
        }
    }

    /**
     * Stops the server as an operator's restart does: it saves its data first ({@code SHUTDOWN SAVE}), so
     * {@link #start} brings the keys back; clients see refused connections until then.
     */
    public void stop() throws IOException {
        try (Jedis admin = new Jedis(URI.create(uri()))) {
            admin.shutdown(ShutdownParams.shutdownParams().saveMode(SaveMode.SAVE));
        } catch (JedisException e) {
            // The server closes the connection as it exits; that is the shutdown succeeding.
        }
        server.stop();
    }

    private static Path systemRedis() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        if (server.isActive()) {
            server.stop();
        }
    }
}
