package io.clinicalpipeline.model.clinical;

import java.util.Locale;

/**
 * National Early Warning Score 2 (Royal College of Physicians, 2017). Each of the seven parameters scores
 * 0–3 by the published bands; the total drives the clinical response.
 *
 * <p>The bands are defined on whole numbers (temperature on one decimal), so measurements are rounded half
 * up to that precision before banding: a heart rate of 90.4 scores like 90, 90.5 like 91. A missing
 * parameter scores nothing and marks the result incomplete rather than being guessed.
 */
public final class News2 {

    /** Scale 1 by default; scale 2 only for patients with a prescribed 88–92% target (hypercapnic failure). */
    public enum SpO2Scale { SCALE_1, SCALE_2 }

    /** Risk bands of the RCP chart. LOW_MEDIUM: total 0–4 but one parameter scoring 3. */
    public enum Risk { LOW, LOW_MEDIUM, MEDIUM, HIGH }

    /** Sub-scores (null where the parameter was missing), their total and the risk band. */
    public record Score(Integer respiration, Integer spo2, Integer airOrOxygen, Integer systolic, Integer pulse,
                        Integer consciousness, Integer temperature, int total, boolean complete, Risk risk) {}

    private News2() {}

    public static Score score(Double respiratoryRate, Double spo2, Boolean supplementalOxygen, Double systolic,
                              Double pulse, String avpu, Double temperatureC, SpO2Scale scale) {
        Integer rr = respiratoryRate == null ? null : respiration(respiratoryRate);
        Integer sat = null;
        if (spo2 != null && scale == SpO2Scale.SCALE_1) {
            sat = spo2Scale1(spo2);
        } else if (spo2 != null && supplementalOxygen != null) {
            // Scale 2 cannot be scored without knowing whether the patient is on oxygen.
            sat = spo2Scale2(spo2, supplementalOxygen);
        }
        Integer air = supplementalOxygen == null ? null : airOrOxygen(supplementalOxygen);
        Integer sbp = systolic == null ? null : systolic(systolic);
        Integer hr = pulse == null ? null : pulse(pulse);
        Integer cons = avpu == null ? null : consciousness(avpu);
        Integer temp = temperatureC == null ? null : temperature(temperatureC);
        Integer[] parts = {rr, sat, air, sbp, hr, cons, temp};
        int total = 0;
        boolean complete = true;
        boolean anyThree = false;
        for (Integer p : parts) {
            if (p == null) {
                complete = false;
            } else {
                total += p;
                anyThree |= p == 3;
            }
        }
        return new Score(rr, sat, air, sbp, hr, cons, temp, total, complete, risk(total, anyThree));
    }

    public static Risk risk(int total, boolean anySingleParameterScoresThree) {
        if (total >= 7) {
            return Risk.HIGH;
        }
        if (total >= 5) {
            return Risk.MEDIUM;
        }
        return anySingleParameterScoresThree ? Risk.LOW_MEDIUM : Risk.LOW;
    }

    public static int respiration(double perMinute) {
        long v = Math.round(perMinute);
        if (v <= 8) {
            return 3;
        }
        if (v <= 11) {
            return 1;
        }
        if (v <= 20) {
            return 0;
        }
        return v <= 24 ? 2 : 3;
    }

    public static int spo2Scale1(double percent) {
        long v = Math.round(percent);
        if (v <= 91) {
            return 3;
        }
        if (v <= 93) {
            return 2;
        }
        return v <= 95 ? 1 : 0;
    }

    /** Scale 2: below 88% scores as on scale 1's low side; above 92% scores only on oxygen. */
    public static int spo2Scale2(double percent, boolean onOxygen) {
        long v = Math.round(percent);
        if (v <= 83) {
            return 3;
        }
        if (v <= 85) {
            return 2;
        }
        if (v <= 87) {
            return 1;
        }
        if (v <= 92 || !onOxygen) {
            return 0;
        }
        if (v <= 94) {
            return 1;
        }
        return v <= 96 ? 2 : 3;
    }

    public static int airOrOxygen(boolean onOxygen) {
        return onOxygen ? 2 : 0;
    }

    public static int systolic(double mmHg) {
        long v = Math.round(mmHg);
        if (v <= 90) {
            return 3;
        }
        if (v <= 100) {
            return 2;
        }
        if (v <= 110) {
            return 1;
        }
        return v <= 219 ? 0 : 3;
    }

    public static int pulse(double perMinute) {
        long v = Math.round(perMinute);
        if (v <= 40) {
            return 3;
        }
        if (v <= 50) {
            return 1;
        }
        if (v <= 90) {
            return 0;
        }
        if (v <= 110) {
            return 1;
        }
        return v <= 130 ? 2 : 3;
    }

    /** Alert scores 0; new confusion, voice, pain or unresponsive (ACVPU) score 3. */
    public static int consciousness(String acvpu) {
        String v = acvpu.trim().toUpperCase(Locale.ROOT);
        switch (v) {
            case "A":
                return 0;
            case "C":
            case "V":
            case "P":
            case "U":
                return 3;
            default:
                throw new IllegalArgumentException("consciousness '" + acvpu + "' is not one of A, C, V, P, U");
        }
    }

    public static int temperature(double celsius) {
        // Compare in tenths of a degree so 36.05 and 36.1 fall where the chart puts them.
        long tenths = Math.round(celsius * 10);
        if (tenths <= 350) {
            return 3;
        }
        if (tenths <= 360) {
            return 1;
        }
        if (tenths <= 380) {
            return 0;
        }
        return tenths <= 390 ? 1 : 2;
    }
}
