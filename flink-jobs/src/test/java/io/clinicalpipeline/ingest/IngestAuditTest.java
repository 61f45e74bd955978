package io.clinicalpipeline.ingest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestAuditTest {

    private static final OffsetsRead.Partition PROFILES_1 = new OffsetsRead.Partition("patient-profiles", 1);
    private static final OffsetsRead.Partition VITALS_0 = new OffsetsRead.Partition("patient-vitals", 0);

    private static List<IngestAudit.Mismatch> compare(Map<OffsetsRead.Partition, OffsetsRead.Range> read,
                                                      Map<OffsetsRead.Partition, List<Long>> bronze) {
        return IngestAudit.compare(read, bronze, p -> p.topic().equals("patient-profiles") ? "bronze_patients" : "bronze_vitals");
    }

    @Test
    void aShortPartitionIsNamedWithItsTableAndCounts() {
        List<IngestAudit.Mismatch> out = compare(
                Map.of(PROFILES_1, new OffsetsRead.Range(0, 7, 8), VITALS_0, new OffsetsRead.Range(0, 2, 3)),
                Map.of(PROFILES_1, List.of(0L), VITALS_0, List.of(0L, 1L, 2L)));
        assertEquals(1, out.size());
        assertEquals("bronze_patients holds 1 of the 8 records read from patient-profiles partition 1 (offsets 0 to 7)",
                out.get(0).describe());
    }

    @Test
    void aPartitionMissingFromBronzeAltogetherIsShort() {
        List<IngestAudit.Mismatch> out = compare(Map.of(VITALS_0, new OffsetsRead.Range(10, 12, 3)), Map.of());
        assertEquals(0, out.get(0).distinct());
    }

    @Test
    void duplicatedRowsAreAMismatchToo() {
        List<IngestAudit.Mismatch> out = compare(Map.of(VITALS_0, new OffsetsRead.Range(0, 1, 2)),
                Map.of(VITALS_0, List.of(0L, 1L, 1L)));
        assertTrue(out.get(0).describe().contains("3 rows for the 2 records"), out.get(0).describe());
    }

    @Test
    void rowsOutsideTheRangeReadBelongToEarlierRunsAndGapsAreNotRecords() {
        // An earlier run ingested offsets 0-4; this one read 5-9, where offset 7 is a transaction marker.
        List<IngestAudit.Mismatch> out = compare(Map.of(VITALS_0, new OffsetsRead.Range(5, 9, 4)),
                Map.of(VITALS_0, List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 8L, 9L)));
        assertTrue(out.isEmpty(), out.toString());
    }

    @Test
    void theAccumulatorMergesRangesOfBothSubtasks() {
        OffsetsRead a = new OffsetsRead();
        OffsetsRead b = new OffsetsRead();
        a.add(new io.clinicalpipeline.events.BronzeRecord("patient-vitals", 0, 3, 0, "k", new byte[0], 0));
        a.add(new io.clinicalpipeline.events.BronzeRecord("patient-vitals", 0, 4, 0, "k", new byte[0], 0));
        b.add(new io.clinicalpipeline.events.BronzeRecord("patient-vitals", 0, 9, 0, "k", new byte[0], 0));
        b.add(new io.clinicalpipeline.events.BronzeRecord("patient-profiles", 1, 0, 0, "k", new byte[0], 0));
        a.merge(b);
        assertEquals(Map.of(VITALS_0, new OffsetsRead.Range(3, 9, 3), PROFILES_1, new OffsetsRead.Range(0, 0, 1)),
                a.getLocalValue());
    }
}
