package io.clinicalpipeline.model.ml.common;

/**
 * A string's position in [0, 1) that does not change between runs, JVMs or machines (String.hashCode is
 * specified; the SplitMix64 finaliser spreads it): for train/test splits and challenger traffic shares.
 */
public final class StableHash {

    private StableHash() {}

    public static double unit(String content, long seed) {
        long z = content.hashCode() * 0x9E3779B97F4A7C15L + seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
