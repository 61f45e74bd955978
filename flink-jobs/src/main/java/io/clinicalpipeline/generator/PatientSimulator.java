package io.clinicalpipeline.generator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.model.clinical.News2;
import io.clinicalpipeline.silver.PhysiologicalRanges;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * One simulated ward admission, minute by minute. README's "Simulation" section describes the causal model; in short:
 * <ul>
 *   <li>a hidden severity drives the signs of one {@link Syndrome}, from the patient's own baseline (shifted by COPD,
 *       beta-blockers, hypertension, anaemia and age);</li>
 *   <li>nurses observe on the schedule the last NEWS2 sets (RCP 2017), late or not at all at times, and sooner when
 *       worried; some beds stream vitals from a monitor, with its artefacts;</li>
 *   <li>a NEWS2 of 5, or a single parameter scoring 3, brings a clinician who orders labs and treats what they think it
 *       is: the treatment masks signs (fluids, vasopressors, oxygen, paracetamol) and may turn the course;</li>
 *   <li>the outcome is recorded after a documentation delay, and the patient may then leave the ward.</li>
 * </ul>
 * What is observed is only ever what a ward's systems would record: the severity itself is never emitted.
 */
final class PatientSimulator {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String[] MINOR_EVENTS = {"fall", "medication_reaction", "pressure_injury"};
    private static final String[] REVIEW_LABS = {"lactate", "wbc", "creatinine", "haemoglobin", "potassium", "sodium"};
    private static final String[] MORNING_LABS = {"creatinine", "potassium", "sodium", "wbc", "haemoglobin", "glucose"};
    private static final String[] DRUG_PARACETAMOL = {"paracetamol", "analgesic", "1000", "mg", "PO"};
    private static final String[] DRUG_METOPROLOL = {"metoprolol", "beta_blocker", "25", "mg", "PO"};
    private static final String[] DRUG_HEPARIN = {"heparin", "anticoagulant", "5000", "units", "SC"};
    private static final String[] DRUG_APIXABAN = {"apixaban", "anticoagulant", "5", "mg", "PO"};
    private static final String[] DRUG_INSULIN = {"insulin", "insulin", "6", "units", "SC"};
    private static final String[] DRUG_FUROSEMIDE = {"furosemide", "diuretic", "40", "mg", "IV"};
    private static final String[] DRUG_CEFTRIAXONE = {"ceftriaxone", "antibiotic", "2", "g", "IV"};
    private static final String[] DRUG_PIPTAZ = {"piperacillin-tazobactam", "antibiotic", "4.5", "g", "IV"};
    private static final String[] DRUG_SALINE = {"sodium chloride 0.9%", "fluid", "500", "mL", "IV"};
    private static final String[] DRUG_RED_CELLS = {"red blood cells", "blood_product", "1", "units", "IV"};
    private static final String[] DRUG_NOREPINEPHRINE = {"norepinephrine", "vasopressor", "0.1", "mcg/kg/min", "IV"};
    private static final String[] DRUG_SALBUTAMOL = {"salbutamol", "bronchodilator", "2.5", "mg", "NEB"};
    /** Regular medicines most ward patients are on, with their usual administration hours. */
    private static final String[][] REGULAR_DRUGS = {
            {"omeprazole", "proton_pump_inhibitor", "20", "mg", "PO"},
            {"atorvastatin", "statin", "40", "mg", "PO"},
            {"amlodipine", "antihypertensive", "5", "mg", "PO"},
            {"senna", "laxative", "15", "mg", "PO"},
            {"paracetamol", "analgesic", "1000", "mg", "PO"},
            {"morphine sulfate", "opioid", "10", "mg", "PO"},
    };
    private static final int[][] REGULAR_HOURS = {{8}, {22}, {8}, {8, 20}, {6, 12, 18, 22}, {8, 20}};
    private static final double[] REGULAR_SHARE = {0.5, 0.45, 0.6, 0.4, 0.45, 0.1};

    /** Minor incidents (falls, reactions, pressure injuries) per patient-minute: about one in 25 admission-days. */
    private static final double MINOR_EVENT_RATE = 0.0017 / 60.0;
    private static final long NEVER = Long.MIN_VALUE / 4;
    private static final int MONITOR_INTERVAL = 5;

    private final PatientProfile profile;
    private final SplittableRandom rnd;
    private final long simulatedMinutes;
    private final double fahrenheitRate;
    private final String monitorId;
    private final String handheldId;

