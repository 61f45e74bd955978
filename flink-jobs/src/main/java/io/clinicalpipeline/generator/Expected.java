package io.clinicalpipeline.generator;

/**
 * Where a generated record must end up, decided by the generator from what it did, independently of
 * the silver job's own rules. Tests compare the two.
 */
public enum Expected {
    SILVER,
    DUPLICATE,
    QUARANTINE,
    DEAD_LETTER
}
