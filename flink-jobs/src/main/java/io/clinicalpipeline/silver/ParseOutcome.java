package io.clinicalpipeline.silver;

import org.apache.flink.types.Row;

import java.time.LocalDateTime;

/** What the silver rules make of one bronze record: exactly one of these, never an exception. */
public sealed interface ParseOutcome {

    /** A clean record: a named row of its silver table. */
    record Valid(Row row) implements ParseOutcome {}

    /** Parsed, but a value is impossible; identity fields are kept when they could be read. */
    record Quarantined(String reasonCode, String reason, String patientId, LocalDateTime eventTime)
            implements ParseOutcome {}

    /** Could not be parsed into an event at all. */
    record DeadLettered(String errorCode, String error) implements ParseOutcome {}
}
