package io.clinicalpipeline.it;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.MessageFormat;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.generator.InputFormat;
import io.clinicalpipeline.generator.Workloads;
import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.reconcile.Reconciler;
import io.clinicalpipeline.reconcile.TopicAccount;
import io.clinicalpipeline.runtime.LocalRuntime;
import io.clinicalpipeline.silver.SilverJob;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One simulated ward sent three times, as the pipeline's JSON, as FHIR R4, and as HL7 v2 with FHIR for what v2 does not
 * carry, each through a bounded ingest, the silver job and the batch feature job into a database of its own: the silver
 * rows (but for their lineage) and the feature rows must be identical, and every message accounted for.
 * The workload's faults are those every format can express: duplicates, out-of-order and late sends, impossible values.
 */
class HospitalFormatsIT {

    /** Half the patients deteriorate, so that medications and adverse events are there to compare too. */
    private static final GeneratorConfig WARD = new GeneratorConfig(20, Duration.ofHours(8), 23, GeneratorConfig.DEFAULT_START,
            0.02, 0.02, 0.01, 0.01, 0, 0, 0.1, 0.5, null, 1);
    /** Where a silver row came from, which differs by format by design. */
    private static final Set<String> LINEAGE = Set.of("topic", "kafka_partition", "kafka_offset", "item");

    private static LocalRuntime runtime;
    private static Catalog catalog;
    private static final Map<InputFormat, JobSettings> runs = new EnumMap<>(InputFormat.class);
    private static final Map<InputFormat, Long> sent = new EnumMap<>(InputFormat.class);

    @BeforeAll
    static void runEachFormat() throws Exception {
        runtime = SharedRuntime.get();
        Lakehouse lake = new Lakehouse(SharedRuntime.newDirectory("formats-warehouse").toString());
        catalog = lake.openCatalog();
        for (InputFormat format : InputFormat.values()) {
            String name = format.name().toLowerCase();
            JobSettings s = new JobSettings(runtime.bootstrap(), SharedRuntime.topics("formats-" + name), lake, name,
                    Duration.ofSeconds(1), SharedRuntime.newDirectory("formats-checkpoints").toUri().toString(), Duration.ZERO);
            sent.put(format, Workloads.total(Workloads.toKafka(WARD, 2, 0, runtime.bootstrap(), s.topics(), format, System.out)));
            PipelineJobs.awaitBoundedIngest(PipelineJobs.startIngest(runtime.flink()::environment, s, true), s);
            PipelineJobs.startSilver(runtime.flink()::environment, s, RuntimeExecutionMode.BATCH, name)
                    .getJobExecutionResult().get();
            PipelineJobs.startFeatures(runtime.flink()::environment, s, RuntimeExecutionMode.BATCH, name,
                    new FeatureJob.Settings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, null))
                    .getJobExecutionResult().get();
            runs.put(format, s);
        }
    }

    @AfterAll
    static void closeCatalog() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void everyMessageOfEveryFormatIsAccountedFor() throws Exception {
        for (InputFormat format : InputFormat.values()) {
            JobSettings s = runs.get(format);
            List<TopicAccount> accounts = Reconciler.reconcile(runtime.bootstrap(), s.topics(), counts(format));
            assertTrue(accounts.stream().allMatch(TopicAccount::balanced), format + "\n" + Reconciler.render(accounts));
            assertEquals(sent.get(format), accounts.stream().mapToLong(TopicAccount::kafka).sum(), format.name());
            assertTrue(accounts.stream().mapToLong(TopicAccount::quarantined).sum() > 0, "impossible values quarantined");
            assertTrue(accounts.stream().mapToLong(TopicAccount::duplicates).sum() > 0, "resent messages are duplicates");
        }
    }

    @Test
    void hospitalFormatsArriveOnTheirOwnTopicsAndBronzeKeepsTheMessages() {
        PaimonCounts fhir = counts(InputFormat.FHIR);
        assertEquals(sent.get(InputFormat.FHIR), fhir.count(MessageFormat.FHIR_R4.bronzeTable()));
        assertEquals(sent.get(InputFormat.FHIR), fhir.count(SilverJob.HOSPITAL_MESSAGES));
        PaimonCounts v2 = counts(InputFormat.HL7V2);
        long oru = v2.count(MessageFormat.HL7V2.bronzeTable());
        assertTrue(oru > 0 && v2.count(MessageFormat.FHIR_R4.bronzeTable()) > 0, "vitals and labs as v2, the rest as FHIR");
        assertEquals(sent.get(InputFormat.HL7V2), oru + v2.count(MessageFormat.FHIR_R4.bronzeTable()));
        for (InputFormat format : List.of(InputFormat.FHIR, InputFormat.HL7V2)) {
            for (EventKind kind : EventKind.values()) {
                assertEquals(0, counts(format).count(kind.bronzeTable()), format + " sent nothing on " + kind + "'s JSON topic");
            }
        }
    }

    @Test
    void theSameWardMakesTheSameSilverRowsInEveryFormat() {
        for (EventKind kind : EventKind.values()) {
            List<List<Object>> json = silverWithoutLineage(InputFormat.JSON, kind);
            assertTrue(json.size() > 0, kind + " has rows to compare");
            for (InputFormat format : List.of(InputFormat.FHIR, InputFormat.HL7V2)) {
                assertEquals(json, silverWithoutLineage(format, kind), kind + " silver rows from " + format);
            }
        }
    }

    @Test
    void theSameWardMakesTheSameFeatureRowsInEveryFormat() {
        Map<List<Object>, List<Object>> json = FeatureRowChecks.rows(catalog, runs.get(InputFormat.JSON).database());
        assertTrue(json.size() > 100, "feature rows to compare: " + json.size());
        for (InputFormat format : List.of(InputFormat.FHIR, InputFormat.HL7V2)) {
            assertEquals(json, FeatureRowChecks.rows(catalog, runs.get(format).database()), "feature rows from " + format);
        }
    }

    private static PaimonCounts counts(InputFormat format) {
        return new PaimonCounts(catalog, runs.get(format).database());
    }

    /** A kind's silver rows without their lineage columns, in a stable order. */
    private static List<List<Object>> silverWithoutLineage(InputFormat format, EventKind kind) {
        PaimonCounts counts = counts(format);
        String[] columns = counts.columns(kind.silverTable()).stream().filter(c -> !LINEAGE.contains(c)).toArray(String[]::new);
        List<List<Object>> rows = new ArrayList<>(counts.rows(kind.silverTable(), columns));
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }
}
