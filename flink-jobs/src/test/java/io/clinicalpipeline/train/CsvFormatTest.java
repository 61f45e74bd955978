package io.clinicalpipeline.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvFormatTest {

    @Test
    void splitsQuotedPaddedAndEscapedFields() {
        assertEquals(List.of("39", "State-gov", "<=50K"), CsvFormat.split("39, State-gov, <=50K", ','));
        assertEquals(List.of("a, b", "say \"hi\"", ""), CsvFormat.split("\"a, b\",\"say \"\"hi\"\"\",", ','));
        assertEquals(List.of(" padded ", "x"), CsvFormat.split(" \" padded \" ;x", ';'));
        assertThrows(IllegalArgumentException.class, () -> CsvFormat.split("\"open, 1", ','));
    }

    @Test
    void missingMarkersAreMissing() {
        for (String v : List.of("", " ", "?", "NA", "n/a", "NaN", "null")) {
            assertTrue(CsvFormat.isMissing(v), v);
        }
        assertFalse(CsvFormat.isMissing("0"));
        assertEquals(null, CsvFormat.parseNumber("Private"));
        assertEquals(2.5, CsvFormat.parseNumber(" 2.5 "));
    }

    @Test
    void infersHeaderDelimiterAndNumericColumns(@TempDir Path dir) throws Exception {
        Path withHeader = dir.resolve("h.csv");
        Files.writeString(withHeader, "age;job;\"income\"\n39;clerk;1\n?;\"nurse; night\";0\n41;NA;1\n");
        CsvFormat f = CsvFormat.infer(withHeader.toString(), CsvFormat.HeaderMode.AUTO, List.of(), 100);
        assertEquals(';', f.delimiter());
        assertTrue(f.header());
        assertEquals(List.of("age", "job", "income"), f.columns());
        assertEquals(List.of(true, false, true), f.numeric());

        Path noHeader = dir.resolve("n.csv");
        Files.writeString(noHeader, "63.0,1.0,?,0\n67.0,1.0,3.0,2\n");
        CsvFormat g = CsvFormat.infer(noHeader.toString(), CsvFormat.HeaderMode.AUTO, List.of(), 100);
        assertFalse(g.header(), "numbers in the first line: data, not a header");
        assertEquals(List.of("c1", "c2", "c3", "c4"), g.columns());
        CsvFormat named = CsvFormat.infer(noHeader.toString(), CsvFormat.HeaderMode.AUTO, List.of("a", "b", "c", "num"), 100);
        assertEquals(3, named.index("num"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.index("num"));
        assertTrue(e.getMessage().contains("no header was found"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CsvFormat.infer(noHeader.toString(), CsvFormat.HeaderMode.AUTO, List.of("a", "b"), 100));
    }

    @Test
    void theSplitIsSeededAndRoughlyTheAskedShare() {
        int test = 0;
        for (int i = 0; i < 10_000; i++) {
            String side = TrainInput.split("row " + i, 42, 0.2);
            assertEquals(side, TrainInput.split("row " + i, 42, 0.2));
            test += side.equals("test") ? 1 : 0;
        }
        assertEquals(2000, test, 150);
    }
}
