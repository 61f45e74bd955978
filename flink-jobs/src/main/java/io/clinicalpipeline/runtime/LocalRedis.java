package io.clinicalpipeline.runtime;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Redis server on a free loopback port: {@code redis-server} from PATH when installed (Debian's
 * package), else the Linux binary shipped in the embedded-redis artifact.
 */
public final class LocalRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private LocalRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LocalRedis start(Path dataDir) {
        int port = Ports.free();
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
            RedisServer server = builder.build();
            server.start();
            return new LocalRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local Redis server on port " + port
                    + "; install redis-server or pass --redis redis://host:port", e);
        }
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
        server.stop();
    }
}
