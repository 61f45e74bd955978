package io.clinicalpipeline.retrain;

import io.clinicalpipeline.model.eval.Bootstrap;
import io.clinicalpipeline.registry.ModelVersion;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When to retrain and what to do with the candidate, as pure functions of what the monitoring tables say and of the
 * candidate's comparison with production: the rules {@code bin/pipeline retrain} applies, kept apart so that each
 * branch is tested without a cluster.
 */
public final class RetrainPolicy {

    /** Why a retrain runs. */
    public enum Trigger { FORCED, NO_PRODUCTION, DRIFT, PERFORMANCE, BELOW_NEWS2 }

    /** What happens to the candidate: nothing trained, review only, challenger beside production, or production. */
    public enum Action {
        NONE, STAGING, CHALLENGER, PRODUCTION;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param maxPsi         retrain when a top feature's PSI in the newest drift window is above this
     * @param minAuroc       retrain when the newest live AUROC is below this
     * @param minLabels      live performance over fewer labelled predictions is not judged (too noisy)
     * @param lookback       measurements older than this are not current and are not judged
     * @param minImprovement the AUROC the candidate must gain over production on the same rows (besides a paired 95%
     *                       interval above 0) to be called better
     */
    public record Thresholds(double maxPsi, double minAuroc, long minLabels, Duration lookback, double minImprovement) {
        public Thresholds {
            if (!(maxPsi > 0) || !(minAuroc >= 0 && minAuroc <= 1) || minLabels < 0 || lookback.isNegative()
                    || lookback.isZero() || !(minImprovement >= 0 && minImprovement < 1)) {
                throw new IllegalArgumentException("retrain thresholds need --max-psi > 0, --min-auroc in [0, 1], "
                        + "--min-labels >= 0, a positive --lookback and --min-improvement in [0, 1)");
            }
        }
    }

    /** One feature of one {@code feature_drift} measurement. */
    public record DriftRow(String feature, LocalDateTime computedAt, long windowRows, Double psi, Integer topRank,
                           LocalDateTime windowStart, LocalDateTime windowEnd) {}

    /** One {@code model_performance} measurement of the production role. */
    public record PerformanceRow(LocalDateTime computedAt, long windowRows, long positives, Double auroc, Double news2Auroc) {}

    /**
     * What the monitoring said.
     *
     * @param drift       the top feature with the largest PSI in the newest window, or null when none is current
     * @param performance the newest current live measurement, or null
     */
    public record Check(List<Trigger> triggers, List<String> reasons, DriftRow drift, PerformanceRow performance) {
        public boolean triggered() {
            return !triggers.isEmpty();
        }
    }

    /**
     * The candidate and production scored on the same held-out rows (of patients neither trained on).
     *
     * @param productionAuroc null when there is no production model to compare with
     * @param difference      the candidate's AUROC minus production's, with its paired patient-bootstrap interval
     */
    public record Comparison(long rows, long positives, long patients, double candidateAuroc, Double productionAuroc,
                             double news2Auroc, Double difference, Bootstrap.Interval differenceInterval) {}

    public record Decision(Action action, String reason) {}

    private RetrainPolicy() {}

