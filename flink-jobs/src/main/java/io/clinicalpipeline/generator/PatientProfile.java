package io.clinicalpipeline.generator;

import java.util.SplittableRandom;

/**
 * What the admission record says about a patient: the attributes of the stroke-risk data sets the predecessor platform
 * used, plus the chronic conditions and prescriptions that move a ward patient's baseline vitals (see README,
 * "Simulation", for the prevalences and their sources).
 *
 * @param spo2Scale the NEWS2 SpO2 scale prescribed: 2 for a target of 88-92% (hypercapnic respiratory failure), else 1
 */
record PatientProfile(
        String patientId,
        int age,
        String gender,
        boolean hypertension,
        boolean heartDisease,
        String everMarried,
        String workType,
        String residenceType,
        double avgGlucoseMgDl,
        double bmi,
        double heightCm,
        String smokingStatus,
        String ward,
        boolean copd,
        boolean anaemia,
        boolean betaBlocker,
        int spo2Scale) {

    private static final String[] WORK = {"Private", "Self-employed", "Govt_job", "Never_worked"};
    private static final String[] SMOKING = {"never smoked", "formerly smoked", "smokes", "Unknown"};

    /** @param onWard the ward to admit to, or null to draw one of {@link GeneratorConfig#WARDS} */
    static PatientProfile random(String patientId, SplittableRandom rnd, String onWard) {
        // Ward inpatients are older than the population: median age about 65 (NHS Hospital Episode Statistics).
        int age = (int) Math.round(Math.max(18, Math.min(99, gaussian(rnd, 64, 17))));
        String gender = rnd.nextDouble() < 0.005 ? "Other" : (rnd.nextBoolean() ? "Female" : "Male");
        boolean hypertension = rnd.nextDouble() < 0.05 + age * 0.005;
        boolean heartDisease = rnd.nextDouble() < 0.02 + Math.max(0, age - 50) * 0.004;
        double glucose = Math.exp(gaussian(rnd, Math.log(100), 0.3)) + (rnd.nextDouble() < 0.1 ? 90 : 0);
        double bmi = Math.max(15, gaussian(rnd, 28, 5.5));
        double height = gaussian(rnd, gender.equals("Male") ? 176 : 163, 7);
        String smoking = SMOKING[weightedIndex(rnd, 0.45, 0.2, 0.17, 0.18)];
        // Drawn even when the ward is given, so the same seed admits the same patients, only elsewhere.
        String drawn = GeneratorConfig.WARDS.get(rnd.nextInt(GeneratorConfig.WARDS.size()));
        String ward = onWard != null ? onWard : drawn;
        boolean copd = rnd.nextDouble() < (ward.equals("respiratory") ? 0.35 : 0.08)
                + (smoking.equals("never smoked") ? 0 : 0.05) + Math.max(0, age - 60) * 0.002;
        // About half of COPD inpatients retain CO2 and are prescribed the 88-92% target that NEWS2 scores on scale 2.
        int spo2Scale = copd && rnd.nextDouble() < 0.5 ? 2 : 1;
        boolean anaemia = rnd.nextDouble() < 0.12 + Math.max(0, age - 70) * 0.004;
        boolean betaBlocker = rnd.nextDouble() < (heartDisease ? 0.55 : 0.05) + (hypertension ? 0.1 : 0);
        return new PatientProfile(patientId, age, gender, hypertension, heartDisease,
                age > 25 && rnd.nextDouble() < 0.75 ? "Yes" : "No",
                WORK[rnd.nextInt(WORK.length)],
                rnd.nextBoolean() ? "Urban" : "Rural",
                round1(glucose), round1(bmi), round1(height), smoking, ward, copd, anaemia, betaBlocker, spo2Scale);
    }

    double weightKg() {
        double metres = heightCm / 100.0;
        return round1(bmi * metres * metres);
    }

    /** Beds with bedside monitors streaming vitals: most of step-down and cardiology, a few elsewhere. */
    boolean monitoredWard() {
        return ward.equals("step-down") || ward.equals("cardiology");
    }

    boolean smokes() {
        return smokingStatus.equals("smokes");
    }

    static double gaussian(SplittableRandom rnd, double mean, double sd) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return mean + sd * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** An index drawn with probability proportional to its weight. */
    static int weightedIndex(SplittableRandom rnd, double... weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = rnd.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (x < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static <T> T pick(SplittableRandom rnd, T[] choices, double... weights) {
        return choices[weightedIndex(rnd, weights)];
    }

    /** A log-normal draw: {@code median} times e to a normal with standard deviation {@code sigma}. */
    static double logNormal(SplittableRandom rnd, double median, double sigma) {
        return median * Math.exp(gaussian(rnd, 0, sigma));
    }

    static double round1(double v) {
        return Math.round(v * 10.0) / 10.0;
    }
}