    // The patient's own normal, before any syndrome or treatment.
    private final double baseHr;
    private final double baseSbp;
    private final double baseDbp;
    private final double baseRr;
    private final double baseSpo2;
    private final double baseTemp;
    private final boolean atrialFibrillation;
    /** Charted as confused much of the time, whatever else happens: delirium or dementia, common in the old. */
    private final boolean delirium;
    /** Day-one surgical patients: pain, atelectasis and the stress response raise heart rate and temperature. */
    private final boolean postOperative;
    private final double feverResponse;
    private final boolean leukopenic;
    private final double baseLactate;
    private final double baseCreatinine;
    private final double baseWbc;
    private final double baseGlucose;
    private final double basePotassium;
    private final double baseSodium;
    private final double baseHaemoglobin;
    private final boolean diabetic;
    private final List<Dose> routineDoses = new ArrayList<>();
    private final boolean morningBloods;

    // The hidden course.
    private final Syndrome syndrome;
    private final long onsetMinute;
    private final double ratePerMinute;
    private final double peak;
    private double severity;
    private boolean recovering;
    private long treatmentTurnsAt = Long.MAX_VALUE;
    private long outcomeRecordedAt = Long.MAX_VALUE;
    private boolean leavesAtRecord;
    private boolean outcomeHappened;
    private boolean leftWard;

    // What the ward is doing.
    private long nextObservationDue;
    private boolean onMonitor;
    private long reviewAt = NEVER;
    private long lastReview = NEVER;
    private long fluidsAt = NEVER;
    private long paracetamolAt = NEVER;
    private long transfusedAt = NEVER;
    private long nextAntibioticDose = Long.MAX_VALUE;
    private long nextNebuliser = Long.MAX_VALUE;
    private long nextVasopressorCharting = Long.MAX_VALUE;
    private boolean onOxygen;
    private boolean rapidResponseCalled;
    private double lastSystolic = Double.NaN;

    PatientSimulator(PatientProfile profile, SplittableRandom rnd, long simulatedMinutes, double deteriorationRate,
                     double fahrenheitRate) {
        this.profile = profile;
        this.rnd = rnd;
        this.simulatedMinutes = simulatedMinutes;
        this.fahrenheitRate = fahrenheitRate;
        this.monitorId = "monitor-" + String.format("%03d", rnd.nextInt(1, 400));
        this.handheldId = "obs-" + profile.ward() + "-" + rnd.nextInt(1, 9);
        int age = profile.age();
        boolean female = profile.gender().equals("Female");
        atrialFibrillation = profile.heartDisease() && rnd.nextDouble() < 0.3;
        delirium = rnd.nextDouble() < (age > 75 ? 0.15 : 0.02);
        postOperative = profile.ward().equals("surgical") && rnd.nextDouble() < 0.7;
        baseHr = (atrialFibrillation ? 92 : 76) + (profile.anaemia() ? 8 : 0) - (profile.betaBlocker() ? 12 : 0)
                + (profile.smokes() ? 3 : 0) + PatientProfile.gaussian(rnd, 0, 8);
        baseSbp = 116 + 0.4 * (age - 40) + (profile.hypertension() ? 20 : 0) - (profile.betaBlocker() ? 4 : 0)
                + PatientProfile.gaussian(rnd, 0, 11);
        baseDbp = Math.min(baseSbp - 30, 71 + (profile.hypertension() ? 8 : 0) + PatientProfile.gaussian(rnd, 0, 6));
        baseRr = 15.5 + (profile.copd() ? 3 : 0) + PatientProfile.gaussian(rnd, 0, 1.6);
        baseSpo2 = profile.copd() ? 90.5 + PatientProfile.gaussian(rnd, 0, 1.5)
                : 97 - (age > 75 ? 1 : 0) - (profile.smokes() ? 0.5 : 0) + PatientProfile.gaussian(rnd, 0, 0.9);
        baseTemp = 36.8 - (age > 80 ? 0.2 : 0) + PatientProfile.gaussian(rnd, 0, 0.25);
        // The old often mount no fever in sepsis, and some become hypothermic (Sepsis-3 cohorts).
        feverResponse = age > 75 && rnd.nextDouble() < 0.25 ? -0.5 : age > 75 ? 0.55 : 1;
        leukopenic = rnd.nextDouble() < 0.15;
        baseLactate = PatientProfile.logNormal(rnd, 1.0, 0.25);
        baseCreatinine = (female ? 65 : 80) * (1 + Math.max(0, age - 40) * 0.006) * PatientProfile.logNormal(rnd, 1, 0.2);
        baseWbc = PatientProfile.logNormal(rnd, 7.5, 0.25);
        diabetic = profile.avgGlucoseMgDl() > 150;
        baseGlucose = profile.avgGlucoseMgDl() / 18.016;
        basePotassium = 4.2 + PatientProfile.gaussian(rnd, 0, 0.3);
        baseSodium = 139 + PatientProfile.gaussian(rnd, 0, 2.5);
        baseHaemoglobin = profile.anaemia() ? 95 + PatientProfile.gaussian(rnd, 0, 8)
                : (female ? 128 : 142) + PatientProfile.gaussian(rnd, 0, 11);
        boolean infected = rnd.nextDouble() < 0.25;
        morningBloods = rnd.nextDouble() < 0.6;
        prescribeRoutineDoses(infected);

        double risk = deteriorationRate * (0.45 + 0.55 * age / 64.0) * (infected ? 1.4 : 1) * (profile.copd() ? 1.3 : 1);
        if (rnd.nextDouble() < risk) {
            syndrome = infected && rnd.nextDouble() < 0.5 ? Syndrome.SEPSIS : Syndrome.draw(profile, rnd);
        } else {
            syndrome = null;
        }
        long toOutcome = syndrome == null ? 0 : syndrome.minutesToOutcome(rnd);
        ratePerMinute = toOutcome == 0 ? 0 : 1.0 / toOutcome;
        peak = syndrome != null && rnd.nextDouble() < syndrome.resolvesAlone ? 0.4 + 0.55 * rnd.nextDouble() : 1;
        long onset;
        if (syndrome == null) {
            onset = Long.MAX_VALUE;
        } else if (syndrome == Syndrome.SUDDEN) {
            onset = rnd.nextLong(0, simulatedMinutes);
        } else {
            // Some are admitted already unwell: the prodrome may have begun before the simulated window opens.
            long earliest = -toOutcome / 3;
            long latest = Math.max(earliest + 1, simulatedMinutes - toOutcome / 2);
            onset = rnd.nextLong(earliest, latest);
        }
        if (onset < 0) {
            severity = Math.min(0.8 * peak, -onset * ratePerMinute);
            onset = 0;
        }
        onsetMinute = onset;
        onMonitor = rnd.nextDouble() < (profile.monitoredWard() ? 0.75 : 0.08);
        nextObservationDue = rnd.nextLong(0, 60);
    }

