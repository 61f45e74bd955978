package io.clinicalpipeline.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.model.clinical.News2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Generated events read back as a ward's records: charted observations with their NEWS2, monitor readings, labs, outcomes. */
final class Cohort {

    static final Set<String> MAJOR = Set.of("sepsis", "cardiac_arrest", "icu_transfer", "stroke", "respiratory_failure");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A charted set of observations, scored on the patient's prescribed SpO2 scale. */
    record Observation(String patient, long time, int news2, boolean anyThree, double spo2, boolean oxygen) {}

    record Record(String patient, long time, JsonNode json) {}

    final Map<String, JsonNode> profiles = new HashMap<>();
    private final List<Observation> charted = new ArrayList<>();
    final List<Record> monitor = new ArrayList<>();
    final List<Record> labs = new ArrayList<>();
    final List<Record> medications = new ArrayList<>();
    final List<Record> adverse = new ArrayList<>();
    final List<Record> vitals = new ArrayList<>();

    static Cohort of(List<GeneratedEvent> events) {
        Cohort c = new Cohort();
        List<Record> sets = new ArrayList<>();
        for (GeneratedEvent e : events) {
            JsonNode j = read(e.value());
            String patient = j.get("patient_id").asText();
            Record r = new Record(patient, Instant.parse(j.get("event_time").asText()).toEpochMilli(), j);
            switch (e.kind()) {
                case PATIENTS -> c.profiles.put(patient, j);
                case VITALS -> {
                    c.vitals.add(r);
                    (j.get("device_id").asText().startsWith("monitor-") ? c.monitor : sets).add(r);
                }
                case LABS -> c.labs.add(r);
                case MEDICATIONS -> c.medications.add(r);
                case ADVERSE_EVENTS -> c.adverse.add(r);
            }
        }
        for (Record r : sets) {
            JsonNode j = r.json();
            boolean scale2 = c.profiles.get(r.patient()).get("spo2_scale").asInt() == 2;
            Double temp = j.has("temperature") ? j.get("temperature").asDouble() : null;
            if (temp != null && j.get("temperature_unit").asText().equals("F")) {
                temp = (temp - 32) * 5 / 9;
            }
            News2.Score s = News2.score(j.get("respiratory_rate").asDouble(), j.get("spo2").asDouble(),
                    j.get("supplemental_oxygen").asBoolean(), j.has("systolic_bp") ? j.get("systolic_bp").asDouble() : null,
                    j.get("heart_rate").asDouble(), j.has("consciousness") ? j.get("consciousness").asText() : null, temp,
                    scale2 ? News2.SpO2Scale.SCALE_2 : News2.SpO2Scale.SCALE_1);
            c.charted.add(new Observation(r.patient(), r.time(), s.total(), s.risk() == News2.Risk.LOW_MEDIUM,
                    j.get("spo2").asDouble(), j.get("supplemental_oxygen").asBoolean()));
        }
        c.charted.sort(Comparator.comparing(Observation::patient).thenComparingLong(Observation::time));
        return c;
    }

    /** Charted observation sets, by patient and then time. */
    List<Observation> charted() {
        return charted;
    }

    Long firstMajorOutcome(String patient) {
        return adverse.stream().filter(r -> r.patient().equals(patient) && MAJOR.contains(r.json().get("event_type").asText()))
                .map(Record::time).min(Long::compare).orElse(null);
    }

    boolean scale2(String patient) {
        return profiles.get(patient).get("spo2_scale").asInt() == 2;
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
