package io.clinicalpipeline.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the Flink Prometheus reporter's endpoint the way a Prometheus server would. */
final class PrometheusScrape {
    private PrometheusScrape() {}

    /** The port of the range whose /metrics contains {@code marker} (a label only this JVM's jobs carry). */
    static int portShowing(String portRange, String marker) throws InterruptedException {
        String[] bounds = portRange.split("-");
        StringBuilder seen = new StringBuilder();
        for (int port = Integer.parseInt(bounds[0]); port <= Integer.parseInt(bounds[bounds.length - 1]); port++) {
            try {
                String metrics = get(port);
                if (metrics.contains(marker)) {
                    return port;
                }
                seen.append(" ").append(port).append(": ").append(metrics.lines().count()).append(" lines");
            } catch (IOException notThisPort) {
                // Try the next port of the range.
            }
        }
        throw new AssertionError("no Prometheus reporter on ports " + portRange + " shows " + marker + "; answered:" + seen);
    }

    static String scrape(int port) throws InterruptedException {
        try {
            return get(port);
        } catch (IOException e) {
            throw new AssertionError("the Prometheus reporter on port " + port + " did not answer: " + e, e);
        }
    }

    private static String get(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }
}