    private void prescribeRoutineDoses(boolean infected) {
        for (int d = 0; d < REGULAR_DRUGS.length; d++) {
            boolean indicated = d != 2 || profile.hypertension();
            if (indicated && rnd.nextDouble() < REGULAR_SHARE[d]) {
                for (int hour : REGULAR_HOURS[d]) {
                    dose(hour * 60, REGULAR_DRUGS[d]);
                }
            }
        }
        if (profile.betaBlocker()) {
            dose(8 * 60, DRUG_METOPROLOL);
            dose(20 * 60, DRUG_METOPROLOL);
        }
        if (atrialFibrillation) {
            dose(9 * 60, DRUG_APIXABAN);
            dose(21 * 60, DRUG_APIXABAN);
        } else if (rnd.nextDouble() < 0.6) {
            dose(18 * 60, DRUG_HEPARIN);
        }
        if (profile.heartDisease() && rnd.nextDouble() < 0.4) {
            dose(8 * 60, DRUG_FUROSEMIDE);
        }
        if (diabetic) {
            for (int hour : new int[] {8, 12, 18, 22}) {
                dose(hour * 60, DRUG_INSULIN);
            }
        }
        if (infected) {
            dose(10 * 60, DRUG_CEFTRIAXONE);
        }
    }

    private void dose(int minuteOfDay, String[] drug) {
        routineDoses.add(new Dose(minuteOfDay, drug));
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
        e.put("copd", profile.copd() ? 1 : 0);
        e.put("anaemia", profile.anaemia() ? 1 : 0);
        e.put("beta_blocker", profile.betaBlocker() ? 1 : 0);
        e.put("spo2_scale", profile.spo2Scale());
        return e;
    }

