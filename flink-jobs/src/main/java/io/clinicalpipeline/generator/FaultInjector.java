package io.clinicalpipeline.generator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The generator's own statement of what breaks a record. It is written independently of the silver job's
 * validation on purpose: the integration tests check that the two agree record by record.
 */
final class FaultInjector {

    private FaultInjector() {}

    /** Fields without which a record of that kind cannot be used: removing one must dead-letter it. */
    static Set<String> requiredFields(EventKind kind, ObjectNode event) {
        List<String> required = new ArrayList<>(List.of("patient_id", "event_time", kind.sourceField()));
        if (kind.distinguishingField() != null) {
            required.add(kind.distinguishingField());
        }
        switch (kind) {
            case VITALS:
                if (event.has("temperature")) {
                    required.add("temperature_unit");
                }
                break;
            case MEDICATIONS:
                if (event.has("dose")) {
                    required.add("dose_unit");
                }
                break;
            case LABS:
                required.addAll(List.of("value", "unit"));
                break;
            case PATIENTS:
                if (event.has("avg_glucose_level")) {
                    required.add("glucose_unit");
                }
                if (event.has("weight")) {
                    required.add("weight_unit");
                }
                break;
            default:
                break;
        }
        return Set.copyOf(required);
    }

    static Expected removeField(EventKind kind, ObjectNode event, SplittableRandom rnd) {
        Set<String> required = requiredFields(kind, event);
        List<String> names = new ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        String victim = names.get(rnd.nextInt(names.size()));
        event.remove(victim);
        return required.contains(victim) ? Expected.DEAD_LETTER : Expected.SILVER;
    }

    static void makeOutOfRange(EventKind kind, ObjectNode event, SplittableRandom rnd) {
        switch (kind) {
            case VITALS:
                switch (rnd.nextInt(6)) {
                    case 0 -> event.put("heart_rate", 420);
                    case 1 -> event.put("systolic_bp", 410);
                    case 2 -> event.put("spo2", 140);
                    case 3 -> event.put("respiratory_rate", 150);
                    case 4 -> {
                        event.put("temperature", 55.0);
                        event.put("temperature_unit", "C");
                    }
                    default -> {
                        // A monitor's reading has a blood pressure only every half hour.
                        int systolic = event.has("systolic_bp") ? event.get("systolic_bp").asInt() : 120;
                        event.put("systolic_bp", systolic);
                        event.put("diastolic_bp", systolic + 20);
                    }
                }
                break;
            case MEDICATIONS:
                event.put("dose", -5.0);
                break;
            case LABS:
                event.put("value", -1.0);
                break;
            case PATIENTS:
                event.put("age", 160);
                break;
            default:
                // An adverse event has no measurement; its impossible value is a time far in the future.
                event.put("event_time", Instant.parse(event.get("event_time").asText()).plusSeconds(400L * 86400).toString());
        }
    }

    static byte[] malform(ObjectNode event, byte[] valid, SplittableRandom rnd) {
        switch (rnd.nextInt(7)) {
            case 0:
                return Arrays.copyOf(valid, valid.length / 2);
            case 1:
                return "<<not json: device buffer overflow>>".getBytes(StandardCharsets.UTF_8);
            case 2:
                return ("[" + new String(valid, StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
            case 3:
                event.put("patient_id", 12345);
                event.put("event_time", true);
                return EventGenerator.bytes(event);
            case 4:
                event.put("event_time", "yesterday around noon");
                return EventGenerator.bytes(event);
            case 5: {
                byte[] broken = valid.clone();
                // A lone continuation byte is invalid UTF-8 wherever it lands inside the document.
                broken[broken.length / 2] = (byte) 0x80;
                return broken;
            }
            default:
                return new byte[0];
        }
    }
}
