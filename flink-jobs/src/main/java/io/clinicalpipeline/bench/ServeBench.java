package io.clinicalpipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.runtime.Await;
import io.clinicalpipeline.runtime.JsonSummary;
import io.clinicalpipeline.runtime.LocalFlink;
import io.clinicalpipeline.runtime.LocalRedis;
import io.clinicalpipeline.runtime.Ports;
import io.clinicalpipeline.runtime.Scratch;
import org.apache.paimon.catalog.Catalog;
import redis.clients.jedis.Jedis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/pipeline bench serve}: the prediction service in a JVM of its own, asked for random patients by a real
 * HTTP client in this one at a fixed rate (open loop: each request has a due time, and its latency counts from then,
 * so a slow answer delays the ones behind it instead of hiding them), at each concurrency level. Next to it, the
 * same patients' {@code HGETALL} straight from Redis at the same rate and concurrency: the floor the service stands
 * on.
 */
public final class ServeBench {

    private static final String DB = "clinical";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param rate requests per second at every level
     * @param serverThreads the service's --threads
     * @param summary null: none
     */
    public record Settings(int patients, String algorithm, List<Integer> concurrency, int rate, Duration duration,
                           Duration warmup, int serverThreads, List<String> serverJvmOptions, Path dataDir, Path summary,
                           Duration timeout) {}

    /** One level's figures; latencies in ms. */
    public record Level(int concurrency, long requests, long errors, double rps, double p50_ms, double p99_ms, double max_ms,
                        double server_mean_ms, double server_p99_le_ms, double socket_p50_ms, double socket_p99_ms,
                        double socket_max_ms, double baseline_rps, double baseline_p50_ms, double baseline_p99_ms,
                        double baseline_max_ms) {}

    /**
     * The service's own {@code /predict} histogram from {@code /metrics}: the time inside the server, without the
     * network and the client, to tell where a latency goes.
     */
    private record ServerTime(double sum, double count, double[] bounds, double[] cumulative) {
        private static final Pattern BUCKET = Pattern.compile(
                "^clinical_serve_request_duration_seconds_bucket\\{route=\"/predict\",le=\"([^\"]+)\"} (\\S+)$", Pattern.MULTILINE);

