package io.clinicalpipeline.generator;

/** What the generator did to an event on purpose, so tests and the demo know the expected outcome. */
public enum Fault {
    NONE,
    /** The same bytes sent again shortly after the original. */
    DUPLICATE,
    /** Sent a few minutes after events that happened later. */
    OUT_OF_ORDER,
    /** Sent hours after it happened. */
    LATE,
    /** One measurement set to a physiologically impossible value. */
    OUT_OF_RANGE,
    /** One field removed; whether that makes the record unusable depends on the field. */
    MISSING_FIELD,
    /** Not valid JSON of the event's shape: truncated, garbage, wrong types, bad timestamps. */
    MALFORMED
}
