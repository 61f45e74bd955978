package io.clinicalpipeline.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.interop.CodeMapping;
import io.clinicalpipeline.interop.FhirWriter;
import io.clinicalpipeline.interop.Hl7v2Writer;

import java.io.IOException;

/**
 * How the generator puts its events on the wire. JSON: the pipeline's own records, one topic per kind. FHIR: every event
 * as FHIR R4 on the FHIR topic. HL7V2: vitals and labs as ORU^R01 on the HL7 v2 topic, and profiles, medications and
 * adverse events, which have no ORU form (and an ADT carries only a few of a profile's attributes), as FHIR, as an
 * integration engine that takes monitors' and the lab's v2 feeds beside the EHR's FHIR would.
 */
public enum InputFormat {
    JSON, FHIR, HL7V2;

    /** One event as a Kafka record's topic and value. */
    public record Encoded(String topic, byte[] value) {}

    /** The topic events of {@code kind} go to in this format. */
    public String topicOf(EventKind kind, Topics topics) {
        return this == JSON ? topics.topic(kind)
                : topics.topic(this == HL7V2 && Hl7v2Writer.writes(kind) ? MessageFormat.HL7V2 : MessageFormat.FHIR_R4);
    }

    /** Encodes events in this format; one per producing thread (the writers' parsers are not thread-safe). */
    public Encoder encoder(Topics topics) {
        return new Encoder(this, topics);
    }

    public static final class Encoder {
        private final InputFormat format;
        private final Topics topics;
        private final ObjectMapper json = new ObjectMapper();
        private final FhirWriter fhir;
        private final Hl7v2Writer hl7v2;

        private Encoder(InputFormat format, Topics topics) {
            this.format = format;
            this.topics = topics;
            CodeMapping mapping = CodeMapping.builtIn();
            this.fhir = format == JSON ? null : new FhirWriter(mapping);
            this.hl7v2 = format == HL7V2 ? new Hl7v2Writer(mapping) : null;
        }

        /**
         * A generated fault the format cannot express (JSON that does not parse, a field the format needs removed) goes
         * as the event's own bytes: garbage on a hospital topic, which the pipeline dead-letters as such.
         */
        public Encoded encode(GeneratedEvent e) {
            String topic = format.topicOf(e.kind(), topics);
            if (format == JSON) {
                return new Encoded(topic, e.value());
            }
            boolean v2 = format == HL7V2 && Hl7v2Writer.writes(e.kind());
            JsonNode event;
            try {
                event = json.readTree(e.value());
            } catch (IOException malformed) {
                return new Encoded(topic, e.value());
            }
            try {
                return new Encoded(topic, v2 ? hl7v2.write(e.kind(), event) : fhir.write(e.kind(), event));
            } catch (RuntimeException inexpressible) {
                return new Encoded(topic, e.value());
            }
        }
    }
}
