package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.TrainingSet;
import io.clinicalpipeline.jobs.BoundedJobs;
import io.clinicalpipeline.retrain.Retrain;
import io.clinicalpipeline.retrain.RetrainPolicy;
import io.clinicalpipeline.train.Algorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bin/pipeline retrain}: retrains when the monitoring tables say so, and decides what the candidate becomes. */
@Command(name = "retrain", header = "retrains the risk model when drift or live performance cross a threshold (run it on a schedule)",
        description = "Reads the production model's newest feature_drift window and model_performance measurement "
                + "(written by the streaming job). When a top feature's PSI is over --max-psi, live AUROC is under "
                + "--min-auroc or under NEWS2's, nothing is in production, or with --force: builds a fresh training set "
                + "from the newest snapshot of patient_features (split by patient), trains a candidate, scores it and "
                + "production on the same held-out rows, and registers it: as challenger (with --challenger-share) when "
                + "it is better by --min-improvement with a paired 95% interval above 0, else in staging. Production "
                + "changes only with --promote-if-better. Every run adds a row with its reasons to retrain_decisions. "
                + "Exits 0 whether or not it retrained; non-zero when it could not decide.")
final class RetrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LakeOptions lake;

    @Mixin
    LabelOptions labels;

    @Option(names = "--force", description = "retrain whatever the monitoring says")
    boolean force;

    @Option(names = "--promote-if-better", description = "make a better candidate production (the previous one is archived; "
            + "bin/pipeline model rollback undoes it)")
    boolean promoteIfBetter;

    @Option(names = "--max-psi", paramLabel = "PSI", defaultValue = "0.2", description = "retrain when a top feature's PSI "
            + "in the newest drift window is above this")
    double maxPsi;

    @Option(names = "--min-auroc", paramLabel = "AUROC", defaultValue = "0.80", description = "retrain when the newest live "
            + "AUROC is below this")
    double minAuroc;

    @Option(names = "--min-labels", paramLabel = "N", defaultValue = "1000", description = "judge live performance only over "
            + "at least this many labelled predictions")
    long minLabels;

    @Option(names = "--lookback", paramLabel = "DURATION", defaultValue = "24h",
            description = "measurements older than this are not current")
    Duration lookback;

    @Option(names = "--min-improvement", paramLabel = "AUROC", defaultValue = "0.005", description = "AUROC a candidate must "
            + "gain over production on the same test rows to be better")
    double minImprovement;

    @Option(names = "--challenger-share", paramLabel = "F", defaultValue = "0.1", description = "share of patients a better "
            + "candidate scores as challenger (0: keep it in staging)")
    double challengerShare;

    @Option(names = "--algorithm", paramLabel = "lr|gbt", description = "the candidate's algorithm (default: production's, "
            + "or lr)")
    String algorithm;

    @Option(names = "--features", paramLabel = "A,B,…", split = ",", description = "the candidate's input columns "
            + "(default: production's, or every feature column of the training set when nothing is in production)")
    List<String> features = List.of();

    @Option(names = "--retune", description = "choose the candidate's hyperparameters again by cross-validation (default: "
            + "production's, when the algorithm is the same)")
    boolean retune;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "deterioration", description = "the model's name when "
            + "nothing is in production yet")
    String name;

    @Option(names = "--training-set", paramLabel = "TABLE", defaultValue = "retrain_set", description = "table the fresh "
            + "training set is (re)built in")
    String trainingSet;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallel subtasks of the batch jobs")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        Retrain.Settings settings;
        try {
            settings = new Retrain.Settings(new RetrainPolicy.Thresholds(maxPsi, minAuroc, minLabels, lookback, minImprovement),
                    force, promoteIfBetter, challengerShare, name, algorithm == null ? null : Algorithm.of(algorithm),
                    features, retune, new TrainingSet.Spec(trainingSet, labels.eventTypes, labels.horizon, labels.washout, 0.6, 0.2,
                            TrainingSet.SplitBy.PATIENT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (BoundedJobs jobs = BoundedJobs.start(parallelism)) {
            Retrain.Outcome outcome = Retrain.run(lake.lakehouse(), lake.database, settings, jobs.env(), System.out);
            System.out.println("retrain: decision " + outcome.action().id()
                    + (outcome.candidateVersion() == null ? "" : " for v" + outcome.candidateVersion())
                    + " recorded in " + lake.database + "." + Retrain.DECISIONS);
            return 0;
        }
    }
}
