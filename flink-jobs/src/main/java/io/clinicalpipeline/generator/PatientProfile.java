package io.clinicalpipeline.generator;

import java.util.SplittableRandom;

/** Static patient attributes, shaped like the stroke-risk data sets the predecessor platform used. */
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
        String ward) {

    private static final String[] WORK = {"Private", "Self-employed", "Govt_job", "Never_worked"};
    private static final String[] SMOKING = {"never smoked", "formerly smoked", "smokes", "Unknown"};
    private static final String[] WARDS = {"medical", "surgical", "cardiology", "respiratory", "step-down"};

    static PatientProfile random(String patientId, SplittableRandom rnd) {
        int age = 18 + (int) Math.round(Math.min(77, Math.abs(gaussian(rnd, 48, 20))));
        String gender = rnd.nextDouble() < 0.005 ? "Other" : (rnd.nextBoolean() ? "Female" : "Male");
        boolean hypertension = rnd.nextDouble() < 0.05 + age * 0.004;
        boolean heartDisease = rnd.nextDouble() < 0.02 + Math.max(0, age - 50) * 0.004;
        double glucose = Math.exp(gaussian(rnd, Math.log(100), 0.3)) + (rnd.nextDouble() < 0.1 ? 90 : 0);
        double bmi = Math.max(15, gaussian(rnd, 28, 5.5));
        double height = gaussian(rnd, gender.equals("Male") ? 176 : 163, 7);
        return new PatientProfile(patientId, age, gender, hypertension, heartDisease,
                age > 25 && rnd.nextDouble() < 0.75 ? "Yes" : "No",
                WORK[rnd.nextInt(WORK.length)],
                rnd.nextBoolean() ? "Urban" : "Rural",
                round1(glucose), round1(bmi), round1(height),
                SMOKING[weightedIndex(rnd, 0.45, 0.2, 0.17, 0.18)],
                WARDS[rnd.nextInt(WARDS.length)]);
    }

    double weightKg() {
        double metres = heightCm / 100.0;
        return round1(bmi * metres * metres);
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

    static int weightedIndex(SplittableRandom rnd, double... weights) {
        double x = rnd.nextDouble();
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (x < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static double round1(double v) {
        return Math.round(v * 10.0) / 10.0;
    }
}
