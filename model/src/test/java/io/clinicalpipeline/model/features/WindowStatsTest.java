package io.clinicalpipeline.model.features;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WindowStatsTest {

    private static final long T0 = 1_767_571_200_000L; // 2026-01-05T00:00Z

    private static WindowStats stats(long[] minutes, double[] values, long fromMinutes, long toMinutes) {
        long[] times = new long[minutes.length];
        for (int i = 0; i < times.length; i++) {
            times[i] = T0 + minutes[i] * 60_000L;
        }
        return WindowStats.of(times, values, times.length, T0 + fromMinutes * 60_000L, T0 + toMinutes * 60_000L);
    }

    @Test
    void summarisesTheSamplesInsideTheWindowOnly() {
        // Samples at 0, 30, 60, 90, 120 min; the window [30, 90] holds three of them.
        WindowStats s = stats(new long[] {0, 30, 60, 90, 120}, new double[] {50, 80, 90, 100, 200}, 30, 90);
        assertEquals(3, s.count());
        assertEquals(90.0, s.mean());
        assertEquals(80.0, s.min());
        assertEquals(100.0, s.max());
        assertEquals(10.0, s.std(), 1e-12);
        assertEquals(100.0, s.last());
        // +10 every 30 minutes is +20 per hour.
        assertEquals(20.0, s.slopePerHour(), 1e-9);
    }

    @Test
    void windowEdgesAreInclusive() {
        WindowStats s = stats(new long[] {0, 60}, new double[] {1, 2}, 0, 60);
        assertEquals(2, s.count());
    }

    @Test
    void emptyWindowHasNoValues() {
        WindowStats s = stats(new long[] {0, 10}, new double[] {1, 2}, 20, 80);
        assertEquals(0, s.count());
        assertNull(s.mean());
        assertNull(s.last());
        assertNull(s.slopePerHour());
    }

    @Test
    void oneSampleHasNoSpreadAndNoTrend() {
        WindowStats s = stats(new long[] {15}, new double[] {72}, 0, 60);
        assertEquals(1, s.count());
        assertEquals(72.0, s.mean());
        assertNull(s.std());
        assertNull(s.slopePerHour());
    }

    @Test
    void simultaneousSamplesHaveNoSlope() {
        WindowStats s = stats(new long[] {15, 15}, new double[] {70, 74}, 0, 60);
        assertEquals(72.0, s.mean());
        assertNull(s.slopePerHour());
    }

    @Test
    void fallingSignalHasNegativeSlope() {
        // SpO2 97 -> 91 over six hours: -1 per hour.
        WindowStats s = stats(new long[] {0, 120, 240, 360}, new double[] {97, 95, 93, 91}, 0, 6 * 60);
        assertEquals(-1.0, s.slopePerHour(), 1e-9);
        assertEquals(91.0, s.last());
    }
}
