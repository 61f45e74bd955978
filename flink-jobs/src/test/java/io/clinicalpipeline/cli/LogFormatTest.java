package io.clinicalpipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --log-format json} makes the launcher's logging one ECS JSON object per line; text stays key=value. */
class LogFormatTest {

    @AfterEach
    void backToText() {
        LogFormats.use(LogFormats.TEXT_APPENDER);
    }

    @Test
    void theOptionChoosesTheAppender() {
        Main.commandLine().parseArgs("--log-format", "json", "model", "list");
        assertEquals(LogFormats.JSON_APPENDER, System.getProperty("pipeline.log.appender"));
        Main.commandLine().parseArgs("model", "list", "--log-format", "text");
        assertEquals(LogFormats.TEXT_APPENDER, System.getProperty("pipeline.log.appender"));
    }

    @Test
    void theLaunchersJsonLogIsOneEcsObjectPerLine() throws Exception {
        System.setProperty("pipeline.log.appender", LogFormats.JSON_APPENDER);
        String line = logOneLine();
        JsonNode event = new ObjectMapper().readTree(line);
        assertEquals("INFO", event.path("log.level").asText(), line);
        assertEquals("event=probe records=3", event.path("message").asText(), line);
        assertEquals("io.clinicalpipeline.probe", event.path("log.logger").asText(), line);
        assertTrue(event.has("@timestamp") && event.has("process.thread.name") && event.has("ecs.version"), line);
    }

    @Test
    void theTextLogStaysKeyValue() throws Exception {
        System.setProperty("pipeline.log.appender", LogFormats.TEXT_APPENDER);
        String line = logOneLine();
        assertTrue(line.matches("ts=\\S+ level=INFO logger=probe thread=\"[^\"]+\" event=probe records=3"), line);
    }

    /** Loads the launcher's own log4j2.properties (tests run with log4j2-test) and logs one event at INFO. */
    private static String logOneLine() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext("log-format-test");
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context.setConfigLocation(LogFormatTest.class.getResource("/log4j2.properties").toURI());
            context.getLogger("io.clinicalpipeline.probe").info("event=probe records=3");
        } finally {
            context.stop();
            System.setErr(err);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(1, lines.length, captured.toString(StandardCharsets.UTF_8));
        return lines[0];
    }
}
