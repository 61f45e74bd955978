package io.clinicalpipeline.generator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * One simulated inpatient. Vitals follow a personal baseline with noise and a circadian rhythm; a
 * deteriorating patient drifts towards NEWS2-scoring ranges (and lactate rises) for hours before an
 * adverse event. Some deteriorate and recover without an event, and some have a sudden event without
 * warning, so a model cannot learn a trivial rule.
 */
final class PatientSimulator {

    enum Course { STABLE, DETERIORATES_WITH_EVENT, DETERIORATES_AND_RECOVERS, SUDDEN_EVENT }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String[][] ROUTINE_DRUGS = {
            {"paracetamol", "analgesic", "1000", "mg", "PO"},
            {"metoprolol", "beta_blocker", "25", "mg", "PO"},
            {"heparin", "anticoagulant", "5000", "units", "SC"},
            {"apixaban", "anticoagulant", "5", "mg", "PO"},
            {"insulin", "insulin", "6", "units", "SC"},
            {"furosemide", "diuretic", "40", "mg", "IV"},
            {"ceftriaxone", "antibiotic", "2", "g", "IV"},
    };
    private static final String[][] ESCALATION_DRUGS = {
            {"piperacillin-tazobactam", "antibiotic", "4.5", "g", "IV"},
            {"vancomycin", "antibiotic", "1", "g", "IV"},
            {"norepinephrine", "vasopressor", "0.1", "mcg/kg/min", "IV"},
            {"vasopressin", "vasopressor", "0.03", "units/min", "IV"},
    };
    private static final String[] MAJOR_EVENTS = {"sepsis", "cardiac_arrest", "icu_transfer", "stroke", "respiratory_failure"};
    private static final String[] MINOR_EVENTS = {"fall", "medication_reaction", "pressure_injury", "rapid_response_call"};
    private static final String[] LABS = {"lactate", "creatinine", "wbc", "glucose", "potassium", "sodium"};

    // Per-patient event rates per minute, chosen so the mix is about 70% vitals, 20% meds, 9% labs, 1% adverse.
    private static final double MED_RATE = 1.15 / 60.0;
    private static final double LAB_RATE = 0.52 / 60.0;
    private static final double MINOR_EVENT_RATE = 0.04 / 60.0;

    private final PatientProfile profile;
    private final SplittableRandom rnd;
    private final String deviceId;
    private final Course course;
    private final long onsetMinute;
    private final long eventMinute;
    private final double baseHr;
    private final double baseSbp;
    private final double baseDbp;
    private final double baseRr;
    private final double baseSpo2;
    private final double baseTemp;
    private final double fahrenheitRate;
    private long nextVitalsMinute;
    private boolean majorEventSent;

    PatientSimulator(PatientProfile profile, SplittableRandom rnd, long simulatedMinutes, double deteriorationRate,
                     double fahrenheitRate) {
        this.profile = profile;
        this.rnd = rnd;
        this.fahrenheitRate = fahrenheitRate;
        this.deviceId = "monitor-" + String.format("%03d", rnd.nextInt(1, 400));
        double roll = rnd.nextDouble();
        if (roll < deteriorationRate) {
            course = Course.DETERIORATES_WITH_EVENT;
        } else if (roll < deteriorationRate * 1.4) {
            course = Course.DETERIORATES_AND_RECOVERS;
        } else if (roll < deteriorationRate * 1.6) {
            course = Course.SUDDEN_EVENT;
        } else {
            course = Course.STABLE;
        }
        this.onsetMinute = rnd.nextLong(0, Math.max(1, simulatedMinutes * 2 / 3));
        this.eventMinute = onsetMinute + rnd.nextLong(180, 600);
        double age = profile.age();
        this.baseHr = 72 + (profile.heartDisease() ? 5 : 0) + (profile.smokes() ? 4 : 0) + PatientProfile.gaussian(rnd, 0, 6);
        this.baseSbp = 116 + 0.35 * (age - 40) + (profile.hypertension() ? 16 : 0) + PatientProfile.gaussian(rnd, 0, 8);
        this.baseDbp = 74 + (profile.hypertension() ? 8 : 0) + PatientProfile.gaussian(rnd, 0, 5);
        this.baseRr = 15 + PatientProfile.gaussian(rnd, 0, 1.5);
        this.baseSpo2 = 97.5 - (age > 75 ? 1 : 0) - (profile.smokes() ? 1 : 0) + PatientProfile.gaussian(rnd, 0, 0.6);
        this.baseTemp = 36.8 + PatientProfile.gaussian(rnd, 0, 0.2);
        this.nextVitalsMinute = rnd.nextLong(0, 15);
    }

