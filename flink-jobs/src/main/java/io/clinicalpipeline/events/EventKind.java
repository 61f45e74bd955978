package io.clinicalpipeline.events;

/**
 * The five patient event streams. Each has a default Kafka topic, a bronze table, a silver table and
 * the extra payload field (beyond patient, event time and source) that makes two events distinct:
 * two drugs given by the same system at the same minute are two events, not a duplicate.
 */
public enum EventKind {
    VITALS("patient-vitals", "vitals", "device_id", null),
    MEDICATIONS("medications", "medications", "source_id", "drug"),
    LABS("lab-results", "labs", "source_id", "test"),
    ADVERSE_EVENTS("adverse-events", "adverse_events", "source_id", "event_type"),
    PATIENTS("patient-profiles", "patients", "source_id", null);

    private final String defaultTopic;
    private final String tableSuffix;
    private final String sourceField;
    private final String distinguishingField;

    EventKind(String defaultTopic, String tableSuffix, String sourceField, String distinguishingField) {
        this.defaultTopic = defaultTopic;
        this.tableSuffix = tableSuffix;
        this.sourceField = sourceField;
        this.distinguishingField = distinguishingField;
    }

    public String defaultTopic() {
        return defaultTopic;
    }

    public String bronzeTable() {
        return "bronze_" + tableSuffix;
    }

    public String silverTable() {
        return "silver_" + tableSuffix;
    }

    /** JSON field naming the system that produced the event (monitor for vitals, EHR module otherwise). */
    public String sourceField() {
        return sourceField;
    }

    /** JSON field that is part of the deduplication key besides patient, time and source, or null. */
    public String distinguishingField() {
        return distinguishingField;
    }
}
