package io.clinicalpipeline.model.features;

/**
 * One feature as users find it in the {@code feature_catalog} table.
 *
 * @param type DOUBLE, INT, BOOLEAN or STRING
 * @param unit physical unit, or "" for scores, flags and categories
 * @param window look-back window ("1h", "6h", "24h"), "latest" or "static"
 * @param label a few words a clinician reads in an alert, e.g. "respiratory rate, latest in 1 h"
 * @param version version of the feature definitions this belongs to
 */
public record FeatureDefinition(String name, String type, String unit, String window, String description, String label,
                                int version) {}
