package io.clinicalpipeline.serving;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values a caller gives, checked against the feature catalog before any model sees them. */
class PredictorTest {

    @Test
    void valuesAreTypedAsTheCatalogSays() {
        Map<String, Object> given = new HashMap<>();
        given.put("news2_total", 7.0);
        given.put("heart_rate_1h_mean", 101);
        given.put("lactate_latest", null);
        given.put("ward", "medical");
        given.put("copd", true);
        Map<String, Object> typed = Predictor.typed(given);
        assertEquals(7, typed.get("news2_total"));
        assertEquals(101.0, typed.get("heart_rate_1h_mean"));
        assertNull(typed.get("lactate_latest"));
        assertEquals("medical", typed.get("ward"));
        assertEquals(true, typed.get("copd"));
    }

    @Test
    void eachBadValueNamesItsField() {
        assertMessage(Map.of("heart_rate", 80), "'heart_rate' is not a feature");
        assertMessage(Map.of("heart_rate_1h_mean", "fast"), "'heart_rate_1h_mean' must be a number, got the string \"fast\"");
        assertMessage(Map.of("heart_rate_1h_mean", Double.NaN), "'heart_rate_1h_mean' must be a finite number");
        assertMessage(Map.of("heart_rate_1h_mean", Double.POSITIVE_INFINITY), "'heart_rate_1h_mean' must be a finite number");
        assertMessage(Map.of("news2_total", 7.5), "'news2_total' must be a whole number");
        assertMessage(Map.of("copd", "yes"), "'copd' must be true or false");
        assertMessage(Map.of("ward", 3), "'ward' must be a string, got integer 3");
    }

    private static void assertMessage(Map<String, ?> given, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictor.typed(given));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