    /**
     * @param drift       the production version's {@code feature_drift} rows
     * @param performance its {@code model_performance} rows as production
     */
    public static Check check(Thresholds t, ModelVersion production, List<DriftRow> drift, List<PerformanceRow> performance,
                              boolean force, LocalDateTime now) {
        List<Trigger> triggers = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        if (force) {
            triggers.add(Trigger.FORCED);
            reasons.add("forced (--force)");
        }
        if (production == null) {
            triggers.add(Trigger.NO_PRODUCTION);
            reasons.add("no model is in production");
            return new Check(triggers, reasons, null, null);
        }
        LocalDateTime since = now.minus(t.lookback());
        DriftRow worst = newestDrift(drift, since).orElse(null);
        if (worst == null) {
            reasons.add("no drift measured for version " + production.version() + " since " + since
                    + " (the streaming job writes feature_drift every 5,000 scored rows)");
        } else if (worst.psi() > t.maxPsi()) {
            triggers.add(Trigger.DRIFT);
            reasons.add(String.format(Locale.ROOT, "drift: PSI %.3f of %s (top feature %d) is over %.2f in the window of "
                    + "%,d rows from %s to %s", worst.psi(), worst.feature(), worst.topRank(), t.maxPsi(),
                    worst.windowRows(), worst.windowStart(), worst.windowEnd()));
        } else {
            reasons.add(String.format(Locale.ROOT, "no drift: the largest PSI of a top feature is %.3f (%s), within %.2f",
                    worst.psi(), worst.feature(), t.maxPsi()));
        }
        PerformanceRow live = performance.stream().filter(p -> !p.computedAt().isBefore(since))
                .max(Comparator.comparing(PerformanceRow::computedAt)).orElse(null);
        boolean judged = live != null && live.auroc() != null && live.windowRows() >= t.minLabels();
        if (live == null) {
            reasons.add("no live performance measured since " + since);
        } else if (!judged) {
            reasons.add(String.format(Locale.ROOT, "live performance not judged: %,d labelled predictions (%,d positive), "
                    + "fewer than --min-labels %,d or one class only", live.windowRows(), live.positives(), t.minLabels()));
        } else {
            boolean low = live.auroc() < t.minAuroc();
            boolean belowNews2 = live.news2Auroc() != null && live.auroc() < live.news2Auroc();
            if (low) {
                triggers.add(Trigger.PERFORMANCE);
            }
            if (belowNews2) {
                triggers.add(Trigger.BELOW_NEWS2);
            }
            reasons.add(String.format(Locale.ROOT, "live AUROC %.3f over %,d labels (%s %.2f; NEWS2 %s on the same rows)",
                    live.auroc(), live.windowRows(), low ? "below" : "at or above", t.minAuroc(),
                    live.news2Auroc() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", live.news2Auroc())));
        }
        return new Check(triggers, reasons, worst, judged ? live : null);
    }

    /** The top feature with the largest PSI in the newest measurement since {@code since}. */
    private static Optional<DriftRow> newestDrift(List<DriftRow> drift, LocalDateTime since) {
        Optional<LocalDateTime> newest = drift.stream().map(DriftRow::computedAt).filter(at -> !at.isBefore(since))
                .max(Comparator.naturalOrder());
        return newest.flatMap(at -> drift.stream()
                .filter(d -> d.computedAt().equals(at) && d.topRank() != null && d.psi() != null)
                .max(Comparator.comparingDouble(DriftRow::psi)));
    }

    /**
     * Better means: no production to beat, or an AUROC gain of at least {@code minImprovement} whose paired interval
     * excludes 0. A better candidate becomes the challenger (or, with {@code promoteIfBetter}, production); any other
     * stays in staging for review. Production never changes without {@code promoteIfBetter}.
     */
    public static Decision decide(Comparison c, Thresholds t, boolean promoteIfBetter, double challengerShare) {
        Objects.requireNonNull(c);
        String measured = String.format(Locale.ROOT, "candidate AUROC %.4f, NEWS2 %.4f on the same %,d test rows (%,d "
                + "positive, %,d patients)", c.candidateAuroc(), c.news2Auroc(), c.rows(), c.positives(), c.patients());
        boolean better;
        String versus;
        if (c.productionAuroc() == null) {
            better = true;
            versus = "no production model to compare with";
        } else {
            Bootstrap.Interval ci = c.differenceInterval();
            better = c.difference() >= t.minImprovement() && ci.low() > 0;
            versus = String.format(Locale.ROOT, "production %.4f: difference %+.4f (95%% CI %+.4f to %+.4f), %s", c.productionAuroc(),
                    c.difference(), ci.low(), ci.high(), better ? "better" : "not better (needs at least "
                            + String.format(Locale.ROOT, "%+.4f", t.minImprovement()) + " and an interval above 0)");
        }
        String reason = measured + "; " + versus;
        if (better && promoteIfBetter) {
            return new Decision(Action.PRODUCTION, reason + "; promoted (--promote-if-better)");
        }
        if (better && c.productionAuroc() != null && challengerShare > 0) {
            return new Decision(Action.CHALLENGER, reason + String.format(Locale.ROOT, "; challenger for %.0f%% of patients",
                    challengerShare * 100));
        }
        return new Decision(Action.STAGING, reason + "; kept in staging for review"
                + (better ? " (promote it with bin/pipeline model promote, or run with --promote-if-better)" : ""));
    }
}