    String patientId() {
        return profile.patientId();
    }

    /** The admission profile, sent once when the simulation starts. */
    ObjectNode profileEvent(Instant at, boolean weightInPounds) {
        ObjectNode e = header(at, "adt");
        e.put("age", profile.age());
        e.put("gender", profile.gender());
        e.put("hypertension", profile.hypertension() ? 1 : 0);
        e.put("heart_disease", profile.heartDisease() ? 1 : 0);
        e.put("ever_married", profile.everMarried());
        e.put("work_type", profile.workType());
        e.put("residence_type", profile.residenceType());
        e.put("avg_glucose_level", profile.avgGlucoseMgDl());
        e.put("glucose_unit", "mg/dL");
        e.put("bmi", profile.bmi());
        if (weightInPounds) {
            e.put("weight", PatientProfile.round1(profile.weightKg() / 0.45359237));
            e.put("weight_unit", "lb");
        } else {
            e.put("weight", profile.weightKg());
            e.put("weight_unit", "kg");
        }
        e.put("height_cm", profile.heightCm());
        e.put("smoking_status", profile.smokingStatus());
        e.put("ward", profile.ward());
        return e;
    }

    /** Emits the events that happen during simulated minute {@code minute} (since the start). */
    void step(long minute, Instant minuteStart, BiConsumer<EventKind, ObjectNode> out) {
        double severity = severity(minute);
        if (minute >= nextVitalsMinute) {
            Instant at = minuteStart.plusSeconds(rnd.nextInt(60));
            out.accept(EventKind.VITALS, vitals(at, minute, severity));
            // Sicker patients are observed more often, as a NEWS2 escalation protocol asks.
            long interval = severity > 0.5 ? rnd.nextLong(5, 10) : rnd.nextLong(13, 18);
            nextVitalsMinute = minute + interval;
        }
        if (rnd.nextDouble() < MED_RATE * (1 + 2 * severity)) {
            String[] drug = severity > 0.4 && rnd.nextDouble() < 0.6
                    ? ESCALATION_DRUGS[rnd.nextInt(ESCALATION_DRUGS.length)]
                    : ROUTINE_DRUGS[rnd.nextInt(ROUTINE_DRUGS.length)];
            out.accept(EventKind.MEDICATIONS, medication(minuteStart.plusSeconds(rnd.nextInt(60)), drug));
        }
        if (rnd.nextDouble() < LAB_RATE * (1 + 2 * severity)) {
            out.accept(EventKind.LABS, lab(minuteStart.plusSeconds(rnd.nextInt(60)), LABS[rnd.nextInt(LABS.length)], severity));
        }
        boolean major = (course == Course.DETERIORATES_WITH_EVENT && minute == eventMinute)
                || (course == Course.SUDDEN_EVENT && minute == onsetMinute);
        if (major && !majorEventSent) {
            majorEventSent = true;
            ObjectNode e = header(minuteStart.plusSeconds(rnd.nextInt(60)), "ehr");
            e.put("event_type", MAJOR_EVENTS[rnd.nextInt(MAJOR_EVENTS.length)]);
            e.put("severity", rnd.nextDouble() < 0.15 ? "fatal" : (rnd.nextBoolean() ? "life_threatening" : "severe"));
            out.accept(EventKind.ADVERSE_EVENTS, e);
        } else if (rnd.nextDouble() < MINOR_EVENT_RATE) {
            ObjectNode e = header(minuteStart.plusSeconds(rnd.nextInt(60)), "ehr");
            e.put("event_type", MINOR_EVENTS[rnd.nextInt(MINOR_EVENTS.length)]);
            e.put("severity", rnd.nextBoolean() ? "mild" : "moderate");
            out.accept(EventKind.ADVERSE_EVENTS, e);
        }
    }

    /** 0 when well, rising to 1 at the adverse event (or at the worst point of a recovered episode). */
    double severity(long minute) {
        switch (course) {
            case DETERIORATES_WITH_EVENT:
                if (minute < onsetMinute) {
                    return 0;
                }
                return Math.min(1.0, (double) (minute - onsetMinute) / (eventMinute - onsetMinute));
            case DETERIORATES_AND_RECOVERS:
                if (minute < onsetMinute || minute > eventMinute + (eventMinute - onsetMinute)) {
                    return 0;
                }
                double peak = 0.7;
                return minute <= eventMinute
                        ? peak * (minute - onsetMinute) / (eventMinute - onsetMinute)
                        : peak * (1 - (double) (minute - eventMinute) / (eventMinute - onsetMinute));
            default:
                return 0;
        }
    }

