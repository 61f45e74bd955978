package io.clinicalpipeline.generator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ward the generator simulates, read back from its records: observation schedule, conditions, monitors, labs, outcomes. */
class WardSimulationTest {

    private static final long HOUR = 3_600_000L;
    private static Cohort ward;

    @BeforeAll
    static void generate() {
        List<GeneratedEvent> events = new ArrayList<>();
        new EventGenerator(GeneratorConfig.defaults(500, Duration.ofHours(48), 3).withFaultRates(0, 0, 0, 0, 0, 0))
                .forEachRemaining(events::add);
        ward = Cohort.of(events);
    }

    /** RCP 2017: 12-hourly at NEWS2 0, 4-6-hourly at 1-4, hourly at 5-6 or a single 3; sooner when a nurse is worried. */
    @Test
    void nursesObserveOnTheScheduleTheLastNews2Sets() {
        Map<String, List<Double>> gaps = new HashMap<>();
        List<Cohort.Observation> sets = ward.charted();
        for (int i = 1; i < sets.size(); i++) {
            Cohort.Observation prev = sets.get(i - 1);
            Cohort.Observation next = sets.get(i);
            if (!prev.patient().equals(next.patient())) {
                continue;
            }
            String band = prev.news2() >= 7 ? "7+" : prev.news2() >= 5 || prev.anyThree() ? "5-6" : prev.news2() >= 1 ? "1-4" : "0";
            gaps.computeIfAbsent(band, b -> new ArrayList<>()).add((next.time() - prev.time()) / (double) HOUR);
        }
        assertEquals(12, median(gaps.get("0")), 1.5, "NEWS2 0: 12-hourly, " + summary(gaps));
        assertEquals(5, median(gaps.get("1-4")), 1.2, "NEWS2 1-4: 4-6-hourly, " + summary(gaps));
        assertEquals(1, median(gaps.get("5-6")), 0.5, "NEWS2 5-6: hourly, " + summary(gaps));
        assertTrue(median(gaps.get("7+")) < 0.6, "NEWS2 7+: continuous, " + summary(gaps));
        // Late and missed observations: some gaps run well past twice the interval.
        long missed = gaps.get("1-4").stream().filter(g -> g > 8).count();
        assertTrue(missed > gaps.get("1-4").size() * 0.03, "some 4-6-hourly observations are missed: " + missed);
    }

    /** COPD patients prescribed the 88-92% target run low saturations; NEWS2 scale 2 does not score them for it. */
    @Test
    void copdPatientsOnScaleTwoRunLowSaturations() {
        Map<Boolean, List<Double>> spo2 = ward.charted().stream().filter(o -> !o.oxygen()).collect(Collectors.partitioningBy(
                o -> ward.scale2(o.patient()), Collectors.mapping(Cohort.Observation::spo2, Collectors.toList())));
        assertFalse(spo2.get(true).isEmpty(), "some patients are on scale 2");
        assertEquals(90.5, median(spo2.get(true)), 1.5);
        assertTrue(median(spo2.get(false)) >= 95, "others saturate normally: " + median(spo2.get(false)));
        long scale2 = ward.profiles.values().stream().filter(p -> p.get("spo2_scale").asInt() == 2).count();
        assertTrue(scale2 > 10 && scale2 < 75, scale2 + " of 500 on scale 2");
    }

    /** Monitored beds stream readings every five minutes, with movement and probe-off artefacts among them. */
    @Test
    void bedsideMonitorsStreamEveryFiveMinutesWithArtefacts() {
        Map<String, List<Cohort.Record>> byPatient = ward.monitor.stream().collect(Collectors.groupingBy(Cohort.Record::patient));
        assertTrue(byPatient.size() > 50, "monitored patients: " + byPatient.size());
        List<Double> gaps = new ArrayList<>();
        byPatient.values().forEach(list -> {
            list.sort((a, b) -> Long.compare(a.time(), b.time()));
            for (int i = 1; i < list.size(); i++) {
                gaps.add((list.get(i).time() - list.get(i - 1).time()) / 60_000.0);
            }
        });
        assertEquals(5, median(gaps), 1);
        long probeOff = ward.monitor.stream().filter(r -> r.json().get("spo2").asInt() < 85).count();
        assertTrue(probeOff > ward.monitor.size() * 0.005, "probe-off drops: " + probeOff + " of " + ward.monitor.size());
        assertTrue(ward.monitor.stream().noneMatch(r -> r.json().has("temperature")), "a monitor records no temperature");
    }

    /**
     * Lactate is measured at admission and then only when a clinician reviews: mostly after a charted NEWS2 of 5 or
     * more (or a single parameter scoring 3), otherwise on a nurse's worry, never on a clock.
     */
    @Test
    void labsFollowSuspicionNotAClock() {
        Map<String, List<Long>> lactate = new HashMap<>();
        ward.labs.stream().filter(r -> r.json().get("test").asText().equals("lactate"))
                .forEach(r -> lactate.computeIfAbsent(r.patient(), p -> new ArrayList<>()).add(r.time()));
        Map<String, List<Cohort.Observation>> triggers = ward.charted().stream().filter(o -> o.news2() >= 5 || o.anyThree())
                .collect(Collectors.groupingBy(Cohort.Observation::patient));
        int later = 0;
        int afterTrigger = 0;
        int withoutAnyTrigger = 0;
        for (Map.Entry<String, List<Long>> p : lactate.entrySet()) {
            List<Long> times = new ArrayList<>(p.getValue());
            Collections.sort(times);
            List<Cohort.Observation> mine = triggers.getOrDefault(p.getKey(), List.of());
            for (long t : times.subList(1, times.size())) {
                later++;
                afterTrigger += mine.stream().anyMatch(o -> o.time() < t && o.time() > t - 6 * HOUR) ? 1 : 0;
                withoutAnyTrigger += mine.isEmpty() ? 1 : 0;
            }
        }
        assertTrue(later > 20, "lactates ordered on suspicion: " + later);
        assertTrue(afterTrigger > 0.7 * later, afterTrigger + " of " + later + " later lactates follow an escalation");
        long neverEscalated = ward.profiles.keySet().stream().filter(p -> !triggers.containsKey(p)).count();
        assertTrue(withoutAnyTrigger < 0.05 * neverEscalated, withoutAnyTrigger + " later lactates among "
                + neverEscalated + " patients never escalated: no routine lactate");
    }

    /** An ICU transfer or an arrest ends the ward stay: nothing is charted after it is recorded. */
    @Test
    void aTransferOrArrestEndsTheWardRecord() {
        int ended = 0;
        for (Cohort.Record r : ward.adverse) {
            String type = r.json().get("event_type").asText();
            if (type.equals("icu_transfer") || type.equals("cardiac_arrest")) {
                ended++;
                assertTrue(ward.vitals.stream().noneMatch(v -> v.patient().equals(r.patient()) && v.time() > r.time()),
                        r.patient() + " has vitals after " + type);
            }
        }
        assertTrue(ended >= 5, "transfers and arrests: " + ended);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String summary(Map<String, List<Double>> gaps) {
        StringBuilder b = new StringBuilder();
        gaps.forEach((band, g) -> b.append(band).append(": median ").append(String.format("%.2f", median(g))).append(" h of ")
                .append(g.size()).append("; "));
        return b.toString();
    }
}