    /** Emits the events recorded during simulated minute {@code minute} (since the start). */
    void step(long minute, Instant minuteStart, BiConsumer<EventKind, ObjectNode> out) {
        if (leftWard) {
            return;
        }
        Emitter emit = new Emitter(minute, minuteStart, out);
        advanceCourse(minute, emit);
        if (minute >= outcomeRecordedAt && leavesAtRecord) {
            leftWard = true;
            return;
        }
        long minuteOfDay = Math.floorMod(minuteStart.getEpochSecond() / 60, 1440);
        giveRoutineDoses(minuteOfDay, emit);
        giveTreatment(minute, emit);
        boolean worried = severity > 0.2 && rnd.nextDouble() < 0.006 * severity;
        if (minute >= nextObservationDue || worried) {
            observe(minute, minuteOfDay, emit);
        }
        // A nurse's worry also reaches a doctor now and then, before any score does: labs on suspicion.
        if (worried && reviewAt < minute && minute - lastReview > 240 && rnd.nextDouble() < 0.25) {
            reviewAt = minute + Math.round(PatientProfile.logNormal(rnd, 40, 0.6));
        }
        if (onMonitor && minute % MONITOR_INTERVAL == 0) {
            emit.at(EventKind.VITALS, monitorReading(minute, minuteOfDay), rnd.nextInt(60));
        }
        if (minute == reviewAt) {
            review(minute, emit);
        }
        if (morningBloods && minuteOfDay == 6 * 60) {
            orderLabs(MORNING_LABS, emit, 60, 150);
        }
        if (minute == 30) {
            orderLabs(REVIEW_LABS, emit, 45, 120);
        }
        if (rnd.nextDouble() < MINOR_EVENT_RATE) {
            ObjectNode e = header(null, "ehr");
            e.put("event_type", MINOR_EVENTS[rnd.nextInt(MINOR_EVENTS.length)]);
            e.put("severity", rnd.nextBoolean() ? "mild" : "moderate");
            emit.at(EventKind.ADVERSE_EVENTS, e, rnd.nextInt(60));
        }
    }

    private void advanceCourse(long minute, Emitter emit) {
        if (syndrome == null || minute < onsetMinute) {
            return;
        }
        if (syndrome == Syndrome.SUDDEN) {
            if (minute == onsetMinute) {
                outcome(minute, emit);
            }
            return;
        }
        if (!recovering && minute >= treatmentTurnsAt) {
            recovering = true;
        }
        if (recovering) {
            severity = Math.max(0, severity - ratePerMinute * 0.2 * rnd.nextDouble() * 2);
        } else if (!outcomeHappened) {
            severity += ratePerMinute * rnd.nextDouble() * 2;
            if (severity >= peak) {
                severity = peak;
                if (peak >= 1) {
                    outcome(minute, emit);
                } else {
                    recovering = true;
                }
            }
        }
    }

    private void outcome(long minute, Emitter emit) {
        outcomeHappened = true;
        String type = syndrome.outcome(rnd);
        long delay = Syndrome.documentationDelayMinutes(type, rnd);
        outcomeRecordedAt = minute + delay;
        leavesAtRecord = type.equals("icu_transfer") || type.equals("cardiac_arrest") || rnd.nextBoolean();
        if (!leavesAtRecord) {
            // Treated where they are: the worst is over once it is recognised.
            recovering = true;
        }
        ObjectNode e = header(null, "ehr");
        e.put("event_type", type);
        e.put("severity", type.equals("cardiac_arrest") && rnd.nextDouble() < 0.7 ? "fatal"
                : rnd.nextBoolean() ? "life_threatening" : "severe");
        emit.at(EventKind.ADVERSE_EVENTS, e, delay * 60 + rnd.nextInt(60));
    }

    private void giveRoutineDoses(long minuteOfDay, Emitter emit) {
        for (Dose dose : routineDoses) {
            if (dose.minuteOfDay() != minuteOfDay || rnd.nextDouble() < 0.05) {
                continue;
            }
            String[] drug = dose.drug();
            // Nurses hold a beta-blocker when the pressure is low: a missing dose that says something.
            if (drug == DRUG_METOPROLOL && lastSystolic < 100) {
                continue;
            }
            emit.at(EventKind.MEDICATIONS, medication(drug), rnd.nextLong(0, 45 * 60));
        }
    }

    private void giveTreatment(long minute, Emitter emit) {
        if (minute >= nextAntibioticDose) {
            emit.at(EventKind.MEDICATIONS, medication(DRUG_PIPTAZ), rnd.nextInt(60));
            nextAntibioticDose = minute + 8 * 60;
        }
        if (minute >= nextNebuliser) {
            emit.at(EventKind.MEDICATIONS, medication(DRUG_SALBUTAMOL), rnd.nextInt(60));
            nextNebuliser = recovering && severity < 0.3 ? Long.MAX_VALUE : minute + 4 * 60;
        }
        if (minute >= nextVasopressorCharting) {
            emit.at(EventKind.MEDICATIONS, medication(DRUG_NOREPINEPHRINE), rnd.nextInt(60));
            nextVasopressorCharting = recovering && severity < 0.4 ? Long.MAX_VALUE : minute + 60;
        }
    }

