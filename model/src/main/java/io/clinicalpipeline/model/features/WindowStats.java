package io.clinicalpipeline.model.features;

/**
 * Summary of one signal over a time window ending at the moment features are computed: count, mean,
 * min, max, sample standard deviation, last value and least-squares slope per hour. Computed from the
 * samples alone, so the streaming job, the batch backfill and a test given the same samples agree.
 *
 * @param std null with fewer than two samples
 * @param slopePerHour null with fewer than two distinct sample times
 */
public record WindowStats(int count, Double mean, Double min, Double max, Double std, Double last, Double slopePerHour) {

    public static final WindowStats EMPTY = new WindowStats(0, null, null, null, null, null, null);

    /**
     * @param times sample times in epoch milliseconds, ascending
     * @param values sample values, same length as {@code times}
     * @param from window start, inclusive
     * @param to window end (the as-of time), inclusive
     */
    public static WindowStats of(long[] times, double[] values, int size, long from, long to) {
        int first = 0;
        while (first < size && times[first] < from) {
            first++;
        }
        int end = size;
        while (end > first && times[end - 1] > to) {
            end--;
        }
        int n = end - first;
        if (n == 0) {
            return EMPTY;
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double meanTime = 0;
        for (int i = first; i < end; i++) {
            sum += values[i];
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
            meanTime += hoursSince(times[i], from);
        }
        double mean = sum / n;
        meanTime /= n;
        // Second pass around the means: stable for the small windows features use.
        double squares = 0;
        double covariance = 0;
        double timeSquares = 0;
        for (int i = first; i < end; i++) {
            double dv = values[i] - mean;
            double dt = hoursSince(times[i], from) - meanTime;
            squares += dv * dv;
            covariance += dt * dv;
            timeSquares += dt * dt;
        }
        Double std = n < 2 ? null : Math.sqrt(squares / (n - 1));
        Double slope = timeSquares == 0 ? null : covariance / timeSquares;
        return new WindowStats(n, mean, min, max, std, values[end - 1], slope);
    }

    private static double hoursSince(long time, long origin) {
        return (time - origin) / 3_600_000.0;
    }
}
