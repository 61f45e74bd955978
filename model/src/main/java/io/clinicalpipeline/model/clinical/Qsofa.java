package io.clinicalpipeline.model.clinical;

import java.util.Locale;

/**
 * quick SOFA (Sepsis-3, Singer et al. 2016): one point each for respiratory rate ≥ 22/min, systolic blood
 * pressure ≤ 100 mmHg and altered mentation. Altered mentation is taken from ACVPU (anything but Alert),
 * the ward equivalent of a Glasgow Coma Scale below 15. A score of 2 or more flags possible sepsis.
 */
public final class Qsofa {

    /** Points per criterion (null when its input is missing) and their sum over what is present. */
    public record Score(Integer respiration, Integer systolic, Integer mentation, int total, boolean complete) {
        public boolean positive() {
            return total >= 2;
        }
    }

    private Qsofa() {}

    public static Score score(Double respiratoryRate, Double systolic, String acvpu) {
        Integer rr = respiratoryRate == null ? null : (Math.round(respiratoryRate) >= 22 ? 1 : 0);
        Integer sbp = systolic == null ? null : (Math.round(systolic) <= 100 ? 1 : 0);
        Integer mentation = acvpu == null ? null : (acvpu.trim().toUpperCase(Locale.ROOT).equals("A") ? 0 : 1);
        int total = (rr == null ? 0 : rr) + (sbp == null ? 0 : sbp) + (mentation == null ? 0 : mentation);
        return new Score(rr, sbp, mentation, total, rr != null && sbp != null && mentation != null);
    }
}
