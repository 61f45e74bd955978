package io.clinicalpipeline.events;

/**
 * The hospital formats a topic may carry instead of the pipeline's own JSON. A message of one of them holds any number
 * of events, of any kinds (a FHIR Bundle, an ORU^R01 with a panel of OBX segments): it has a bronze table of its own, and
 * the silver job translates it into events before the silver rules see them.
 */
public enum MessageFormat {
    FHIR_R4("fhir-r4", "fhir"),
    HL7V2("hl7v2", "hl7v2");

    private final String defaultTopic;
    private final String tableSuffix;

    MessageFormat(String defaultTopic, String tableSuffix) {
        this.defaultTopic = defaultTopic;
        this.tableSuffix = tableSuffix;
    }

    public String defaultTopic() {
        return defaultTopic;
    }

    public String bronzeTable() {
        return "bronze_" + tableSuffix;
    }

    /** As operators and options name it: fhir, hl7v2. */
    public String label() {
        return tableSuffix;
    }
}
