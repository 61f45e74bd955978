package io.clinicalpipeline.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratedEvent;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.silver.ParseOutcome;
import io.clinicalpipeline.silver.SilverRules;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's events written as FHIR or HL7 v2 and read back give the silver rows the JSON gives, row for row. */
class FormatEquivalenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyValidEventOfASimulatedWardMakesTheSameSilverRowInEveryFormat() throws IOException {
        CodeMapping mapping = CodeMapping.builtIn();
        FhirWriter writer = new FhirWriter(mapping);
        FhirTranslator translator = new FhirTranslator(mapping);
        Hl7v2Writer hl7Writer = new Hl7v2Writer(mapping);
        Hl7v2Translator hl7 = new Hl7v2Translator(mapping);
        SilverRules rules = new SilverRules();
        Map<EventKind, Integer> compared = new EnumMap<>(EventKind.class);
        int hl7Compared = 0;
        EventGenerator events = new EventGenerator(GeneratorConfig.defaults(40, Duration.ofHours(8), 5));
        while (events.hasNext()) {
            GeneratedEvent e = events.next();
            if (!(rules.apply(e.kind(), e.value(), e.sendTimeMillis()) instanceof ParseOutcome.Valid fromJson)) {
                continue;
            }
            JsonNode event = JSON.readTree(e.value());
            Instant received = Instant.ofEpochMilli(e.sendTimeMillis());
            byte[] fhir = writer.write(e.kind(), event);
            assertEquals(fromJson.row(), silverRow(translator.translate(fhir, received), e, rules), event + "\n  as FHIR: "
                    + new String(fhir, StandardCharsets.UTF_8));
            compared.merge(e.kind(), 1, Integer::sum);
            if (Hl7v2Writer.writes(e.kind())) {
                byte[] v2 = hl7Writer.write(e.kind(), event);
                assertEquals(fromJson.row(), silverRow(hl7.translate(v2, received), e, rules), event + "\n  as HL7 v2: "
                        + new String(v2, StandardCharsets.UTF_8).replace('\r', '\n'));
                hl7Compared++;
            }
        }
        for (EventKind kind : EventKind.values()) {
            assertTrue(compared.getOrDefault(kind, 0) > 0, "some " + kind + " compared: " + compared);
        }
        assertEquals(compared.get(EventKind.VITALS) + compared.get(EventKind.LABS), hl7Compared, "every vitals set and lab");
    }

    private static org.apache.flink.types.Row silverRow(Translation t, GeneratedEvent e, SilverRules rules) throws IOException {
        Translation.Mapped mapped = assertInstanceOf(Translation.Mapped.class, t);
        assertEquals(List.of(), mapped.unmapped());
        assertEquals(1, mapped.events().size(), "one event back: " + mapped);
        Translation.Event back = mapped.events().get(0);
        assertEquals(e.kind(), back.kind());
        ParseOutcome outcome = rules.apply(back.kind(), JSON.writeValueAsBytes(back.payload()), e.sendTimeMillis());
        return assertInstanceOf(ParseOutcome.Valid.class, outcome, back.payload().toString()).row();
    }
}
