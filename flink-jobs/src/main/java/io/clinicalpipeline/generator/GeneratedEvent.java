package io.clinicalpipeline.generator;

import io.clinicalpipeline.events.EventKind;

/**
 * One record as it goes to Kafka. {@code sendTimeMillis} is the simulated moment it is sent and becomes
 * the Kafka record timestamp, so lateness is visible downstream and reproducible for a seed.
 */
public record GeneratedEvent(
        EventKind kind,
        String patientId,
        byte[] value,
        long sendTimeMillis,
        Fault fault,
        Expected expected) {}
