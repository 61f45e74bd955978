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

    /** The body of the first port in the range that answers /metrics. */
    static String firstReachable(String portRange) throws InterruptedException {
        String[] bounds = portRange.split("-");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int port = Integer.parseInt(bounds[0]); port <= Integer.parseInt(bounds[bounds.length - 1]); port++) {
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException notThisPort) {
                // Try the next port of the range.
            }
        }
        throw new AssertionError("no Prometheus reporter answered on ports " + portRange);
    }
}
