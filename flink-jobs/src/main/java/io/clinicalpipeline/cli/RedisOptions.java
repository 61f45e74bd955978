package io.clinicalpipeline.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The Redis online store: where it is, how to authenticate, and how long its entries live. */
final class RedisOptions {

    @Option(names = "--redis", paramLabel = "URI",
            description = "Redis online store: redis://[user:password@]host:port[/db]; rediss:// for TLS")
    String uri;

    @Option(names = "--redis-password", paramLabel = "PASSWORD",
            description = "Redis password; the REDIS_PASSWORD environment variable keeps it out of ps")
    String password;

    @Option(names = "--redis-tls", description = "connect with TLS, as rediss:// does (trust store: the JVM's javax.net.ssl.* "
            + "properties)")
    boolean tls;

    @Option(names = "--redis-ttl", paramLabel = "DURATION", defaultValue = "48h",
            description = "online entries of a patient expire this long after their last update (0s: never)")
    Duration ttl;

    /** {@code --redis}, or null when none was given (and the command has no default). */
    String uri() {
        return uri == null ? null : withCredentials(uri);
    }

    /** The URI with {@code --redis-password} (or REDIS_PASSWORD) and {@code --redis-tls} applied. */
    String withCredentials(String given) {
        String secret = password != null ? password : System.getenv("REDIS_PASSWORD");
        URI u = URI.create(given);
        String scheme = tls ? "rediss" : u.getScheme();
        String userInfo = secret == null ? u.getRawUserInfo()
                : (u.getRawUserInfo() == null ? "default" : u.getRawUserInfo().split(":")[0])
                + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return scheme + "://" + (userInfo == null ? "" : userInfo + "@") + u.getHost() + ":" + u.getPort()
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
