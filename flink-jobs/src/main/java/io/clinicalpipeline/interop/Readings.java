package io.clinicalpipeline.interop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Coded readings, from whichever format, into the pipeline's events: the vital signs of one patient, time and device
 * in one message become one vitals set (as a monitor or a charted round sends them), each lab result its own event.
 * What the {@link CodeMapping} does not know is kept as {@link Translation.Unmapped} with its reason.
 */
final class Readings {

    /** A reading's value: a quantity with its UCUM unit, or a code (AVPU). */
    record Reading(String patientId, Instant time, String source, String eventId, String loinc, Double value,
                   String unit, String code) {}

    static final String UNMAPPED_CODE = "UNMAPPED_CODE";
    static final String UNMAPPED_UNIT = "UNMAPPED_UNIT";
    static final String NO_VALUE = "NO_VALUE";
    static final String EMPTY_MESSAGE = "EMPTY_MESSAGE";

    private final CodeMapping mapping;
    private final Map<List<Object>, ObjectNode> vitals = new LinkedHashMap<>();
    private final List<Translation.Event> events = new ArrayList<>();
    private final List<Translation.Unmapped> unmapped = new ArrayList<>();

    Readings(CodeMapping mapping) {
        this.mapping = mapping;
    }

    void add(Reading r) {
        CodeMapping.Code code = mapping.observation(r.loinc());
        if (code == null) {
            unmapped(UNMAPPED_CODE, "LOINC " + r.loinc() + " is not in the code mapping", r);
            return;
        }
        if (code.coded() ? r.code() == null : r.value() == null) {
            unmapped(NO_VALUE, "LOINC " + r.loinc() + " arrived without " + (code.coded() ? "a coded value" : "a quantity"), r);
            return;
        }
        String unit = null;
        if (!code.coded()) {
            unit = code.units().get(r.unit());
            if (unit == null) {
                unmapped(UNMAPPED_UNIT, "unit '" + r.unit() + "' of LOINC " + r.loinc() + " is not one of "
                        + code.units().keySet(), r);
                return;
            }
        }
        if (code.kind() == EventKind.LABS) {
            ObjectNode lab = header(r, "source_id");
            lab.put("test", code.test());
            lab.put("value", r.value());
            lab.put("unit", unit);
            events.add(new Translation.Event(EventKind.LABS, lab));
            return;
        }
        ObjectNode set = vitals.computeIfAbsent(List.of(r.patientId(), r.time(), r.source()), k -> header(r, "device_id"));
        if (code.coded()) {
            set.put(code.field(), r.code().trim().toUpperCase(Locale.ROOT));
        } else if (code.trueAbove() != null) {
            set.put(code.field(), r.value() > code.trueAbove());
        } else {
            set.put(code.field(), r.value());
            if (!unit.isEmpty()) {
                set.put(code.field() + "_unit", unit);
            }
        }
    }

    void unmapped(String reasonCode, String reason, String patientId, Instant time) {
        unmapped.add(new Translation.Unmapped(reasonCode, reason, patientId, time));
    }

    void event(EventKind kind, ObjectNode payload) {
        events.add(new Translation.Event(kind, payload));
    }

    private void unmapped(String reasonCode, String reason, Reading r) {
        unmapped(reasonCode, reason, r.patientId(), r.time());
    }

    private static ObjectNode header(Reading r, String sourceField) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("patient_id", r.patientId());
        e.put("event_time", r.time().toString());
        e.put(sourceField, r.source());
        if (r.eventId() != null) {
            e.put("event_id", r.eventId());
        }
        return e;
    }

    /** Never empty: a message with nothing in it (an empty Bundle, an ORU without OBX) is itself one unmapped item. */
    Translation.Mapped result() {
        List<Translation.Event> all = new ArrayList<>();
        vitals.values().forEach(v -> all.add(new Translation.Event(EventKind.VITALS, v)));
        all.addAll(events);
        if (all.isEmpty() && unmapped.isEmpty()) {
            unmapped(EMPTY_MESSAGE, "the message holds no observation, patient or other entry the pipeline takes", null, null);
        }
        return new Translation.Mapped(all, unmapped);
    }
}
