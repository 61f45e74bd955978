package io.clinicalpipeline.scoring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CohortFilterTest {

    private static final Set<String> COLUMNS = Set.of("ward", "age", "news2_total", "event_time", "sex");

    @Test
    void rendersValidFiltersAsCanonicalSql() {
        assertEquals("TRUE", CohortFilter.toSql("  ", COLUMNS));
        assertEquals("`ward` = 'ICU' AND `age` >= 65", CohortFilter.toSql("ward = 'ICU' and age >= 65", COLUMNS));
        assertEquals("(`news2_total` > 4 OR `ward` IN ('ICU', 'HDU')) AND NOT (`sex` IS NULL)",
                CohortFilter.toSql("(news2_total > 4 OR ward IN ('ICU','HDU')) AND NOT sex IS NULL", COLUMNS));
        assertEquals("`age` NOT BETWEEN 18 AND 40 AND `ward` LIKE 'Card%'",
                CohortFilter.toSql("age NOT BETWEEN 18 AND 40 AND ward LIKE 'Card%'", COLUMNS));
        assertEquals("`event_time` >= TIMESTAMP '2026-01-01 00:00:00' AND `age` <> -1",
                CohortFilter.toSql("event_time >= TIMESTAMP '2026-01-01 00:00:00' AND age != -1", COLUMNS));
        assertEquals("`ward` = 'O''Brien ward'", CohortFilter.toSql("ward = 'O''Brien ward'", COLUMNS),
                "quotes inside a literal stay inside it");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ward = 'ICU'; DROP TABLE model_registry",
            "ward = 'ICU' -- and the rest",
            "ward = 'ICU' /* comment */",
            "age > (SELECT MAX(age) FROM patient_features)",
            "ward IN (SELECT ward FROM model_registry)",
            "1 = 1 UNION SELECT * FROM model_registry",
            "password = 'x'",
            "`ward` = 'ICU'",
            "\"ward\" = 'ICU'",
            "LOWER(ward) = 'icu'",
            "ward = 'ICU' OR",
            "DROP TABLE patient_features",
            "ward = 'unterminated",
            "age >> 3",
            "age = 65 age = 66",
            "TRUE; DELETE FROM model_predictions",
            "ward = 'ICU' AND EXISTS (SELECT 1)",
            "event_time > TIMESTAMP 'now'",
    })
    void rejectsAnythingButOneBooleanExpressionOverKnownColumns(String filter) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CohortFilter.toSql(filter, COLUMNS),
                filter);
        assertTrue(e.getMessage().contains("position") || e.getMessage().contains("unknown column")
                || e.getMessage().contains("ends where"), e.getMessage());
    }

    @Test
    void unknownColumnsNameWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CohortFilter.toSql("ssn = '123'", COLUMNS));
        assertTrue(e.getMessage().contains("unknown column 'ssn'") && e.getMessage().contains("news2_total"), e.getMessage());
    }
}
