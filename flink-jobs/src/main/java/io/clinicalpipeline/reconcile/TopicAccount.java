package io.clinicalpipeline.reconcile;

import java.util.Map;

/**
 * Where the records of one topic went. Balanced when Kafka = bronze = messages and items = silver + duplicates +
 * quarantine + dead letter. On a JSON topic every record is one message of one item; a hospital topic's messages are
 * its {@code hospital_messages} rows, and items what they were translated into.
 */
public record TopicAccount(
        String topic,
        long kafka,
        long bronze,
        long messages,
        long items,
        long silver,
        long duplicates,
        Map<String, Long> quarantinedByReason,
        Map<String, Long> deadLetteredByError) {

    public long quarantined() {
        return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long deadLettered() {
        return deadLetteredByError.values().stream().mapToLong(Long::longValue).sum();
    }

    public long accountedFor() {
        return silver + duplicates + quarantined() + deadLettered();
    }

    public boolean balanced() {
        return kafka == bronze && bronze == messages && items == accountedFor();
    }
}
