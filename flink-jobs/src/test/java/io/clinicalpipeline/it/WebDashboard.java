package io.clinicalpipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Flink web dashboard as a browser loads it: its page and application script, {@code /config}, and the REST calls
 * it lists jobs and shows one job's graph with. Each operator shows with the name the code gives it.
 */
final class WebDashboard {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebDashboard() {}

    /** @param vertexFragment a word one of the job's operator names holds */
    static void assertShowsRunningJob(URI base, String jobId, String vertexFragment) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = get(http, base, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Apache Flink Web Dashboard</title>"), page.body());
        Matcher script = Pattern.compile("src=\"(main[.\\w-]*\\.js)\"").matcher(page.body());
        assertTrue(script.find(), "the page loads its application script: " + page.body());
        assertEquals(200, get(http, base, "/" + script.group(1)).statusCode(), script.group(1));
        assertEquals("1.20.0", JSON.readTree(get(http, base, "/config").body()).get("flink-version").asText());

        JsonNode job = null;
        for (JsonNode j : JSON.readTree(get(http, base, "/jobs/overview").body()).get("jobs")) {
            job = j.get("jid").asText().equals(jobId) ? j : job;
        }
        assertTrue(job != null, "job " + jobId + " is listed in /jobs/overview");
        assertEquals("RUNNING", job.get("state").asText(), job.toString());
        List<String> vertices = new ArrayList<>();
        JSON.readTree(get(http, base, "/jobs/" + jobId).body()).get("vertices").forEach(v -> vertices.add(v.get("name").asText()));
        assertTrue(vertices.stream().anyMatch(n -> n.contains(vertexFragment)), "named operators in the job graph: " + vertices);
        assertTrue(vertices.stream().noneMatch(n -> n.startsWith("Map") || n.startsWith("Flat Map")),
                "no operator left with Flink's default name: " + vertices);
    }

    private static HttpResponse<String> get(HttpClient http, URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
