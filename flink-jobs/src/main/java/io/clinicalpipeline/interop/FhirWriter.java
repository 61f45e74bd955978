package io.clinicalpipeline.interop;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.clinicalpipeline.events.EventKind;
import org.hl7.fhir.r4.model.AdverseEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline's JSON events as FHIR R4, for the generator's {@code --format fhir}: a vitals set becomes a Bundle of
 * one Observation per sign (blood pressure as the 85354-9 panel), each naming the monitor as its device; a lab result
 * an Observation with the LOINC code of its unit; a medication a MedicationAdministration; a profile a Patient
 * (profile attributes FHIR has no element for as extensions of {@value #PROFILE}); an adverse event an AdverseEvent.
 * The source system travels in {@code meta.source}. {@link FhirTranslator} reads all of it back to the same events.
 */
public final class FhirWriter {

    static final String PROFILE = "http://clinicalpipeline.io/fhir/StructureDefinition/profile-attribute";
    static final String DRUG_CLASS = "http://clinicalpipeline.io/fhir/drug-class";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final Set<String> PATIENT_ELEMENTS = Set.of("event_id", "patient_id", "source_id", "event_time", "age",
            "gender");

    private final CodeMapping mapping;
    private final IParser parser = FhirContext.forR4Cached().newJsonParser();

    public FhirWriter(CodeMapping mapping) {
        this.mapping = mapping;
    }

    public byte[] write(EventKind kind, JsonNode e) {
        Resource resource = switch (kind) {
            case VITALS -> vitals(e);
            case LABS -> lab(e);
            case MEDICATIONS -> medication(e);
            case PATIENTS -> profile(e);
            case ADVERSE_EVENTS -> adverseEvent(e);
        };
        return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    }

    private Bundle vitals(JsonNode e) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        String device = e.path("device_id").asText();
        addVital(bundle, e, device, "heart_rate", "8867-4", "/min");
        addVital(bundle, e, device, "respiratory_rate", "9279-1", "/min");
        addVital(bundle, e, device, "spo2", "2708-6", "%");
        if (e.hasNonNull("temperature")) {
            addVital(bundle, e, device, "temperature", "8310-5", "F".equalsIgnoreCase(e.path("temperature_unit").asText())
                    ? "[degF]" : "Cel");
        }
        if (e.hasNonNull("systolic_bp") || e.hasNonNull("diastolic_bp")) {
            Observation bp = observation(e, "85354-9", device);
            for (String[] part : new String[][] {{"systolic_bp", "8480-6"}, {"diastolic_bp", "8462-4"}}) {
                if (e.hasNonNull(part[0])) {
                    bp.addComponent().setCode(loinc(part[1])).setValue(quantity(e.get(part[0]).asDouble(), "mm[Hg]"));
                }
            }
            bundle.addEntry().setResource(bp);
        }
        if (e.hasNonNull("supplemental_oxygen")) {
            // FiO2: room air is 21%; the flag becomes an oxygen concentration the mapping reads back as above 21.
            bundle.addEntry().setResource(observation(e, "3150-0", device)
                    .setValue(quantity(e.get("supplemental_oxygen").asBoolean() ? 28 : 21, "%")));
        }
        if (e.hasNonNull("consciousness")) {
            bundle.addEntry().setResource(observation(e, "67775-7", device)
                    .setValue(coded(null, e.get("consciousness").asText())));
        }
        return bundle;
    }

    private void addVital(Bundle bundle, JsonNode e, String device, String field, String loinc, String ucum) {
        if (e.hasNonNull(field)) {
            bundle.addEntry().setResource(observation(e, loinc, device).setValue(quantity(e.get(field).asDouble(), ucum)));
        }
    }

    private Observation lab(JsonNode e) {
        CodeMapping.LabCode code = mapping.labCode(e.path("test").asText(), e.path("unit").asText());
        return observation(e, code.loinc(), null).setValue(quantity(e.path("value").asDouble(), code.ucum()));
    }

    private static MedicationAdministration medication(JsonNode e) {
        MedicationAdministration m = new MedicationAdministration();
        header(m, e);
        m.setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED);
        m.setSubject(subject(e)).setEffective(time(e));
        CodeableConcept drug = new CodeableConcept().setText(e.path("drug").asText());
        if (e.hasNonNull("drug_class")) {
            drug.addCoding().setSystem(DRUG_CLASS).setCode(e.get("drug_class").asText());
        }
        m.setMedication(drug);
        MedicationAdministration.MedicationAdministrationDosageComponent dosage = m.getDosage();
        if (e.hasNonNull("dose")) {
            dosage.setDose((SimpleQuantity) new SimpleQuantity().setValue(e.get("dose").asDouble())
                    .setUnit(e.path("dose_unit").asText()));
        }
        if (e.hasNonNull("route")) {
            dosage.setRoute(new CodeableConcept().setText(e.get("route").asText()));
        }
        return m;
    }

    private static Patient profile(JsonNode e) {
        Patient p = new Patient();
        p.setId(e.path("patient_id").asText());
        header(p, e);
        Instant at = Instant.parse(e.path("event_time").asText());
        p.getMeta().setLastUpdated(Date.from(at));
        if (e.hasNonNull("age")) {
            // The birth date that makes the age on the event's day what it was.
            p.setBirthDateElement(new DateType(at.atZone(ZoneOffset.UTC).toLocalDate().minusYears(e.get("age").asLong())
                    .toString()));
        }
        if (e.hasNonNull("gender")) {
            p.setGender(Enumerations.AdministrativeGender.fromCode(e.get("gender").asText().toLowerCase(Locale.ROOT)));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (PATIENT_ELEMENTS.contains(f.getKey()) || f.getValue().isNull()) {
                continue;
            }
            JsonNode v = f.getValue();
            Extension attribute = p.addExtension().setUrl(PROFILE);
            attribute.addExtension("name", new StringType(f.getKey()));
            attribute.addExtension("value", v.isIntegralNumber() ? new IntegerType(v.asInt()) : v.isNumber()
                    ? new DecimalType(v.decimalValue()) : v.isBoolean() ? new BooleanType(v.asBoolean()) : new StringType(v.asText()));
        }
        return p;
    }

    private static AdverseEvent adverseEvent(JsonNode e) {
        AdverseEvent a = new AdverseEvent();
        header(a, e);
        a.setActuality(AdverseEvent.AdverseEventActuality.ACTUAL);
        a.setSubject(subject(e));
        a.setDateElement(new DateTimeType(e.path("event_time").asText()));
        a.setEvent(new CodeableConcept().setText(e.path("event_type").asText()));
        if (e.hasNonNull("severity")) {
            a.setSeverity(coded(null, e.get("severity").asText()));
        }
        return a;
    }

    private Observation observation(JsonNode e, String loinc, String device) {
        Observation o = new Observation();
        header(o, e);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(loinc(loinc)).setSubject(subject(e)).setEffective(time(e));
        if (device != null) {
            o.setDevice(new Reference("Device/" + device));
        }
        return o;
    }

    /** The event id as the resource's identifier, and the source system in {@code meta.source}. */
    private static void header(DomainResource r, JsonNode e) {
        if (e.hasNonNull("event_id")) {
            if (r instanceof Observation o) {
                o.addIdentifier().setValue(e.get("event_id").asText());
            } else if (r instanceof MedicationAdministration m) {
                m.addIdentifier().setValue(e.get("event_id").asText());
            } else if (r instanceof AdverseEvent a) {
                a.setIdentifier(new Identifier().setValue(e.get("event_id").asText()));
            } else if (r instanceof Patient p) {
                p.addIdentifier().setSystem(FhirTranslator.EVENT_ID).setValue(e.get("event_id").asText());
            }
        }
        if (e.hasNonNull("source_id")) {
            r.getMeta().setSource(e.get("source_id").asText());
        }
    }

    private static Reference subject(JsonNode e) {
        return new Reference("Patient/" + e.path("patient_id").asText());
    }

    private static DateTimeType time(JsonNode e) {
        return new DateTimeType(e.path("event_time").asText());
    }

    private static CodeableConcept loinc(String code) {
        return coded(FhirTranslator.LOINC, code);
    }

    private static CodeableConcept coded(String system, String code) {
        CodeableConcept c = new CodeableConcept();
        c.addCoding().setSystem(system).setCode(code);
        return c;
    }

    private static Quantity quantity(double value, String ucum) {
        return new Quantity().setValue(value).setSystem(UCUM).setCode(ucum);
    }
}
