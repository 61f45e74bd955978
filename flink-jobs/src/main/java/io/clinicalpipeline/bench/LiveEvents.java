package io.clinicalpipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratedEvent;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Generated events re-dated to the moment they are sent, so event time is wall-clock time and the jobs see a live
 * ward. Feature inputs sent after the warm-up and before the end of the measurement are awaited at each of
 * {@code targets} places (Redis features, Redis risk, …); sending goes on until they have all arrived everywhere or
 * the drain time is up.
 */
final class LiveEvents implements Iterator<GeneratedEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventGenerator generator;
    private final long measureFrom;
    private final long measureUntil;
    private final long stopBy;
    private final List<Map<String, NavigableMap<Long, Long>>> pending = new ArrayList<>();
    private final List<List<long[]>> arrivals = new ArrayList<>();
    /** When each measured event was sent, by "patient|event time", for arrivals that are not every event's (alerts). */
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private long lastEventTime;
    private int measured;

    LiveEvents(EventGenerator generator, long measureFrom, long measureNanos, long drainNanos, int targets) {
        this.generator = generator;
        this.measureFrom = measureFrom;
        this.measureUntil = measureFrom + measureNanos;
        this.stopBy = measureUntil + drainNanos;
        for (int i = 0; i < targets; i++) {
            pending.add(new ConcurrentHashMap<>());
            arrivals.add(new ArrayList<>());
        }
    }

    @Override
    public boolean hasNext() {
        long now = System.nanoTime();
        if (!generator.hasNext() || now < measureUntil) {
            return generator.hasNext();
        }
        // Only while draining: a look at every patient's waiting events, too dear to take for every event sent.
        boolean allArrived = pending.stream().allMatch(target -> target.values().stream().allMatch(Map::isEmpty));
        return !allArrived && now < stopBy;
    }

    @Override
    public GeneratedEvent next() {
        GeneratedEvent e = generator.next();
        // Strictly increasing, so each measured event has a feature row of its own.
        long eventTime = Math.max(System.currentTimeMillis(), lastEventTime + 1);
        lastEventTime = eventTime;
        byte[] value;
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(e.value());
            event.put("event_time", Instant.ofEpochMilli(eventTime).toString());
            value = JSON.writeValueAsBytes(event);
        } catch (IOException ex) {
            throw new IllegalStateException("the generator produced an event the bench cannot read", ex);
        }
        long now = System.nanoTime();
        if (now >= measureFrom && now < measureUntil && FeatureJob.INPUTS.containsKey(e.kind())) {
            sent.put(e.patientId() + "|" + eventTime, now);
            for (Map<String, NavigableMap<Long, Long>> target : pending) {
                target.computeIfAbsent(e.patientId(), id -> new ConcurrentSkipListMap<>()).put(eventTime, now);
            }
            synchronized (this) {
                measured++;
            }
        }
        return new GeneratedEvent(e.kind(), e.patientId(), value, eventTime, e.fault(), e.expected());
    }

    /** At {@code target}, the patient's value now holds {@code eventTime}: every event up to it has arrived there. */
    void online(int target, String patientId, long eventTime, long seenNanos) {
        NavigableMap<Long, Long> waiting = pending.get(target).get(patientId);
        if (waiting == null) {
            return;
        }
        NavigableMap<Long, Long> arrived = waiting.headMap(eventTime, true);
        synchronized (this) {
            arrived.values().forEach(sent -> arrivals.get(target).add(new long[] {sent, seenNanos - sent}));
        }
        arrived.clear();
    }

    /** When the measured event of {@code patientId} at {@code eventTime} was sent ({@link System#nanoTime}), or null. */
    Long sentNanos(String patientId, long eventTime) {
        return sent.get(patientId + "|" + eventTime);
    }

    synchronized int measured() {
        return measured;
    }

    synchronized int online(int target) {
        return arrivals.get(target).size();
    }

    /** Latencies at {@code target}, in the order the events were sent. */
    synchronized long[] latenciesNanos(int target) {
        return arrivals.get(target).stream().sorted((a, b) -> Long.compare(a[0], b[0])).mapToLong(a -> a[1]).toArray();
    }
}
