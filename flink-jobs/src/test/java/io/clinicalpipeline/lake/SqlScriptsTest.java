package io.clinicalpipeline.lake;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlScriptsTest {

    @Test
    void splitsOnLineEndingSemicolonsAndDropsComments() {
        List<String> statements = SqlScripts.split("-- a comment\nCREATE TABLE a (\n  x INT\n);\n\nUSE b;\n");
        assertEquals(List.of("CREATE TABLE a (\n  x INT\n)", "USE b"), statements);
    }

    @Test
    void unterminatedStatementIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SqlScripts.split("USE b"));
    }

    @Test
    void initScriptGetsWarehouseAndDatabase() {
        List<String> init = SqlScripts.load("00_init.sql", Map.of("warehouse", "file:///tmp/w", "database", "clinical"));
        assertTrue(init.get(0).contains("'warehouse' = 'file:///tmp/w'"), init.get(0));
        assertEquals("USE clinical", init.get(init.size() - 1));
    }

    @Test
    void aPlaceholderLeftWithoutAValueIsAnErrorNamingIt() {
        assertEquals("SELECT 'P1', 2", SqlScripts.substitute("t.sql", "SELECT '${patient}', ${n}", Map.of("patient", "P1", "n", "2")));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SqlScripts.substitute("t.sql", "-- fills in (${...})\nSELECT ${b}, ${a}", Map.of()));
        assertEquals("t.sql needs a value for ${a}, ${b} (bin/pipeline sql: --var a=...)", missing.getMessage());
    }

    @Test
    void aPackagedScriptIsFilledInTheSameWay() {
        assertTrue(SqlScripts.load("40_patient_now.sql", Map.of("patient", "P000042")).get(0).contains("'P000042'"));
        assertThrows(IllegalArgumentException.class, () -> SqlScripts.load("40_patient_now.sql", Map.of()));
    }
}