    /** A nurse's set of observations, and what its NEWS2 then asks for (RCP 2017, chart 2). */
    private void observe(long minute, long minuteOfDay, Emitter emit) {
        Vitals v = vitals(minute, minuteOfDay);
        boolean night = minuteOfDay >= 22 * 60 || minuteOfDay < 7 * 60;
        // Oxygen is started for a saturation below the prescribed target, and weaned once it is comfortably above.
        double targetLow = profile.spo2Scale() == 2 ? 88 : 94;
        if (!onOxygen && v.spo2 < targetLow && rnd.nextDouble() < 0.85) {
            onOxygen = true;
        } else if (onOxygen && v.spo2 > targetLow + 3 && severity < 0.3 && rnd.nextDouble() < 0.3) {
            onOxygen = false;
        }
        v.rr = rnd.nextBoolean() ? 2 * Math.round(v.rr / 2) : v.rr;
        ObjectNode e = header(null, null);
        e.put("device_id", handheldId);
        boolean bp = rnd.nextDouble() > 0.02;
        long hr = transcribe(within("heart_rate", v.hr));
        long rr = transcribe(within("respiratory_rate", v.rr));
        e.put("heart_rate", hr);
        if (bp) {
            long sbp = Math.round(v.sbp);
            e.put("systolic_bp", sbp);
            e.put("diastolic_bp", Math.min(sbp - 10, Math.round(v.dbp)));
        }
        e.put("respiratory_rate", rr);
        e.put("spo2", Math.min(100, Math.round(v.spo2)));
        boolean temperature = rnd.nextDouble() > 0.05;
        if (temperature) {
            putTemperature(e, v.temp);
        }
        e.put("supplemental_oxygen", onOxygen);
        String avpu = rnd.nextDouble() < 0.03 ? null : v.avpu;
        if (avpu != null) {
            e.put("consciousness", avpu);
        }
        // The generator may damage the record on its way out (a fault), so NEWS2 is scored from what was charted first.
        News2.Score news2 = News2.score((double) rr, v.spo2, onOxygen, bp ? v.sbp : null, (double) hr, avpu,
                temperature ? v.temp : null, profile.spo2Scale() == 2 ? News2.SpO2Scale.SCALE_2 : News2.SpO2Scale.SCALE_1);
        emit.at(EventKind.VITALS, e, rnd.nextInt(60));
        lastSystolic = bp ? v.sbp : lastSystolic;
        boolean anyThree = news2.risk() == News2.Risk.LOW_MEDIUM;
        long interval;
        if (news2.total() >= 7) {
            interval = 15;
            onMonitor = true;
            if (!rapidResponseCalled) {
                rapidResponseCalled = true;
                ObjectNode call = header(null, "ehr");
                call.put("event_type", "rapid_response_call");
                call.put("severity", "moderate");
                emit.at(EventKind.ADVERSE_EVENTS, call, 60L * rnd.nextLong(1, 10));
            }
        } else if (news2.total() >= 5 || anyThree) {
            interval = 60;
        } else if (news2.total() >= 1) {
            interval = rnd.nextLong(240, 361);
        } else {
            interval = 720;
        }
        if ((news2.total() >= 5 || anyThree) && reviewAt < minute && minute - lastReview > 240) {
            reviewAt = minute + Math.round(PatientProfile.logNormal(rnd, night ? 45 : 25, 0.6));
        }
        if (v.temp >= 38 && minute - paracetamolAt > 240 && rnd.nextDouble() < 0.8) {
            paracetamolAt = minute;
            emit.at(EventKind.MEDICATIONS, medication(DRUG_PARACETAMOL), 60L * rnd.nextLong(5, 30));
        }
        // Observations come late, and some are missed altogether: more so at night.
        long due = minute + interval;
        if (rnd.nextDouble() < (night ? 0.15 : 0.07)) {
            due += interval;
        }
        nextObservationDue = due + Math.round(PatientProfile.logNormal(rnd, night ? 20 : 10, 0.9));
    }