    private ObjectNode vitals(Instant at, long minute, double severity) {
        double hourOfDay = ((minute / 60.0) % 24 + 24) % 24;
        double circadian = Math.sin((hourOfDay - 10) / 24.0 * 2 * Math.PI);
        double hr = baseHr + 4 * circadian + 38 * severity + PatientProfile.gaussian(rnd, 0, 3);
        double sbp = baseSbp + 3 * circadian - 38 * severity + PatientProfile.gaussian(rnd, 0, 5);
        double dbp = Math.min(sbp - 15, baseDbp + 2 * circadian - 18 * severity + PatientProfile.gaussian(rnd, 0, 3));
        double rr = baseRr + 11 * severity + PatientProfile.gaussian(rnd, 0, 1);
        double spo2 = Math.min(100, baseSpo2 - 8 * severity + PatientProfile.gaussian(rnd, 0, 0.7));
        double temp = baseTemp + 0.25 * circadian + 1.9 * severity + PatientProfile.gaussian(rnd, 0, 0.15);
        ObjectNode e = header(at, null);
        e.put("device_id", deviceId);
        e.put("heart_rate", (int) Math.round(hr));
        e.put("systolic_bp", (int) Math.round(sbp));
        e.put("diastolic_bp", (int) Math.round(dbp));
        e.put("respiratory_rate", (int) Math.round(rr));
        e.put("spo2", (int) Math.round(spo2));
        if (rnd.nextDouble() < fahrenheitRate) {
            e.put("temperature", PatientProfile.round1(temp * 9 / 5 + 32));
            e.put("temperature_unit", "F");
        } else {
            e.put("temperature", PatientProfile.round1(temp));
            e.put("temperature_unit", "C");
        }
        e.put("supplemental_oxygen", spo2 < 93 && rnd.nextDouble() < 0.8);
        String avpu = "A";
        if (severity > 0.75 && rnd.nextDouble() < (severity - 0.6)) {
            avpu = new String[] {"C", "V", "C", "P"}[rnd.nextInt(4)];
        }
        e.put("consciousness", avpu);
        return e;
    }

    private ObjectNode medication(Instant at, String[] drug) {
        ObjectNode e = header(at, "emar");
        e.put("drug", drug[0]);
        e.put("drug_class", drug[1]);
        e.put("dose", Double.parseDouble(drug[2]));
        e.put("dose_unit", drug[3]);
        e.put("route", drug[4]);
        return e;
    }

    private ObjectNode lab(Instant at, String test, double severity) {
        ObjectNode e = header(at, "lis");
        e.put("test", test);
        boolean alternateUnit = rnd.nextDouble() < 0.25;
        double value;
        String unit;
        switch (test) {
            case "lactate":
                value = Math.max(0.3, 1.1 + 4.5 * severity + PatientProfile.gaussian(rnd, 0, 0.3));
                unit = "mmol/L";
                if (alternateUnit) {
                    value *= 9.008;
                    unit = "mg/dL";
                }
                break;
            case "creatinine":
                value = Math.max(30, 80 + (profile.age() - 40) * 0.6 + 90 * severity + PatientProfile.gaussian(rnd, 0, 10));
                unit = "umol/L";
                if (alternateUnit) {
                    value /= 88.42;
                    unit = "mg/dL";
                }
                break;
            case "wbc":
                value = Math.max(1, 7.5 + 9 * severity + PatientProfile.gaussian(rnd, 0, 1.5));
                unit = "10^9/L";
                break;
            case "glucose":
                value = Math.max(2.5, profile.avgGlucoseMgDl() / 18.016 + 2 * severity + PatientProfile.gaussian(rnd, 0, 0.6));
                unit = "mmol/L";
                if (alternateUnit) {
                    value *= 18.016;
                    unit = "mg/dL";
                }
                break;
            case "potassium":
                value = 4.2 + 0.6 * severity + PatientProfile.gaussian(rnd, 0, 0.3);
                unit = "mmol/L";
                break;
            default:
                value = 139 - 3 * severity + PatientProfile.gaussian(rnd, 0, 2);
                unit = "mmol/L";
        }
        e.put("value", Math.round(value * 100.0) / 100.0);
        e.put("unit", unit);
        return e;
    }

    private ObjectNode header(Instant at, String source) {
        ObjectNode e = JSON.objectNode();
        e.put("event_id", new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString());
        e.put("patient_id", profile.patientId());
        if (source != null) {
            e.put("source_id", source);
        }
        e.put("event_time", at.toString());
        return e;
    }
}
