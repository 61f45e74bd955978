package io.clinicalpipeline.generator;

import java.util.SplittableRandom;

/**
 * The ways a simulated ward patient deteriorates. Each has its own signature (which signs move, and how early), its own
 * speed, the outcomes it ends in when nothing stops it, and the treatment that can. Severity {@code s} runs from 0
 * (well) to 1 (the outcome); the shifts below are what it adds to the patient's baseline at that severity.
 */
enum Syndrome {
    /** Temperature, respiratory rate and heart rate first; hypotension, lactate and confusion late. Hours to a day. */
    SEPSIS(4, 24, 0.30, 0.65, 120, 240, new String[] {"sepsis", "sepsis", "icu_transfer"}),
    /** Heart rate rises while blood pressure holds (compensation), then falls steeply; haemoglobin drops. */
    HAEMORRHAGE(1.5, 8, 0.20, 0.6, 30, 120, new String[] {"icu_transfer", "icu_transfer", "cardiac_arrest"}),
    /** Respiratory rate and SpO2 (and the oxygen that masks it), heart rate later. */
    RESPIRATORY(3, 18, 0.30, 0.55, 60, 180, new String[] {"respiratory_failure", "respiratory_failure", "icu_transfer"}),
    /** Consciousness, sometimes with a Cushing-like rise in blood pressure; fast, little warning in the other signs. */
    NEUROLOGICAL(0.5, 4, 0.15, 0.15, 30, 90, new String[] {"stroke", "stroke", "icu_transfer"}),
    /** An arrhythmic arrest or an embolic stroke: no prodrome at all. */
    SUDDEN(0, 0, 0, 0, 0, 0, new String[] {"cardiac_arrest", "cardiac_arrest", "stroke"});

    /** Hours from onset to the outcome when untreated, as a log-uniform range. */
    private final double fastestHours;
    private final double slowestHours;
    /** The share of prodromes that peak below the outcome and resolve on their own. */
    final double resolvesAlone;
    /** The chance that the treatment a reviewing clinician starts turns the course. */
    final double treatable;
    /** Minutes from treatment until it turns the course, as a uniform range. */
    final int effectAfterMin;
    final int effectAfterMax;
    private final String[] outcomes;

    Syndrome(double fastestHours, double slowestHours, double resolvesAlone, double treatable, int effectAfterMin,
             int effectAfterMax, String[] outcomes) {
        this.fastestHours = fastestHours;
        this.slowestHours = slowestHours;
        this.resolvesAlone = resolvesAlone;
        this.treatable = treatable;
        this.effectAfterMin = effectAfterMin;
        this.effectAfterMax = effectAfterMax;
        this.outcomes = outcomes;
    }

    /** Untreated minutes from onset to the outcome; 0 for a sudden event. */
    long minutesToOutcome(SplittableRandom rnd) {
        if (this == SUDDEN) {
            return 0;
        }
        double hours = Math.exp(Math.log(fastestHours) + rnd.nextDouble() * Math.log(slowestHours / fastestHours));
        return Math.max(20, Math.round(hours * 60));
    }

    String outcome(SplittableRandom rnd) {
        return outcomes[rnd.nextInt(outcomes.length)];
    }

    /**
     * Minutes from the moment the outcome happens to the time the record carries: an arrest is logged within minutes,
     * an ICU transfer when the bed is ready, a sepsis diagnosis when it is coded.
     */
    static long documentationDelayMinutes(String outcome, SplittableRandom rnd) {
        return switch (outcome) {
            case "cardiac_arrest" -> rnd.nextLong(0, 10);
            case "icu_transfer" -> Math.round(PatientProfile.logNormal(rnd, 90, 0.5));
            case "sepsis" -> Math.round(PatientProfile.logNormal(rnd, 60, 0.6));
            default -> Math.round(PatientProfile.logNormal(rnd, 30, 0.6));
        };
    }

    /** Syndromes by share of ward deteriorations, shifted by the patient's conditions. */
    static Syndrome draw(PatientProfile p, SplittableRandom rnd) {
        double sepsis = 0.38;
        double haemorrhage = p.ward().equals("surgical") ? 0.22 : 0.1;
        double respiratory = p.copd() ? 0.45 : 0.22;
        double neurological = p.hypertension() ? 0.12 : 0.07;
        // Most ward arrests have antecedents (Kause 2004: 60-80% within 8 h); only a few come out of nowhere.
        double sudden = p.heartDisease() ? 0.07 : 0.03;
        return PatientProfile.pick(rnd, values(), sepsis, haemorrhage, respiratory, neurological, sudden);
    }
}