    /** What a bedside monitor streams: heart rate, SpO2 and respiratory rate, blood pressure every half hour. */
    private ObjectNode monitorReading(long minute, long minuteOfDay) {
        Vitals v = vitals(minute, minuteOfDay);
        ObjectNode e = header(null, null);
        e.put("device_id", monitorId);
        double hr = v.hr;
        double rr = v.rr + PatientProfile.gaussian(rnd, 0, 1.5);
        double spo2 = v.spo2;
        double artefact = rnd.nextDouble();
        if (artefact < 0.02) {
            // Movement: a spike in the ECG-derived rate and the impedance respiratory rate.
            hr += 25 + 35 * rnd.nextDouble();
            rr += 8 + 12 * rnd.nextDouble();
        } else if (artefact < 0.035) {
            // Probe off or poorly perfused finger.
            spo2 = 60 + 24 * rnd.nextDouble();
        }
        e.put("heart_rate", within("heart_rate", hr));
        e.put("respiratory_rate", within("respiratory_rate", rr));
        e.put("spo2", Math.min(100, Math.round(spo2)));
        if (minute % 30 == 0) {
            long sbp = Math.round(v.sbp);
            e.put("systolic_bp", sbp);
            e.put("diastolic_bp", Math.min(sbp - 10, Math.round(v.dbp)));
            lastSystolic = v.sbp;
        }
        return e;
    }

    /** The clinician's review: labs, and the treatment for what they take it to be. */
    private void review(long minute, Emitter emit) {
        lastReview = minute;
        orderLabs(REVIEW_LABS, emit, 15, 90);
        boolean active = syndrome != null && syndrome != Syndrome.SUDDEN && minute >= onsetMinute && severity > 0.1;
        Syndrome suspected = active && rnd.nextDouble() < 0.8 ? syndrome : rnd.nextDouble() < 0.4 ? Syndrome.SEPSIS : null;
        if (suspected == null) {
            return;
        }
        switch (suspected) {
            case SEPSIS -> {
                if (nextAntibioticDose == Long.MAX_VALUE) {
                    nextAntibioticDose = minute + rnd.nextLong(15, 90);
                }
                giveFluids(minute, emit);
            }
            case HAEMORRHAGE -> {
                giveFluids(minute, emit);
                transfusedAt = minute + rnd.nextLong(45, 120);
                emit.at(EventKind.MEDICATIONS, medication(DRUG_RED_CELLS), (transfusedAt - minute) * 60);
            }
            case RESPIRATORY -> {
                onOxygen = true;
                if (nextNebuliser == Long.MAX_VALUE) {
                    nextNebuliser = minute + rnd.nextLong(10, 40);
                }
            }
            default -> { }
        }
        if ((suspected == Syndrome.SEPSIS || suspected == Syndrome.HAEMORRHAGE) && lastSystolic < 90
                && nextVasopressorCharting == Long.MAX_VALUE) {
            nextVasopressorCharting = minute + rnd.nextLong(30, 90);
        }
        if (suspected == syndrome && !recovering && treatmentTurnsAt == Long.MAX_VALUE && severity < 0.98
                && rnd.nextDouble() < syndrome.treatable) {
            treatmentTurnsAt = minute + rnd.nextLong(syndrome.effectAfterMin, syndrome.effectAfterMax + 1);
        }
    }

    private void giveFluids(long minute, Emitter emit) {
        fluidsAt = minute + 20;
        emit.at(EventKind.MEDICATIONS, medication(DRUG_SALINE), 60L * rnd.nextLong(5, 30));
    }

    /** Blood drawn now; each result is recorded when the lab reports it, minutes to hours later. */
    private void orderLabs(String[] tests, Emitter emit, int fastestMinutes, int slowestMinutes) {
        for (String test : tests) {
            // A blood gas gives lactate within minutes; the main lab takes longer.
            long turnaround = test.equals("lactate") ? rnd.nextLong(10, 25) : rnd.nextLong(fastestMinutes, slowestMinutes + 1);
            emit.at(EventKind.LABS, lab(test), turnaround * 60 + rnd.nextInt(60));
        }
    }

