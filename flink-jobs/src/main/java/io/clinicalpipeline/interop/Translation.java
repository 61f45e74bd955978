package io.clinicalpipeline.interop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.time.Instant;
import java.util.List;

/**
 * What one hospital message (a FHIR resource or Bundle, an HL7 v2 message) becomes: the pipeline's own events, which
 * the silver rules then validate as they validate the JSON topics', and what could not be mapped, each with its
 * reason code for quarantine; or, when the message cannot be read at all, a dead-letter reason.
 */
public sealed interface Translation {

    /** @param payload the event as the pipeline's JSON topics carry it */
    record Event(EventKind kind, ObjectNode payload) {}

    /** Read, but not mappable: an unknown code, an unknown unit, no value, a resource the pipeline does not take. */
    record Unmapped(String reasonCode, String reason, String patientId, Instant eventTime) {}

    record Mapped(List<Event> events, List<Unmapped> unmapped) implements Translation {}

    record Unreadable(String errorCode, String error) implements Translation {}
}
