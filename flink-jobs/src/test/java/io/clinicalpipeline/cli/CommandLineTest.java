package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.lake.Lakehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line itself: parsing, defaults, help, usage errors. No command here runs a job. */
class CommandLineTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static RedisOptions redis(String... args) {
        RedisOptions options = new RedisOptions();
        new CommandLine(options).registerConverter(Duration.class, new Durations()).parseArgs(args);
        return options;
    }

    @Test
    void redisUriTakesPasswordAndTlsFromOptions() {
        assertEquals("redis://127.0.0.1:6379", redis().withCredentials("redis://127.0.0.1:6379"));
        assertEquals("rediss://default:s%3Acret%40@cache:6380/2",
                redis("--redis-password", "s:cret@", "--redis-tls").withCredentials("redis://cache:6380/2"));
        assertEquals("redis://feature-writer:pw@cache:6379", redis("--redis-password", "pw").withCredentials("redis://feature-writer@cache:6379"));
        assertEquals("redis://u:inline@cache:6379", redis().withCredentials("redis://u:inline@cache:6379"));
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofHours(6), Durations.parse("6h"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("90m"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("6"));
    }

    @Test
    void aUsageErrorExitsTwoAndNamesTheOption() {
        Run unknown = run("ingest", "--bootstrap", "k:9092", "--no-such-option");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--no-such-option"), unknown.err());
        assertTrue(unknown.err().contains("Usage: pipeline ingest"), "the command's own usage follows: " + unknown.err());

        Run badDuration = run("features", "training-set", "--horizon", "6");
        assertEquals(2, badDuration.exit());
        assertTrue(badDuration.err().contains("--horizon") && badDuration.err().contains("is not a duration"), badDuration.err());

        Run missing = run("reconcile");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--bootstrap"), missing.err());

        Run badEnum = run("silver", "--mode", "sometimes");
        assertEquals(2, badEnum.exit());
        assertTrue(badEnum.err().contains("--mode"), badEnum.err());

        assertEquals(2, run().exit(), "no command");
        assertEquals(2, run("features").exit(), "no features command");
    }

    @Test
    void helpShowsDefaultsAndACommandCanSetItsOwn() {
        Run ingest = run("ingest", "--help");
        assertEquals(0, ingest.exit());
        assertTrue(ingest.out().matches("(?s).*--checkpoint-interval=DURATION.*Default: 10s.*"), ingest.out());
        Run demo = run("demo", "--help");
        assertTrue(demo.out().matches("(?s).*--checkpoint-interval=DURATION.*Default: 2s.*"), demo.out());
        assertTrue(demo.out().matches("(?s).*--patients=N.*Default: 400.*"), demo.out());
        Run get = run("features", "get", "--help");
        assertTrue(get.out().contains("redis://127.0.0.1:6379"), get.out());
    }

    @Test
    void everyCommandIsListedAndHasHelp() {
        Run top = run("--help");
        assertEquals(0, top.exit());
        for (String command : new String[] {"demo", "generate", "ingest", "silver", "reconcile", "features", "train", "score",
                "online", "compact", "score-batch", "model", "sql", "bench"}) {
            assertTrue(top.out().contains("  " + command + " "), command + " in " + top.out());
            assertEquals(0, run(command, "--help").exit(), command);
        }
        for (String bench : new String[] {"ingest", "ingest-soak", "online", "state", "features", "train", "score"}) {
            assertEquals(0, run("bench", bench, "--help").exit(), bench);
        }
    }

    @Test
    void versionNamesTheProjectAndFlink() {
        Run version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().matches("clinical-pipeline \\S+ \\(Flink 1\\.20\\.0, Paimon \\S+\\)\\s*"), version.out());
    }

    @Test
    void hospitalFormatsAreChosenByNameAndTheirCodesExtendedByAFile(@TempDir Path dir) throws IOException {
        Run xml = run("generate", "--bootstrap", "k:9092", "--format", "xml");
        assertEquals(2, xml.exit());
        String error = xml.err().toLowerCase(java.util.Locale.ROOT);
        assertTrue(error.contains("json") && error.contains("fhir") && error.contains("hl7v2"), "the formats there are: " + error);
        assertTrue(run("demo", "--help").out().contains("--input-format"));

        CodeMappingOption codes = new CodeMappingOption();
        JobSettings settings = JobSettings.lakeOnly(new Lakehouse(dir.toString()), "db");
        assertSame(settings, codes.applyTo(settings), "without the option, the built-in mapping");
        assertNull(settings.codeMapping().observation("2339-0"));
        codes.file = Files.writeString(dir.resolve("codes.json"), "{\"observations\": {\"2339-0\": {\"kind\": \"labs\", "
                + "\"test\": \"glucose\", \"units\": {\"mg/dL\": \"mg/dL\"}}}}");
        assertEquals("glucose", codes.applyTo(settings).codeMapping().observation("2339-0").test());
    }
}