    /** Observable physiology now: baseline, rhythm, syndrome, treatment, and measurement noise. */
    private Vitals vitals(long minute, long minuteOfDay) {
        double circadian = Math.sin((minuteOfDay / 60.0 - 10) / 24.0 * 2 * Math.PI);
        double s = minute >= onsetMinute ? severity : 0;
        double blunted = profile.betaBlocker() ? 0.45 : 1;
        Vitals v = new Vitals();
        v.hr = baseHr + 4 * circadian + (atrialFibrillation ? PatientProfile.gaussian(rnd, 0, 12) : 0);
        v.sbp = baseSbp + 4 * circadian;
        v.dbp = baseDbp + 2 * circadian;
        v.rr = baseRr;
        v.spo2 = baseSpo2;
        v.temp = baseTemp + 0.25 * circadian;
        double confusion = delirium ? 0.35 : 0.005;
        if (postOperative) {
            double recovery = Math.exp(-minute / 900.0);
            v.hr += 12 * recovery;
            v.temp += 0.7 * recovery;
            v.rr += 2 * recovery;
        }
        if (syndrome != null && s > 0) {
            // Vital signs lag the process: they show late in its course (a convex signature); labs move earlier.
            double late = s * s;
            switch (syndrome) {
                case SEPSIS -> {
                    v.hr += 35 * late * blunted;
                    v.rr += 12 * late;
                    v.temp += 2.2 * s * feverResponse;
                    v.sbp -= 45 * s * s;
                    v.dbp -= 20 * s * s;
                    v.spo2 -= 3 * late;
                    confusion += Math.max(0, (s - 0.55) * 1.6);
                }
                case HAEMORRHAGE -> {
                    v.hr += 55 * late * blunted;
                    v.sbp -= 10 * s + 50 * s * s * s;
                    v.dbp -= 5 * s + 25 * s * s * s;
                    v.rr += 8 * late;
                    v.spo2 -= 2 * late;
                    confusion += Math.max(0, (s - 0.75) * 2);
                }
                case RESPIRATORY -> {
                    v.rr += 16 * late;
                    v.spo2 -= (profile.copd() ? 10 : 14) * late;
                    v.hr += 22 * late * blunted;
                    v.temp += 0.8 * s * feverResponse;
                    confusion += profile.copd() ? Math.max(0, (s - 0.7) * 1.5) : 0;
                }
                case NEUROLOGICAL -> {
                    v.sbp += 25 * s;
                    v.hr -= 6 * s;
                    v.rr += 3 * s;
                    confusion += Math.pow(s, 1.3);
                }
                default -> { }
            }
        }
        double fluids = decay(minute, fluidsAt, 180);
        v.sbp += 14 * fluids + (nextVasopressorCharting != Long.MAX_VALUE ? 28 : 0) + 10 * decay(minute, transfusedAt, 360);
        v.dbp += 6 * fluids + (nextVasopressorCharting != Long.MAX_VALUE ? 12 : 0);
        v.hr -= 8 * fluids + 8 * decay(minute, transfusedAt, 360);
        v.temp -= 0.9 * decay(minute, paracetamolAt, 240) * Math.max(0, v.temp - 37);
        if (onOxygen) {
            v.spo2 = profile.spo2Scale() == 2 ? Math.max(v.spo2, Math.min(92, v.spo2 + 6)) : v.spo2 + 6;
        }
        v.hr += PatientProfile.gaussian(rnd, 0, 3);
        v.sbp += PatientProfile.gaussian(rnd, 0, 6);
        v.dbp += PatientProfile.gaussian(rnd, 0, 4);
        v.rr += PatientProfile.gaussian(rnd, 0, 1.2);
        v.spo2 = Math.min(100, v.spo2 + PatientProfile.gaussian(rnd, 0, 0.9));
        v.temp += PatientProfile.gaussian(rnd, 0, 0.15);
        v.dbp = Math.min(v.dbp, v.sbp - 15);
        v.avpu = "A";
        if (rnd.nextDouble() < confusion) {
            v.avpu = s > 0.85 ? (rnd.nextBoolean() ? "V" : "P") : "C";
        }
        return v;
    }

    /** What is left of a treatment's effect {@code halfLife}-ish minutes after it was given (0 before). */
    private static double decay(long minute, long givenAt, double timeConstant) {
        return minute < givenAt ? 0 : Math.exp(-(minute - givenAt) / timeConstant);
    }

    /**
     * Sometimes two digits are swapped on the way into the chart (a 72 becomes 27), but only where the result still
     * looks possible: a transcription error reaches silver and the features, it is not a fault for quarantine.
     */
    private long transcribe(long value) {
        long swapped = (value % 10) * 10 + value / 10;
        boolean plausible = swapped >= 20 && swapped <= 70;
        return value >= 10 && value < 100 && plausible && rnd.nextDouble() < 0.004 ? swapped : value;
    }

    /** A reading rounded and kept within silver's physiological range, so artefacts look possible, not impossible. */
    private static long within(String vital, double value) {
        PhysiologicalRanges.Range r = PhysiologicalRanges.VITALS.get(vital);
        return (long) Math.max(r.min(), Math.min(r.max(), Math.round(value)));
    }

