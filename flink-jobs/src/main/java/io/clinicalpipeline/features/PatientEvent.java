package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.PatientHistory;
import org.apache.flink.types.Row;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A silver event reduced to what the features need, one flat Flink POJO for all kinds so a patient's
 * events travel in one keyed stream (and keyed state) without Kryo. Fields not of its kind are null.
 */
public class PatientEvent {
    public static final String VITALS = "VITALS";
    public static final String LAB = "LAB";
    public static final String MEDICATION = "MEDICATION";
    public static final String PROFILE = "PROFILE";

    public String kind;
    public String patientId;
    public long eventTime;
    /** With {@code detail} (drug or lab test), what tells two events of a patient at one moment apart, as in silver's key. */
    public String sourceId;
    public String detail;

    public Double heartRate;
    public Double systolicBp;
    public Double diastolicBp;
    public Double meanArterialPressure;
    public Double respiratoryRate;
    public Double spo2;
    public Double temperatureC;
    public Double shockIndex;
    public Boolean supplementalOxygen;
    public String consciousness;

    public String labTest;
    public Double labValue;

    public String drugClass;

    public Integer age;
    public String gender;
    public Boolean hypertension;
    public Boolean heartDisease;
    public String everMarried;
    public String workType;
    public String residenceType;
    public Double avgGlucoseLevel;
    public Double bmi;
    public Double weightKg;
    public String smokingStatus;
    public String ward;
    public Boolean copd;
    public Boolean anaemia;
    public Boolean betaBlocker;
    public Integer spo2Scale;

    public PatientEvent() {}

    static PatientEvent of(String kind, String patientId, long eventTime) {
        PatientEvent e = new PatientEvent();
        e.kind = kind;
        e.patientId = patientId;
        e.eventTime = eventTime;
        return e;
    }

    /**
     * Silver's primary key (without the day): an event delivered twice by a changelog is the same event. Compared field
     * by field, not as a joined string: it runs against every event in a patient's history for each one that arrives.
     */
    boolean sameEventAs(PatientEvent other) {
        return eventTime == other.eventTime && Objects.equals(kind, other.kind) && Objects.equals(sourceId, other.sourceId)
                && Objects.equals(detail, other.detail);
    }

    /** A silver row of {@code silver_vitals}, {@code silver_labs}, {@code silver_medications} or {@code silver_patients}. */
    public static PatientEvent fromSilver(String kind, Row row) {
        PatientEvent e = of(kind, row.getFieldAs("patient_id"),
                row.<LocalDateTime>getFieldAs("event_time").toInstant(ZoneOffset.UTC).toEpochMilli());
        e.sourceId = row.getFieldAs("source_id");
        switch (kind) {
            case VITALS -> {
                e.heartRate = row.getFieldAs("heart_rate");
                e.systolicBp = row.getFieldAs("systolic_bp");
                e.diastolicBp = row.getFieldAs("diastolic_bp");
                e.meanArterialPressure = row.getFieldAs("mean_arterial_pressure");
                e.respiratoryRate = row.getFieldAs("respiratory_rate");
                e.spo2 = row.getFieldAs("spo2");
                e.temperatureC = row.getFieldAs("temperature_c");
                e.shockIndex = row.getFieldAs("shock_index");
                e.supplementalOxygen = row.getFieldAs("supplemental_oxygen");
                e.consciousness = row.getFieldAs("consciousness");
            }
            case LAB -> {
                e.detail = e.labTest = row.getFieldAs("test");
                e.labValue = row.getFieldAs("value");
            }
            case MEDICATION -> {
                e.detail = row.getFieldAs("drug");
                e.drugClass = row.getFieldAs("drug_class");
            }
            case PROFILE -> {
                e.age = row.getFieldAs("age");
                e.gender = row.getFieldAs("gender");
                e.hypertension = row.getFieldAs("hypertension");
                e.heartDisease = row.getFieldAs("heart_disease");
                e.everMarried = row.getFieldAs("ever_married");
                e.workType = row.getFieldAs("work_type");
                e.residenceType = row.getFieldAs("residence_type");
                e.avgGlucoseLevel = row.getFieldAs("avg_glucose_level");
                e.bmi = row.getFieldAs("bmi");
                e.weightKg = row.getFieldAs("weight_kg");
                e.smokingStatus = row.getFieldAs("smoking_status");
                e.ward = row.getFieldAs("ward");
                e.copd = row.getFieldAs("copd");
                e.anaemia = row.getFieldAs("anaemia");
                e.betaBlocker = row.getFieldAs("beta_blocker");
                e.spo2Scale = row.getFieldAs("spo2_scale");
            }
            default -> throw new IllegalArgumentException("no silver table for patient event kind " + kind);
        }
        return e;
    }

    public void applyTo(PatientHistory history) {
        switch (kind) {
            case VITALS -> {
                Map<String, Double> m = new HashMap<>();
                m.put("heart_rate", heartRate);
                m.put("systolic_bp", systolicBp);
                m.put("diastolic_bp", diastolicBp);
                m.put("mean_arterial_pressure", meanArterialPressure);
                m.put("respiratory_rate", respiratoryRate);
                m.put("spo2", spo2);
                m.put("temperature_c", temperatureC);
                history.addVitals(eventTime, m, supplementalOxygen, consciousness, shockIndex);
            }
            case LAB -> history.addLab(eventTime, labTest, labValue);
            case MEDICATION -> history.addMedication(eventTime, drugClass);
            case PROFILE -> {
                Map<String, Object> p = new HashMap<>();
                p.put("age", age);
                p.put("gender", gender);
                p.put("hypertension", hypertension);
                p.put("heart_disease", heartDisease);
                p.put("ever_married", everMarried);
                p.put("work_type", workType);
                p.put("residence_type", residenceType);
                p.put("avg_glucose_level", avgGlucoseLevel);
                p.put("bmi", bmi);
                p.put("weight_kg", weightKg);
                p.put("smoking_status", smokingStatus);
                p.put("ward", ward);
                p.put("copd", copd);
                p.put("anaemia", anaemia);
                p.put("beta_blocker", betaBlocker);
                p.put("spo2_scale", spo2Scale);
                history.addProfile(eventTime, p);
            }
            default -> throw new IllegalStateException("unknown patient event kind " + kind);
        }
    }
}
