package io.clinicalpipeline.interop;

import io.clinicalpipeline.events.MessageFormat;

import java.time.Instant;

/** A hospital message's bytes into the pipeline's events. Not thread-safe: one per operator instance. */
public interface MessageTranslator extends AutoCloseable {

    /** @param receivedAt when Kafka received the message: the time of a message that carries none */
    Translation translate(byte[] payload, Instant receivedAt);

    /** Nothing to release unless the format's parser holds resources (HAPI v2's context does). */
    @Override
    default void close() throws Exception {
    }

    static MessageTranslator of(MessageFormat format, CodeMapping mapping) {
        return switch (format) {
            case FHIR_R4 -> new FhirTranslator(mapping);
            case HL7V2 -> new Hl7v2Translator(mapping);
        };
    }
}