    private void putTemperature(ObjectNode e, double celsius) {
        if (rnd.nextDouble() < fahrenheitRate) {
            e.put("temperature", PatientProfile.round1(celsius * 9 / 5 + 32));
            e.put("temperature_unit", "F");
        } else {
            e.put("temperature", PatientProfile.round1(celsius));
            e.put("temperature_unit", "C");
        }
    }

    private ObjectNode medication(String[] drug) {
        ObjectNode e = header(null, "emar");
        e.put("drug", drug[0]);
        e.put("drug_class", drug[1]);
        e.put("dose", Double.parseDouble(drug[2]));
        e.put("dose_unit", drug[3]);
        e.put("route", drug[4]);
        return e;
    }

    private ObjectNode lab(String test) {
        ObjectNode e = header(null, "lis");
        e.put("test", test);
        double s = severity;
        boolean sepsis = syndrome == Syndrome.SEPSIS;
        boolean bleeding = syndrome == Syndrome.HAEMORRHAGE;
        boolean alternateUnit = rnd.nextDouble() < 0.25;
        double value;
        String unit;
        switch (test) {
            case "lactate" -> {
                value = baseLactate + (sepsis ? 5 * s : 0) + (bleeding ? 4 * s : 0)
                        + (syndrome == Syndrome.RESPIRATORY ? 1.5 * s : 0);
                value = Math.max(0.3, value * PatientProfile.logNormal(rnd, 1, 0.08));
                unit = "mmol/L";
                if (alternateUnit) {
                    value *= 9.008;
                    unit = "mg/dL";
                }
            }
            case "creatinine" -> {
                value = baseCreatinine * (1 + (sepsis ? 1.0 * s : 0) + (bleeding ? 0.5 * s : 0))
                        * PatientProfile.logNormal(rnd, 1, 0.05);
                unit = "umol/L";
                if (alternateUnit) {
                    value /= 88.42;
                    unit = "mg/dL";
                }
            }
            case "wbc" -> {
                value = Math.max(0.5, baseWbc + (sepsis ? (leukopenic ? -4 : 10) * s : 2 * s)
                        + PatientProfile.gaussian(rnd, 0, 0.6));
                unit = "10^9/L";
            }
            case "glucose" -> {
                value = Math.max(2.5, baseGlucose + (sepsis ? 2 * s : 0) + PatientProfile.gaussian(rnd, 0, diabetic ? 2 : 0.6));
                unit = "mmol/L";
                if (alternateUnit) {
                    value *= 18.016;
                    unit = "mg/dL";
                }
            }
            case "potassium" -> {
                value = basePotassium + (sepsis ? 0.5 * s : 0) + PatientProfile.gaussian(rnd, 0, 0.15);
                unit = "mmol/L";
            }
            case "haemoglobin" -> {
                value = Math.max(40, baseHaemoglobin - (bleeding ? 45 * s : 0) + PatientProfile.gaussian(rnd, 0, 3));
                unit = "g/L";
                if (alternateUnit) {
                    value /= 10;
                    unit = "g/dL";
                }
            }
            default -> {
                value = baseSodium - (sepsis ? 3 * s : 0) + PatientProfile.gaussian(rnd, 0, 1);
                unit = "mmol/L";
            }
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
        if (at != null) {
            e.put("event_time", at.toString());
        }
        return e;
    }

    private record Dose(int minuteOfDay, String[] drug) {}

    /** One observation's physiology, before it is written down. */
    private static final class Vitals {
        double hr;
        double sbp;
        double dbp;
        double rr;
        double spo2;
        double temp;
        String avpu;
    }

    /** Stamps events with their time: now, or later (a lab result, a dose, a delayed record); never past the window. */
    private final class Emitter {
        private final long minute;
        private final Instant minuteStart;
        private final BiConsumer<EventKind, ObjectNode> out;

        Emitter(long minute, Instant minuteStart, BiConsumer<EventKind, ObjectNode> out) {
            this.minute = minute;
            this.minuteStart = minuteStart;
            this.out = out;
        }

        void at(EventKind kind, ObjectNode event, long secondsFromMinuteStart) {
            if (minute + secondsFromMinuteStart / 60 >= simulatedMinutes) {
                return;
            }
            event.put("event_time", minuteStart.plusSeconds(secondsFromMinuteStart).toString());
            out.accept(kind, event);
        }
    }
}
