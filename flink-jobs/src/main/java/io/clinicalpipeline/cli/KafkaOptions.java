package io.clinicalpipeline.cli;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.events.Topics;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.EnumMap;
import java.util.Map;

/** The Kafka cluster, the topic of each event kind and those of the hospital formats. */
final class KafkaOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--topic-vitals", paramLabel = "NAME", defaultValue = "patient-vitals", description = "topic of vitals")
    String vitals;

    @Option(names = "--topic-medications", paramLabel = "NAME", defaultValue = "medications", description = "topic of medications")
    String medications;

    @Option(names = "--topic-labs", paramLabel = "NAME", defaultValue = "lab-results", description = "topic of lab results")
    String labs;

    @Option(names = "--topic-adverse-events", paramLabel = "NAME", defaultValue = "adverse-events",
            description = "topic of adverse events")
    String adverseEvents;

    @Option(names = "--topic-patients", paramLabel = "NAME", defaultValue = "patient-profiles",
            description = "topic of patient profiles")
    String patients;

    @Option(names = "--topic-fhir", paramLabel = "NAME", defaultValue = "fhir-r4",
            description = "topic of FHIR R4 JSON resources and Bundles (Observation, MedicationAdministration, Patient, "
                    + "Encounter, AdverseEvent)")
    String fhir;

    @Option(names = "--topic-hl7v2", paramLabel = "NAME", defaultValue = "hl7v2",
            description = "topic of HL7 v2 messages (ORU^R01, ADT^A01/A08)")
    String hl7v2;

    Topics topics() {
        Map<EventKind, String> names = new EnumMap<>(EventKind.class);
        names.put(EventKind.VITALS, vitals);
        names.put(EventKind.MEDICATIONS, medications);
        names.put(EventKind.LABS, labs);
        names.put(EventKind.ADVERSE_EVENTS, adverseEvents);
        names.put(EventKind.PATIENTS, patients);
        return Topics.withOverrides(names, Map.of(MessageFormat.FHIR_R4, fhir, MessageFormat.HL7V2, hl7v2));
    }

    /** {@code --bootstrap} for a command that cannot run without Kafka. */
    String requireBootstrap(CommandSpec spec) {
        if (bootstrap == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--bootstrap=HOST:PORT'");
        }
        return bootstrap;
    }
}
