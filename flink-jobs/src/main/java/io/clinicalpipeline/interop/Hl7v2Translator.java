package io.clinicalpipeline.interop;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 messages, parsed with HAPI as v2.5.1 whatever version they declare (later versions add, rarely change, the
 * fields read here): ORU^R01 observations, one {@code OBX} per reading coded with LOINC ({@code LN}), and
 * ADT^A01/A08 admissions and updates of the patient (age, sex, ward). Not thread-safe: one per operator instance.
 */
public final class Hl7v2Translator implements MessageTranslator {

    static final String UNSUPPORTED_MESSAGE = "UNSUPPORTED_MESSAGE";
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.(\\d{1,4}))?([+-]\\d{4})?");

    private final CodeMapping mapping;
    private final HapiContext context;
    private final PipeParser parser;

    public Hl7v2Translator(CodeMapping mapping) {
        this.mapping = mapping;
        context = new DefaultHapiContext();
        context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        // The silver rules validate values; HAPI's own checks would dead-letter what quarantine should keep.
        context.setValidationContext(ValidationContextFactory.noValidation());
        parser = context.getPipeParser();
    }

    @Override
    public Translation translate(byte[] payload, Instant receivedAt) {
        if (payload == null || payload.length == 0) {
            return new Translation.Unreadable("EMPTY_PAYLOAD", "the Kafka record has no value");
        }
        String text = decode(payload);
        if (text == null) {
            return new Translation.Unreadable("WRONG_ENCODING", "the message is neither UTF-8 nor declares ISO 8859/1 in MSH-18");
        }
        text = text.strip().replace("\r\n", "\r").replace('\n', '\r');
        if (!text.startsWith("MSH")) {
            return new Translation.Unreadable("NOT_HL7V2", "an HL7 v2 message starts with an MSH segment; got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
        }
        Message message;
        try {
            message = parser.parse(text);
        } catch (HL7Exception e) {
            return new Translation.Unreadable("MALFORMED_HL7V2", e.getMessage().lines().findFirst().orElse("unreadable"));
        }
        Readings out = new Readings(mapping);
        try {
            if (message instanceof ORU_R01 oru) {
                observations(oru, out);
            } else if (message instanceof ADT_A01 adt) {
                admission(adt, receivedAt, out);
            } else {
                MSH msh = (MSH) message.get("MSH");
                out.unmapped(UNSUPPORTED_MESSAGE, "a " + msh.getMessageType().encode() + " message; the pipeline takes "
                        + "ORU^R01 and ADT^A01/A08", null, null);
            }
        } catch (HL7Exception | IllegalArgumentException e) {
            return new Translation.Unreadable("MALFORMED_HL7V2", String.valueOf(e.getMessage()).lines().findFirst()
                    .orElse("unreadable"));
        }
        return out.result();
    }

    private static void observations(ORU_R01 oru, Readings out) throws HL7Exception {
        String source = oru.getMSH().getSendingApplication().getNamespaceID().getValue();
        String eventId = oru.getMSH().getMessageControlID().getValue();
        for (ORU_R01_PATIENT_RESULT result : oru.getPATIENT_RESULTAll()) {
            String patient = result.getPATIENT().getPID().getPatientIdentifierList(0).getIDNumber().getValue();
            for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
                Instant orderTime = time(order.getOBR().getObservationDateTime().getTime().getValue());
                for (ORU_R01_OBSERVATION observation : order.getOBSERVATIONAll()) {
                    observation(observation.getOBX(), patient, orderTime, source, eventId, out);
                }
            }
        }
    }

    /** One OBX as a reading: its own time (OBX-14) or the order's, its device (OBX-18) or the sending system. */
    private static void observation(OBX obx, String patient, Instant orderTime, String source, String eventId, Readings out)
            throws HL7Exception {
        Instant time = obx.getDateTimeOfTheObservation().getTime().getValue() != null
                ? time(obx.getDateTimeOfTheObservation().getTime().getValue()) : orderTime;
        CE code = obx.getObservationIdentifier();
        String loinc = "LN".equals(code.getNameOfCodingSystem().getValue()) ? code.getIdentifier().getValue()
                : "LN".equals(code.getNameOfAlternateCodingSystem().getValue()) ? code.getAlternateIdentifier().getValue()
                : null;
        if (patient == null || time == null || loinc == null) {
            out.unmapped(patient == null ? FhirTranslator.NO_PATIENT : time == null ? FhirTranslator.NO_TIME
                    : Readings.UNMAPPED_CODE, "OBX " + obx.getSetIDOBX().getValue() + " has no "
                    + (patient == null ? "patient (PID-3)" : time == null ? "time (OBX-14, OBR-7)"
                    : "LOINC code (OBX-3 coding system LN)"), patient, time);
            return;
        }
        String device = obx.getEquipmentInstanceIdentifier().length > 0
                ? obx.getEquipmentInstanceIdentifier(0).getEntityIdentifier().getValue() : null;
        Varies[] values = obx.getObservationValue();
        String raw = values.length == 0 ? null : values[0].encode();
        Double number = null;
        String coded = null;
        if (raw != null && !raw.isBlank()) {
            String type = obx.getValueType().getValue();
            if ("NM".equals(type) || "SN".equals(type)) {
                number = Double.valueOf(raw.replace("^", "").trim());
            } else {
                coded = raw.split("\\^", -1)[0];
            }
        }
        out.add(new Readings.Reading(patient, time, device != null ? device : source, eventId, loinc, number,
                obx.getUnits().getIdentifier().getValue(), coded));
    }

    private static void admission(ADT_A01 adt, Instant receivedAt, Readings out) throws HL7Exception {
        PID pid = adt.getPID();
        String patient = pid.getPatientIdentifierList(0).getIDNumber().getValue();
        String recorded = adt.getEVN().getRecordedDateTime().getTime().getValue();
        Instant time = recorded != null ? time(recorded) : adt.getMSH().getDateTimeOfMessage().getTime().getValue() != null
                ? time(adt.getMSH().getDateTimeOfMessage().getTime().getValue()) : receivedAt;
        if (patient == null) {
            out.unmapped(FhirTranslator.NO_PATIENT, "the ADT message names no patient (PID-3)", null, time);
            return;
        }
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("patient_id", patient);
        e.put("event_time", time.toString());
        e.put("source_id", adt.getMSH().getSendingApplication().getNamespaceID().getValue());
        String born = pid.getDateTimeOfBirth().getTime().getValue();
        if (born != null) {
            LocalDate birth = LocalDateTime.ofInstant(time(born), ZoneOffset.UTC).toLocalDate();
            e.put("age", ChronoUnit.YEARS.between(birth, time.atZone(ZoneOffset.UTC).toLocalDate()));
        }
        String sex = pid.getAdministrativeSex().getValue();
        if ("M".equals(sex) || "F".equals(sex)) {
            e.put("gender", sex.equals("M") ? "Male" : "Female");
        }
        String ward = adt.getPV1().getAssignedPatientLocation().getPointOfCare().getValue();
        if (ward != null) {
            e.put("ward", ward.toLowerCase(Locale.ROOT));
        }
        out.event(EventKind.PATIENTS, e);
    }

    /** An HL7 v2 DTM: {@code YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]}; without an offset, UTC. */
    static Instant time(String dtm) {
        if (dtm == null) {
            return null;
        }
        Matcher m = TIMESTAMP.matcher(dtm.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + dtm + "' is not an HL7 v2 date/time (YYYYMMDDHHMMSS[+ZZZZ])");
        }
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), part(m.group(2), 1), part(m.group(3), 1),
                    part(m.group(4), 0), part(m.group(5), 0), part(m.group(6), 0));
            if (m.group(7) != null) {
                local = local.plusNanos((long) (Double.parseDouble("0." + m.group(7)) * 1e9));
            }
            ZoneOffset offset = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(8).substring(0, 3) + ":"
                    + m.group(8).substring(3));
            return local.toInstant(offset);
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + dtm + "' is not a valid HL7 v2 date/time: " + e.getMessage());
        }
    }

    private static int part(String digits, int missing) {
        return digits == null ? missing : Integer.parseInt(digits);
    }

    /** UTF-8 when the bytes are; ISO 8859-1 when MSH-18 declares it. */
    private static String decode(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            String latin = new String(payload, StandardCharsets.ISO_8859_1);
            String msh = latin.lines().findFirst().orElse("");
            return msh.startsWith("MSH") && msh.contains("8859/1") ? latin : null;
        }
    }

    @Override
    public void close() throws IOException {
        context.close();
    }
}
