package io.clinicalpipeline.interop;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AdverseEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * FHIR R4 JSON, parsed with HAPI, into the pipeline's events: {@code Observation}s coded with LOINC (a panel's
 * components each on their own), {@code MedicationAdministration}, {@code Patient}, {@code Encounter} (the ward) and
 * {@code Bundle}s of these. Not thread-safe (HAPI's parser is not): one per operator instance.
 */
public final class FhirTranslator implements MessageTranslator {

    static final String LOINC = "http://loinc.org";
    static final String UNSUPPORTED_RESOURCE = "UNSUPPORTED_RESOURCE";
    static final String NO_PATIENT = "NO_PATIENT";
    static final String NO_TIME = "NO_TIME";
    private static final String SOURCE = "fhir";
    /** The identifier system under which a Patient carries the profile event's id. */
    static final String EVENT_ID = "urn:clinicalpipeline:event-id";

    private final CodeMapping mapping;
    private final IParser parser;

    public FhirTranslator(CodeMapping mapping) {
        this.mapping = mapping;
        this.parser = FhirContext.forR4Cached().newJsonParser();
    }

    /** @param receivedAt when Kafka received the message: the time of a resource that carries none (a Patient) */
    @Override
    public Translation translate(byte[] payload, Instant receivedAt) {
        if (payload == null || payload.length == 0) {
            return new Translation.Unreadable("EMPTY_PAYLOAD", "the Kafka record has no value");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return new Translation.Unreadable("NOT_UTF8", "FHIR JSON must be UTF-8: " + e.getMessage());
        }
        if (!text.stripLeading().startsWith("{")) {
            return new Translation.Unreadable("NOT_FHIR_JSON", "expected a FHIR resource as a JSON object; got "
                    + (text.stripLeading().startsWith("<") ? "XML" : "'" + abbreviate(text) + "'"));
        }
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException e) {
            return new Translation.Unreadable("MALFORMED_FHIR", firstLine(e.getMessage()));
        }
        Readings out = new Readings(mapping);
        add((Resource) resource, receivedAt, out);
        return out.result();
    }

    private void add(Resource resource, Instant receivedAt, Readings out) {
        if (resource instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource()) {
                    add(entry.getResource(), receivedAt, out);
                }
            }
        } else if (resource instanceof Observation o) {
            observation(o, out);
        } else if (resource instanceof MedicationAdministration m) {
            medication(m, out);
        } else if (resource instanceof Patient p) {
            patient(p, receivedAt, out);
        } else if (resource instanceof Encounter e) {
            encounter(e, receivedAt, out);
        } else if (resource instanceof AdverseEvent a) {
            adverseEvent(a, out);
        } else {
            out.unmapped(UNSUPPORTED_RESOURCE, "a " + resource.fhirType() + " resource; the pipeline takes Observation, "
                    + "MedicationAdministration, Patient, Encounter, AdverseEvent and Bundles of them", null, null);
        }
    }

    private void observation(Observation o, Readings out) {
        String patient = patientOf(o.getSubject());
        Instant time = o.hasEffectiveDateTimeType() ? instant(o.getEffectiveDateTimeType())
                : o.hasEffectivePeriod() && o.getEffectivePeriod().hasStart() ? o.getEffectivePeriod().getStart().toInstant()
                : o.hasIssued() ? o.getIssued().toInstant() : null;
        String loinc = loinc(o.getCode());
        if (patient == null || time == null) {
            out.unmapped(patient == null ? NO_PATIENT : NO_TIME, "Observation " + o.getIdPart() + " (LOINC " + loinc
                    + ") has no " + (patient == null ? "Patient subject" : "effective time"), patient, time);
            return;
        }
        String source = o.hasDevice() ? idOf(o.getDevice()) : o.getMeta().hasSource() ? o.getMeta().getSource() : null;
        String eventId = o.hasIdentifier() ? o.getIdentifierFirstRep().getValue() : null;
        if (loinc != null && mapping.isPanel(loinc)) {
            if (!o.hasComponent()) {
                out.unmapped(Readings.NO_VALUE, "panel LOINC " + loinc + " has no components (members referenced by "
                        + "hasMember arrive as their own Observations)", patient, time);
            }
            for (Observation.ObservationComponentComponent c : o.getComponent()) {
                out.add(reading(patient, time, source != null ? source : SOURCE, eventId, loinc(c.getCode()), c.getValue()));
            }
            return;
        }
        if (loinc == null) {
            out.unmapped(Readings.UNMAPPED_CODE, "Observation " + o.getIdPart() + " has no LOINC coding", patient, time);
            return;
        }
        out.add(reading(patient, time, source != null ? source : SOURCE + "/" + loinc, eventId, loinc, o.getValue()));
    }

    private static Readings.Reading reading(String patient, Instant time, String source, String eventId, String loinc,
                                            Type value) {
        Double number = null;
        String unit = null;
        String code = null;
        if (value instanceof Quantity q && q.hasValue()) {
            number = q.getValue().doubleValue();
            unit = q.hasCode() ? q.getCode() : q.getUnit();
        } else if (value instanceof CodeableConcept cc) {
            code = cc.hasCoding() ? cc.getCodingFirstRep().getCode() : cc.getText();
        } else if (value instanceof StringType s) {
            code = s.getValue();
        }
        return new Readings.Reading(patient, time, source, eventId, loinc == null ? "(none)" : loinc, number, unit, code);
    }

    private static void medication(MedicationAdministration m, Readings out) {
        String patient = patientOf(m.getSubject());
        Instant time = m.hasEffectiveDateTimeType() ? instant(m.getEffectiveDateTimeType())
                : m.hasEffectivePeriod() && m.getEffectivePeriod().hasStart() ? m.getEffectivePeriod().getStart().toInstant()
                : null;
        if (patient == null || time == null) {
            out.unmapped(patient == null ? NO_PATIENT : NO_TIME, "MedicationAdministration " + m.getIdPart() + " has no "
                    + (patient == null ? "Patient subject" : "effective time"), patient, time);
            return;
        }
        if (!m.hasMedicationCodeableConcept()) {
            out.unmapped(Readings.UNMAPPED_CODE, "MedicationAdministration " + m.getIdPart() + " names no medication "
                    + "code (a referenced Medication is not resolved)", patient, time);
            return;
        }
        CodeableConcept drug = m.getMedicationCodeableConcept();
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("patient_id", patient);
        e.put("event_time", time.toString());
        e.put("source_id", m.hasPerformer() ? idOf(m.getPerformerFirstRep().getActor()) : sourceOf(m));
        if (m.hasIdentifier()) {
            e.put("event_id", m.getIdentifierFirstRep().getValue());
        }
        e.put("drug", drug.hasText() ? drug.getText() : drug.getCodingFirstRep().getDisplay());
        for (Coding c : drug.getCoding()) {
            if (c.hasSystem() && c.getSystem().endsWith("/drug-class")) {
                e.put("drug_class", c.getCode());
            }
        }
        if (m.hasDosage()) {
            MedicationAdministration.MedicationAdministrationDosageComponent d = m.getDosage();
            if (d.hasDose() && d.getDose().hasValue()) {
                e.put("dose", d.getDose().getValue().doubleValue());
                e.put("dose_unit", d.getDose().hasUnit() ? d.getDose().getUnit() : d.getDose().getCode());
            }
            if (d.hasRoute()) {
                e.put("route", d.getRoute().hasText() ? d.getRoute().getText() : d.getRoute().getCodingFirstRep().getCode());
            }
        }
        out.event(EventKind.MEDICATIONS, e);
    }

    private static void patient(Patient p, Instant receivedAt, Readings out) {
        Instant time = p.getMeta().hasLastUpdated() ? p.getMeta().getLastUpdated().toInstant() : receivedAt;
        ObjectNode e = header(p.getIdPart(), time, sourceOf(p));
        for (Identifier id : p.getIdentifier()) {
            if (EVENT_ID.equals(id.getSystem())) {
                e.put("event_id", id.getValue());
            }
        }
        for (Extension attribute : p.getExtensionsByUrl(FhirWriter.PROFILE)) {
            Extension name = attribute.getExtensionByUrl("name");
            Extension value = attribute.getExtensionByUrl("value");
            if (name != null && value != null && value.getValue() instanceof PrimitiveType<?> v) {
                String field = name.getValue().primitiveValue();
                if (v instanceof IntegerType i) {
                    e.put(field, i.getValue());
                } else if (v instanceof DecimalType d) {
                    e.put(field, d.getValue());
                } else if (v instanceof BooleanType b) {
                    e.put(field, b.getValue());
                } else {
                    e.put(field, v.primitiveValue());
                }
            }
        }
        if (p.hasBirthDate()) {
            e.put("age", ChronoUnit.YEARS.between(p.getBirthDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate(),
                    time.atZone(ZoneOffset.UTC).toLocalDate()));
        }
        if (p.hasGender() && p.getGender() != Enumerations.AdministrativeGender.UNKNOWN) {
            String g = p.getGender().toCode();
            e.put("gender", g.substring(0, 1).toUpperCase(Locale.ROOT) + g.substring(1));
        }
        out.event(EventKind.PATIENTS, e);
    }

    private static void encounter(Encounter enc, Instant receivedAt, Readings out) {
        String patient = patientOf(enc.getSubject());
        Instant time = enc.hasPeriod() && enc.getPeriod().hasStart() ? enc.getPeriod().getStart().toInstant() : receivedAt;
        if (patient == null) {
            out.unmapped(NO_PATIENT, "Encounter " + enc.getIdPart() + " has no Patient subject", null, time);
            return;
        }
        if (!enc.hasLocation()) {
            out.unmapped(Readings.NO_VALUE, "Encounter " + enc.getIdPart() + " names no location (the ward)", patient, time);
            return;
        }
        Reference location = enc.getLocationFirstRep().getLocation();
        ObjectNode e = header(patient, time, sourceOf(enc));
        e.put("ward", (location.hasDisplay() ? location.getDisplay() : idOf(location)).toLowerCase(Locale.ROOT));
        out.event(EventKind.PATIENTS, e);
    }

    private static void adverseEvent(AdverseEvent a, Readings out) {
        String patient = patientOf(a.getSubject());
        Instant time = a.hasDate() ? instant(a.getDateElement()) : null;
        if (patient == null || time == null || !a.hasEvent()) {
            out.unmapped(patient == null ? NO_PATIENT : time == null ? NO_TIME : Readings.UNMAPPED_CODE, "AdverseEvent "
                    + a.getIdPart() + " has no " + (patient == null ? "Patient subject" : time == null ? "date" : "event"),
                    patient, time);
            return;
        }
        ObjectNode e = header(patient, time, sourceOf(a));
        if (a.hasIdentifier()) {
            e.put("event_id", a.getIdentifier().getValue());
        }
        CodeableConcept event = a.getEvent();
        e.put("event_type", event.hasText() ? event.getText() : event.getCodingFirstRep().getCode());
        if (a.hasSeverity()) {
            e.put("severity", a.getSeverity().hasCoding() ? a.getSeverity().getCodingFirstRep().getCode()
                    : a.getSeverity().getText());
        }
        out.event(EventKind.ADVERSE_EVENTS, e);
    }

    /** The header every event but a vitals set has; the source id is the field the silver rules read. */
    private static ObjectNode header(String patient, Instant time, String source) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("patient_id", patient);
        e.put("event_time", time.toString());
        e.put("source_id", source);
        return e;
    }

    /** The system that sent the resource ({@code meta.source}), else "fhir". */
    private static String sourceOf(Resource r) {
        return r.getMeta().hasSource() ? r.getMeta().getSource() : SOURCE;
    }

    private static String loinc(CodeableConcept code) {
        for (Coding c : code.getCoding()) {
            if (LOINC.equals(c.getSystem()) && c.hasCode()) {
                return c.getCode();
            }
        }
        return null;
    }

    /** A Patient reference's id ({@code Patient/123} → 123), or its identifier; null if it is no patient. */
    private static String patientOf(Reference subject) {
        if (subject.hasReference()) {
            String ref = subject.getReference();
            return ref.startsWith("Patient/") ? ref.substring("Patient/".length()) : null;
        }
        return subject.hasIdentifier() ? subject.getIdentifier().getValue() : null;
    }

    private static String idOf(Reference r) {
        if (r.hasReference()) {
            String ref = r.getReference();
            return ref.substring(ref.lastIndexOf('/') + 1);
        }
        return r.hasIdentifier() ? r.getIdentifier().getValue() : r.hasDisplay() ? r.getDisplay() : SOURCE;
    }

    /** A date-time; a date alone (1999-07-02) is its day's start in UTC. */
    private static Instant instant(DateTimeType t) {
        if (t.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
            int month = t.getPrecision() == TemporalPrecisionEnum.YEAR ? 1 : t.getMonth() + 1;
            int day = t.getPrecision() == TemporalPrecisionEnum.DAY ? t.getDay() : 1;
            return LocalDate.of(t.getYear(), month, day).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return t.getValue().toInstant();
    }

    private static String abbreviate(String s) {
        String line = s.strip();
        return line.length() > 40 ? line.substring(0, 40) + "…" : line;
    }

    private static String firstLine(String s) {
        return s == null ? "unreadable FHIR" : s.lines().findFirst().orElse(s);
    }
}
