package io.clinicalpipeline.generator;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.silver.ParseOutcome;
import io.clinicalpipeline.silver.SilverRules;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventGeneratorTest {

    private static List<GeneratedEvent> generate(GeneratorConfig config) {
        List<GeneratedEvent> out = new ArrayList<>();
        new EventGenerator(config).forEachRemaining(out::add);
        return out;
    }

    @Test
    void sameSeedSameEventsInTheSameOrder() {
        GeneratorConfig config = GeneratorConfig.defaults(20, Duration.ofHours(3), 7);
        List<GeneratedEvent> a = generate(config);
        List<GeneratedEvent> b = generate(config);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(Arrays.equals(a.get(i).value(), b.get(i).value()), "event " + i + " differs");
            assertEquals(a.get(i).sendTimeMillis(), b.get(i).sendTimeMillis());
        }
        List<GeneratedEvent> other = generate(GeneratorConfig.defaults(20, Duration.ofHours(3), 8));
        assertTrue(!Arrays.equals(a.get(25).value(), other.get(25).value()), "a different seed gives different events");
    }

    @Test
    void eventsLeaveInSendTimeOrder() {
        List<GeneratedEvent> events = generate(GeneratorConfig.defaults(30, Duration.ofHours(4), 3));
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i - 1).sendTimeMillis() <= events.get(i).sendTimeMillis(), "out of send order at " + i);
        }
        long late = events.stream().filter(e -> e.fault() == Fault.LATE || e.fault() == Fault.OUT_OF_ORDER).count();
        assertTrue(late > 0, "some events must arrive after later ones");
    }

    /**
     * Vitals dominate (charted sets and bedside monitors), labs come in panels, regular medicines a few times a day, and
     * adverse events are rare.
     */
    @Test
    void mixIsMostlyVitalsThenLabsMedicationsAndFewAdverseEvents() {
        List<GeneratedEvent> events = generate(GeneratorConfig.defaults(200, Duration.ofHours(24), 11));
        Map<EventKind, Long> counts = new EnumMap<>(EventKind.class);
        events.stream().filter(e -> e.kind() != EventKind.PATIENTS).forEach(e -> counts.merge(e.kind(), 1L, Long::sum));
        double total = counts.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(0.85, counts.get(EventKind.VITALS) / total, 0.04, counts::toString);
        assertEquals(0.10, counts.get(EventKind.LABS) / total, 0.03, counts::toString);
        assertEquals(0.05, counts.get(EventKind.MEDICATIONS) / total, 0.02, counts::toString);
        double adverse = counts.get(EventKind.ADVERSE_EVENTS) / total;
        assertTrue(adverse > 0.0003 && adverse < 0.005, counts::toString);
    }

    /** The generator's own notion of each fault agrees with the silver rules, record by record. */
    @Test
    void everyFaultLeadsToTheOutcomeTheGeneratorPredicts() {
        GeneratorConfig config = GeneratorConfig.defaults(60, Duration.ofHours(6), 5)
                .withFaultRates(0.02, 0.02, 0.02, 0.05, 0.1, 0.1);
        SilverRules rules = new SilverRules();
        Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
        for (GeneratedEvent e : generate(config)) {
            seen.merge(e.fault(), 1, Integer::sum);
            ParseOutcome outcome = rules.apply(e.kind(), e.value(), e.sendTimeMillis());
            Expected actual = outcome instanceof ParseOutcome.Valid ? Expected.SILVER
                    : outcome instanceof ParseOutcome.Quarantined ? Expected.QUARANTINE : Expected.DEAD_LETTER;
            Expected expected = e.expected() == Expected.DUPLICATE ? Expected.SILVER : e.expected();
            assertEquals(expected, actual, () -> e.fault() + " " + e.kind() + ": " + new String(e.value()) + " -> " + outcome);
        }
        for (Fault f : Fault.values()) {
            assertTrue(seen.getOrDefault(f, 0) > 5, "fault " + f + " barely occurs: " + seen);
        }
    }

    @Test
    void deterioratingPatientsShowWorseVitalsBeforeTheirEvent() {
        Cohort c = Cohort.of(generate(GeneratorConfig.defaults(400, Duration.ofHours(24), 9).withFaultRates(0, 0, 0, 0, 0, 0)));
        List<Double> before = new ArrayList<>();
        List<Double> others = new ArrayList<>();
        for (Cohort.Observation o : c.charted()) {
            Long outcome = c.firstMajorOutcome(o.patient());
            boolean soon = outcome != null && o.time() < outcome && o.time() > outcome - 6 * 3_600_000L;
            (soon ? before : others).add((double) o.news2());
        }
        assertTrue(before.size() >= 50, "expected charted sets before outcomes, got " + before.size());
        double meanBefore = before.stream().mapToDouble(d -> d).average().orElseThrow();
        double meanOthers = others.stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(meanBefore > meanOthers + 2, "NEWS2 before an outcome " + meanBefore + " vs otherwise " + meanOthers);
    }
}
