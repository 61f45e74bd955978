package io.clinicalpipeline.model.features;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Time-ordered samples of one measurement for one patient. Late samples are inserted in place, so
 * features computed afterwards see the same history they would have seen had it arrived on time.
 */
final class Signal implements Serializable {
    private static final long serialVersionUID = 1L;

    private long[] times = new long[16];
    private double[] values = new double[16];
    private int size;

    void add(long time, double value) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        int at = size;
        while (at > 0 && times[at - 1] > time) {
            at--;
        }
        System.arraycopy(times, at, times, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        times[at] = time;
        values[at] = value;
        size++;
    }

    /** Forgets samples older than {@code time}. */
    void evictBefore(long time) {
        int first = 0;
        while (first < size && times[first] < time) {
            first++;
        }
        if (first > 0) {
            System.arraycopy(times, first, times, 0, size - first);
            System.arraycopy(values, first, values, 0, size - first);
            size -= first;
        }
    }

    WindowStats stats(long from, long to) {
        return WindowStats.of(times, values, size, from, to);
    }

    /** Index of the last sample at or before {@code time}, or -1. */
    int lastAtOrBefore(long time) {
        int i = size - 1;
        while (i >= 0 && times[i] > time) {
            i--;
        }
        return i;
    }

    long time(int index) {
        return times[index];
    }

    double value(int index) {
        return values[index];
    }

    int size() {
        return size;
    }
}
