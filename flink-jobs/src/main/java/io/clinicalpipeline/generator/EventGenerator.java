package io.clinicalpipeline.generator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Deterministic stream of patient events for a seed, in the order they are sent. Simulated time advances
 * a minute at a time; events wait in a queue ordered by their send time, so out-of-order and late events
 * really arrive after later ones. Memory holds only what is still in flight, not the whole workload.
 */
public final class EventGenerator implements Iterator<GeneratedEvent> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final GeneratorConfig config;
    private final SplittableRandom faults;
    private final List<PatientSimulator> patients = new ArrayList<>();
    private final PriorityQueue<Pending> inFlight = new PriorityQueue<>();
    private final long totalMinutes;
    private long nextMinute;
    private long sequence;

    public EventGenerator(GeneratorConfig config) {
        this.config = config;
        SplittableRandom root = new SplittableRandom(config.seed());
        this.faults = root.split();
        this.totalMinutes = config.duration().toMinutes();
        for (int i = 0; i < config.patients(); i++) {
            SplittableRandom rnd = root.split();
            PatientProfile profile = PatientProfile.random(String.format("P%06d", config.firstPatient() + i), rnd, config.ward());
            patients.add(new PatientSimulator(profile, rnd, totalMinutes, config.deteriorationRate(), config.fahrenheitRate()));
        }
    }

    @Override
    public boolean hasNext() {
        while (nextMinute < totalMinutes && !readyBefore(minuteStart(nextMinute))) {
            simulateMinute(nextMinute++);
        }
        return !inFlight.isEmpty();
    }

    @Override
    public GeneratedEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return inFlight.poll().event;
    }

    private boolean readyBefore(Instant horizon) {
        return !inFlight.isEmpty() && inFlight.peek().event.sendTimeMillis() < horizon.toEpochMilli();
    }

    private Instant minuteStart(long minute) {
        return config.start().plusSeconds(minute * 60);
    }

    private void simulateMinute(long minute) {
        Instant start = minuteStart(minute);
        for (PatientSimulator patient : patients) {
            if (minute == 0) {
                ObjectNode profile = patient.profileEvent(start, faults.nextDouble() < 0.3);
                emit(EventKind.PATIENTS, patient.patientId(), profile);
            }
            patient.step(minute, start, (kind, event) -> emit(kind, patient.patientId(), event));
        }
    }

    private void emit(EventKind kind, String patientId, ObjectNode event) {
        long eventTime = Instant.parse(event.get("event_time").asText()).toEpochMilli();
        long sendTime = eventTime + faults.nextLong(200, 3000);
        double roll = faults.nextDouble();
        double edge = config.duplicateRate();
        if (roll < edge) {
            byte[] bytes = bytes(event);
            enqueue(new GeneratedEvent(kind, patientId, bytes, sendTime, Fault.NONE, Expected.SILVER));
            long resend = sendTime + faults.nextLong(1_000, 60_000);
            enqueue(new GeneratedEvent(kind, patientId, bytes, resend, Fault.DUPLICATE, Expected.DUPLICATE));
            return;
        }
        if (roll < (edge += config.outOfOrderRate())) {
            enqueue(clean(kind, patientId, event, sendTime + faults.nextLong(120_000, 600_000), Fault.OUT_OF_ORDER));
            return;
        }
        if (roll < (edge += config.lateRate())) {
            enqueue(clean(kind, patientId, event, sendTime + faults.nextLong(7_200_000, 21_600_000), Fault.LATE));
            return;
        }
        if (roll < (edge += config.outOfRangeRate())) {
            FaultInjector.makeOutOfRange(kind, event, faults);
            enqueue(new GeneratedEvent(kind, patientId, bytes(event), sendTime, Fault.OUT_OF_RANGE, Expected.QUARANTINE));
            return;
        }
        if (roll < (edge += config.missingFieldRate())) {
            Expected expected = FaultInjector.removeField(kind, event, faults);
            enqueue(new GeneratedEvent(kind, patientId, bytes(event), sendTime, Fault.MISSING_FIELD, expected));
            return;
        }
        if (roll < edge + config.malformedRate()) {
            byte[] broken = FaultInjector.malform(event, bytes(event), faults);
            enqueue(new GeneratedEvent(kind, patientId, broken, sendTime, Fault.MALFORMED, Expected.DEAD_LETTER));
            return;
        }
        enqueue(clean(kind, patientId, event, sendTime, Fault.NONE));
    }

    private static GeneratedEvent clean(EventKind kind, String patientId, ObjectNode event, long sendTime, Fault fault) {
        return new GeneratedEvent(kind, patientId, bytes(event), sendTime, fault, Expected.SILVER);
    }

    private void enqueue(GeneratedEvent event) {
        inFlight.add(new Pending(event, sequence++));
    }

    static byte[] bytes(ObjectNode event) {
        try {
            return MAPPER.writeValueAsString(event).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a generated event", e);
        }
    }

    private static final class Pending implements Comparable<Pending> {
        final GeneratedEvent event;
        final long sequence;

        Pending(GeneratedEvent event, long sequence) {
            this.event = event;
            this.sequence = sequence;
        }

        @Override
        public int compareTo(Pending o) {
            int c = Long.compare(event.sendTimeMillis(), o.event.sendTimeMillis());
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
