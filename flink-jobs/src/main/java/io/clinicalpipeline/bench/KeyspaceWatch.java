package io.clinicalpipeline.bench;

import io.clinicalpipeline.online.RedisFeatureStore;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

import java.net.URI;

/**
 * Subscribes to Redis keyspace notifications of the hashes under a key prefix (database 0) and reports, for every
 * guarded write, the patient and the event time the hash now holds: how the benches see a value arrive online.
 */
final class KeyspaceWatch extends JedisPubSub implements AutoCloseable {

    /** Told that {@code patientId}'s hash holds {@code eventTime}, seen at {@code seenNanos} ({@link System#nanoTime}). */
    interface Listener {
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
        this.thread = new Thread(() -> {
            try (Jedis subscriber = new Jedis(URI.create(uri))) {
                subscriber.psubscribe(this, "__keyspace@0__:" + prefix + "*");
            }
        }, "bench-keyspace-watch");
    }

    static KeyspaceWatch start(String uri, String prefix, Listener listener) throws InterruptedException {
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
        punsubscribe();
        thread.join(10_000);
        reader.close();
    }
}
