package io.clinicalpipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A job's operator metrics through the Flink REST API, the numbers the web dashboard shows. */
public final class JobMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI rest;
    private final HttpClient http = HttpClient.newHttpClient();

    public JobMetrics(URI rest) {
        this.rest = rest;
    }

    /** The sum over every subtask of every operator metric called {@code name} in the job (0 if none). */
    public long sum(JobID job, String name) throws IOException, InterruptedException {
        return aggregate(job, name, "sum");
    }

    /** {@link #sum}, or 0 while the job's metrics cannot be read (not reported yet, or the job is gone). */
    public long sumOrZero(JobID job, String name) {
        return orZero(job, name, "sum");
    }

    /** The largest value of a metric on any one subtask (summed over operators), or 0 while it cannot be read. */
    public long maxOrZero(JobID job, String name) {
        return orZero(job, name, "max");
    }

    private long orZero(JobID job, String name, String agg) {
        try {
            return aggregate(job, name, agg);
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * The smallest value over every subtask of a metric (0 if none): a gauge has reached a value on all subtasks
     * when its minimum has.
     */
    public long min(JobID job, String name) throws IOException, InterruptedException {
        return aggregate(job, name, "min");
    }

    /** A completed checkpoint as the dashboard's Checkpoints tab shows it. */
    public record Checkpoint(long id, long triggeredAt, long stateSize, long checkpointedSize, long durationMs) {
        static final Checkpoint NONE = new Checkpoint(0, 0, 0, 0, 0);
    }

    /**
     * The job's newest completed checkpoint ({@link Checkpoint#NONE}-like zeros if none yet or unreadable). Every
     * record a source had read when it was triggered has passed every operator and been flushed by every sink once it
     * has completed.
     */
    public Checkpoint lastCompletedCheckpoint(JobID job) {
        try {
            JsonNode c = get("/jobs/" + job + "/checkpoints").path("latest").path("completed");
            return c.isMissingNode() || c.isNull() ? Checkpoint.NONE : new Checkpoint(c.path("id").asLong(),
                    c.path("trigger_timestamp").asLong(), c.path("state_size").asLong(), c.path("checkpointed_size").asLong(),
                    c.path("end_to_end_duration").asLong());
        } catch (IOException | RuntimeException e) {
            return Checkpoint.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Checkpoint.NONE;
        }
    }

    private long aggregate(JobID job, String name, String agg) throws IOException, InterruptedException {
        long total = 0;
        for (JsonNode vertex : get("/jobs/" + job).get("vertices")) {
            String metrics = "/jobs/" + job + "/vertices/" + vertex.get("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(metrics)) {
                String id = m.get("id").asText();
                // Operator metrics are listed as "<operator name>.<metric name>".
                if (id.endsWith("." + name)) {
                    ids.add(URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
                }
            }
            if (!ids.isEmpty()) {
                for (JsonNode m : get(metrics + "?agg=" + agg + "&get=" + String.join(",", ids))) {
                    total += (long) m.get(agg).asDouble();
                }
            }
        }
        return total;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Flink REST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
