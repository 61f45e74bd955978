package io.clinicalpipeline.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.silver.ParseOutcome;
import io.clinicalpipeline.silver.SilverRules;
import org.apache.flink.types.Row;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A translated event through the silver rules, as the silver job applies them: it must come out valid. */
final class SilverRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SilverRules RULES = new SilverRules();

    private SilverRows() {}

    static Row valid(Translation.Event e, Instant received) {
        try {
            byte[] json = JSON.writeValueAsBytes(e.payload());
            ParseOutcome outcome = RULES.apply(e.kind(), json, received.toEpochMilli());
            return assertInstanceOf(ParseOutcome.Valid.class, outcome, new String(json, StandardCharsets.UTF_8)).row();
        } catch (JsonProcessingException ex) {
            throw new AssertionError(ex);
        }
    }
}
