package io.clinicalpipeline.online;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.URI;

/**
 * Subscribes to Redis keyspace notifications of the hashes under a key prefix (in the URI's database) and reports,
 * for every guarded write, the patient and the event time the hash now holds: how a client sees values arrive
 * online (the benchmarks time them; the fault tests check they never move backwards). The subscription ends when
 * the server goes away; start a new watch once it is back.
 */
public final class KeyspaceWatch extends JedisPubSub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyspaceWatch.class);

    /** Told that {@code patientId}'s hash holds {@code eventTime}, seen at {@code seenNanos} ({@link System#nanoTime}). */
    public interface Listener {
        void online(String patientId, long eventTime, long seenNanos);
    }

    private final JedisPooled reader;
    private final String prefix;
    private final Listener listener;
    private final Thread thread;

    private KeyspaceWatch(String uri, String prefix, Listener listener) {
        this.reader = new JedisPooled(URI.create(uri));
        this.prefix = prefix;
        this.listener = listener;
        String path = URI.create(uri).getPath();
        String db = path == null || path.length() <= 1 ? "0" : path.substring(1);
        this.thread = new Thread(() -> {
            try (Jedis subscriber = new Jedis(URI.create(uri))) {
                subscriber.psubscribe(this, "__keyspace@" + db + "__:" + prefix + "*");
            } catch (JedisConnectionException e) {
                LOG.info("event=keyspace_watch_ended prefix={} reason=\"{}\"", prefix, e.getMessage());
            }
        }, "keyspace-watch-" + prefix);
    }

    public static KeyspaceWatch start(String uri, String prefix, Listener listener) throws InterruptedException {
        KeyspaceWatch watch = new KeyspaceWatch(uri, prefix, listener);
        // K: keyspace channels, h: hash commands (the guarded write ends with HSET).
        watch.reader.configSet("notify-keyspace-events", "Kh");
        watch.thread.setDaemon(true);
        watch.thread.start();
        while (!watch.isSubscribed()) {
            Thread.sleep(10);
        }
        return watch;
    }

    @Override
    public void onPMessage(String pattern, String channel, String message) {
        long seen = System.nanoTime();
        if (!"hset".equals(message)) {
            return;
        }
        String key = channel.substring(channel.indexOf(':') + 1);
        String eventTime = reader.hget(key, RedisFeatureStore.EVENT_TIME);
        if (eventTime != null) {
            listener.online(key.substring(prefix.length()), Long.parseLong(eventTime), seen);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isSubscribed()) {
            punsubscribe();
        }
        thread.join(10_000);
        reader.close();
    }
}
