package io.clinicalpipeline.reconcile;

import java.util.Map;

/** Where the records of one topic went. Balanced when Kafka = bronze = silver + duplicates + quarantine + dead letter. */
public record TopicAccount(
        String topic,
        long kafka,
        long bronze,
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
        return kafka == bronze && bronze == accountedFor();
    }
}