        static ServerTime scrape(HttpClient http, String address) throws Exception {
            String text = http.send(HttpRequest.newBuilder(URI.create(address + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            List<double[]> buckets = new ArrayList<>();
            for (Matcher m = BUCKET.matcher(text); m.find(); ) {
                buckets.add(new double[] {m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
                        Double.parseDouble(m.group(2))});
            }
            return new ServerTime(value(text, "sum"), value(text, "count"), buckets.stream().mapToDouble(b -> b[0]).toArray(),
                    buckets.stream().mapToDouble(b -> b[1]).toArray());
        }

        private static double value(String text, String suffix) {
            Matcher m = Pattern.compile("^clinical_serve_request_duration_seconds_" + suffix + "\\{route=\"/predict\"} (\\S+)$",
                    Pattern.MULTILINE).matcher(text);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }

        double meanMsSince(ServerTime before) {
            return (sum - before.sum) / (count - before.count) * 1e3;
        }

        /** The smallest bucket bound under which 99% of the requests since {@code before} fell. */
        double p99BoundMsSince(ServerTime before) {
            double total = count - before.count;
            for (int i = 0; i < bounds.length; i++) {
                double under = cumulative[i] - (before.cumulative.length > i ? before.cumulative[i] : 0);
                if (under >= 0.99 * total) {
                    return bounds[i] * 1e3;
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    /** One request of the load: true when it was answered as expected. */
    private interface Request {
        boolean send(int patient) throws Exception;
    }

    /** What one open-loop run measured: latency from each request's due time, in ns. */
    private record Run(long[] latencies, long errors, double rps) {
        double ms(double q) {
            return Measure.percentile(latencies, q) / 1e6;
        }
    }

    private ServeBench() {}

    public static List<Level> run(Settings p) throws Exception {
        Path dataDir = Scratch.emptied(p.dataDir());
        Lakehouse lake = new Lakehouse(dataDir.resolve("warehouse").toString());
        lake.createTables(DB);
        List<Level> levels = new ArrayList<>();
        try (LocalRedis redis = LocalRedis.start(dataDir.resolve("redis"))) {
            System.out.println("bench: phase 1/3, training and registering the " + p.algorithm() + " model ...");
            try (LocalFlink flink = LocalFlink.start(0, "9500-9549", 2); Catalog catalog = lake.openCatalog()) {
                ScoreBench.registerProduction(flink, catalog, lake, DB, p.algorithm());
            }
            System.out.printf(Locale.ROOT, "bench: phase 2/3, writing the online features of %,d patients and starting the "
                    + "service in its own JVM ...%n", p.patients());
            writeFeatures(redis.uri(), p.patients());
            Process server = startServer(p, lake, redis.uri(), dataDir);
            try {
                String address = awaitReady(server, dataDir.resolve("serve.log"), p.timeout());
                // The selector thread completes each answer itself: by default it hands every one to a pool thread
                // first, a hop that cost 0.1 to 0.2 ms a request and most of the tail on two cores.
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();
                URI predictUri = URI.create(address + "/predict");
                Request predict = patient -> http.send(HttpRequest.newBuilder(predictUri)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"patient_id\":\"b" + patient + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
                int[] sequence = new SplittableRandom(42).ints((long) p.rate() * p.duration().toSeconds(), 0, p.patients()).toArray();
                System.out.printf(Locale.ROOT, "bench: phase 3/3, %d s warm-up, then %d s at %,d requests/s for each "
                        + "concurrency %s, each next to a bare HGETALL ...%n", p.warmup().toSeconds(),
                        p.duration().toSeconds(), p.rate(), p.concurrency());
                int[] warm = Arrays.copyOf(sequence, (int) Math.min(sequence.length, p.rate() * p.warmup().toSeconds()));
                openLoop(8, p.rate(), warm, w -> predict);
                connected(8, () -> new Jedis(URI.create(redis.uri())), jedis -> openLoop(8, p.rate(), warm, w -> hgetall(jedis.get(w))));
                for (int c : p.concurrency()) {
                    Run baseline = connected(c, () -> new Jedis(URI.create(redis.uri())),
                            jedis -> openLoop(c, p.rate(), sequence, w -> hgetall(jedis.get(w))));
                    ServerTime before = ServerTime.scrape(http, address);
                    Run served = openLoop(c, p.rate(), sequence, w -> predict);
                    ServerTime after = ServerTime.scrape(http, address);
                    Run lean = connected(c, () -> new SocketClient(URI.create(address)),
                            sockets -> openLoop(c, p.rate(), sequence, sockets::get));
                    Level level = new Level(c, served.latencies().length, served.errors() + lean.errors(), served.rps(),
                            served.ms(0.5), served.ms(0.99), served.ms(1), after.meanMsSince(before),
                            after.p99BoundMsSince(before), lean.ms(0.5), lean.ms(0.99), lean.ms(1), baseline.rps(),
                            baseline.ms(0.5), baseline.ms(0.99), baseline.ms(1));
                    levels.add(level);
                    System.out.printf(Locale.ROOT, "bench:   concurrency %d done: p99 %.2f ms (HGETALL %.2f ms)%n", c,
                            level.p99_ms(), level.baseline_p99_ms());
                    if (baseline.errors() > 0) {
                        throw new IllegalStateException(baseline.errors() + " HGETALL calls failed at concurrency " + c);
                    }
                }
            } finally {
                server.destroy();
                server.waitFor();
            }
        }
        print(p, levels);
        if (p.summary() != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("bench", "serve");
            doc.put("algorithm", p.algorithm());
            doc.put("patients", p.patients());
            doc.put("target_rps", p.rate());
            doc.put("seconds", p.duration().toSeconds());
            doc.put("server_threads", p.serverThreads());
            doc.put("levels", levels);
            JsonSummary.write(p.summary(), doc);
        }
        return levels;
    }

    private static void print(Settings p, List<Level> levels) {
        System.out.println();
        System.out.printf(Locale.ROOT, "bench serve (POST /predict by patient id, %s model over %d features, %,d patients, "
                + "%,d requests/s open loop for %d s per level, server --threads %d, client and server in separate JVMs):%n",
                p.algorithm(), ScoreBench.COLUMNS.size(), p.patients(), p.rate(), p.duration().toSeconds(), p.serverThreads());
        System.out.println("  concurrency |    rps | p50 ms | p99 ms | max ms | errors | in server: mean, p99 <= | socket client p50, p99, max || HGETALL rps | p50 ms | p99 ms | max ms | p99 ratio");
        for (Level l : levels) {
            System.out.printf(Locale.ROOT, "  %11d | %6.0f | %6.2f | %6.2f | %6.1f | %6d | %8.2f, %8.1f ms | %7.2f, %6.2f, %6.1f ms || %11.0f | %6.2f | %6.2f | %6.1f | %9.1f%n",
                    l.concurrency(), l.rps(), l.p50_ms(), l.p99_ms(), l.max_ms(), l.errors(), l.server_mean_ms(),
                    l.server_p99_le_ms(), l.socket_p50_ms(), l.socket_p99_ms(), l.socket_max_ms(), l.baseline_rps(),
                    l.baseline_p50_ms(), l.baseline_p99_ms(), l.baseline_max_ms(), l.p99_ms() / l.baseline_p99_ms());
        }
        System.out.println("  latency counts from each request's due time, so queueing behind a slow answer is included; the");
        System.out.println("  main figures use java.net.http (what a Java caller uses), the socket client writes each request in one");
        System.out.println("  packet on a kept-alive connection per worker (as wrk does), the server's own histogram excludes both");
    }

    /** Every patient's features as the feature job writes them: one hash, the values JSON-encoded in one field. */
    private static void writeFeatures(String redisUri, int patients) throws Exception {
        List<RedisFeatureStore.Update> updates = new ArrayList<>(patients);
        long now = Instant.now().toEpochMilli();
        for (int i = 0; i < patients; i++) {
            Object[] values = ScoreBench.values(i, 0);
            Map<String, Object> named = new LinkedHashMap<>();
            for (int c = 0; c < values.length; c++) {
                named.put(ScoreBench.COLUMNS.get(c), values[c]);
            }
            updates.add(new RedisFeatureStore.Update("b" + i, now, Map.of(RedisFeatureStore.VERSION, "1",
                    RedisFeatureStore.VALUES, JSON.writeValueAsString(named))));
        }
        try (RedisFeatureStore writer = new RedisFeatureStore(redisUri, Duration.ZERO, 3, Duration.ofMillis(50))) {
            writer.write(updates);
        }
    }

    /** {@code bin/pipeline serve} in a JVM of its own: this JVM's classpath and module options, its log in a file. */
    private static Process startServer(Settings p, Lakehouse lake, String redisUri, Path dataDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-Xmx1g");
        command.addAll(p.serverJvmOptions());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.clinicalpipeline.cli.Main", "serve",
                "--warehouse", lake.warehouse(), "--database", DB, "--redis", redisUri, "--port", Integer.toString(Ports.free()),
                "--threads", Integer.toString(p.serverThreads()), "--max-queued", "1024"));
        Path log = dataDir.resolve("serve.log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for the service's "listening on" line and a 200 from /ready; returns its address. */
    private static String awaitReady(Process server, Path log, Duration timeout) throws Exception {
        String[] address = new String[1];
        HttpClient http = HttpClient.newHttpClient();
        Await.until(() -> {
            if (!server.isAlive()) {
                throw new IllegalStateException("the service exited with status " + server.exitValue() + "; its log: " + log);
            }
            try {
                if (address[0] == null) {
                    address[0] = Files.readAllLines(log).stream().filter(l -> l.startsWith("serve: listening on "))
                            .map(l -> l.substring("serve: listening on ".length()).split(" ")[0]).findFirst().orElse(null);
                }
                return address[0] != null && http.send(HttpRequest.newBuilder(URI.create(address[0] + "/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, timeout, () -> "the service to be ready (its log: " + log + ")");
        return address[0];
    }

    /**
     * HTTP/1.1 over a kept-alive socket: the request in one write, the answer read to its Content-Length. It shows
     * what java.net.http's thread hand-offs add on two cores.
     */
    private static final class SocketClient implements Request, AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final BufferedInputStream in;
        private final String host;

        SocketClient(URI address) throws IOException {
            socket = new Socket(address.getHost(), address.getPort());
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
            host = address.getHost() + ":" + address.getPort();
        }

        @Override
        public boolean send(int patient) throws IOException {
            String body = "{\"patient_id\":\"b" + patient + "\"}";
            out.write(("POST /predict HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            long length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(header.substring(15).trim());
                }
            }
            if (length < 0) {
                throw new IOException("no Content-Length in the answer: " + status);
            }
            in.skipNBytes(length);
            return status.startsWith("HTTP/1.1 200");
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Request hgetall(Jedis jedis) {
        return patient -> !jedis.hgetAll(RedisFeatureStore.KEY_PREFIX + "b" + patient).isEmpty();
    }

    private interface Opener<C> {
        C open() throws IOException;
    }

    private interface ConnectedRun<C> {
        Run run(List<C> perWorker) throws Exception;
    }

    /** One connection per worker, as a pool under that concurrency holds, closed after the run. */
    private static <C extends AutoCloseable> Run connected(int concurrency, Opener<C> opener, ConnectedRun<C> body)
            throws Exception {
        List<C> connections = new ArrayList<>();
        try {
            for (int i = 0; i < concurrency; i++) {
                connections.add(opener.open());
            }
            return body.run(connections);
        } finally {
            for (C c : connections) {
                c.close();
            }
        }
    }

    private interface Workers {
        Request worker(int index);
    }

    /**
     * Sends {@code patients.length} requests, the k-th due at start + k / rate, request k on worker k mod
     * concurrency. A worker behind schedule sends at once; each latency runs from the due time.
     */
    private static Run openLoop(int concurrency, int rate, int[] patients, Workers workers) throws InterruptedException {
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        long[] latencies = new long[patients.length];
        AtomicLong errors = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong(start);
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int first = w;
            Request request = workers.worker(w);
            Thread thread = new Thread(() -> {
                for (int k = first; k < patients.length; k += concurrency) {
                    long due = start + k * interval;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean ok;
                    try {
                        ok = request.send(patients[k]);
                    } catch (Exception e) {
                        ok = false;
                        if (failures.getAndIncrement() == 0) {
                            System.err.println("bench: a request failed: " + e);
                        }
                    }
                    long end = System.nanoTime();
                    latencies[k] = end - due;
                    if (!ok) {
                        errors.incrementAndGet();
                    }
                    lastEnd.accumulateAndGet(end, Math::max);
                }
            }, "bench-client-" + w);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        Arrays.sort(latencies);
        return new Run(latencies, errors.get(), patients.length / ((lastEnd.get() - start) / 1e9));
    }
}
