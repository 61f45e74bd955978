package io.clinicalpipeline.cli;

import io.clinicalpipeline.model.eval.BinaryMetrics;
import io.clinicalpipeline.model.ml.classification.GbtClassifier;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.classification.TrainingTrace;
import io.clinicalpipeline.model.ml.common.InMemoryPoints;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.linalg.typeinfo.DenseVectorTypeInfo;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * {@code bin/pipeline bench train}: each estimator fitted on generated rows by the Flink jobs (cached shares, one
 * bounded job per round) and, as the baseline, by the same solver over the same rows in one thread in memory
 * ({@link InMemoryPoints}): time, rounds, rows/s per pass, peak heap, and the held-out AUROC of both fits.
 */
final class TrainBench {

    private TrainBench() {}

    /** A fit of one estimator on some points: its trace, and the probability it gives a feature vector. */
    private record Fit(TrainingTrace trace, ToDoubleFunction<double[]> probability) {}

    private interface Fitter {
        Fit flink(Table table) throws Exception;

        Fit memory(List<double[]> points) throws Exception;
    }

    static int run(String[] args) throws Exception {
        Options o = new Options("bench train",
                "Fits logistic regression and gradient-boosted trees on --rows generated rows (standard-normal\n"
                        + "features, a label with interactions and a threshold effect) with the Flink jobs, then with the\n"
                        + "same solver in one thread in memory (the baseline), and prints both fits' time, rounds, rows/s\n"
                        + "per pass, peak heap and held-out AUROC, and the ratio.")
                .option("rows", "N", "1000000", "training rows")
                .option("features", "N", "30", "features per row (plus a constant intercept term)")
                .option("held-out", "N", "100000", "rows scored for the AUROC of each fit")
                .option("algorithms", "lr,gbt", "lr,gbt", "which estimators to measure")
                .option("trees", "N", "20", "gbt: trees")
                .option("max-depth", "N", "5", "gbt: depth of each tree")
                .option("parallelism", "N", "2", "parallel subtasks of the Flink fit")
                .option("seed", "N", "7", "seed of the generated rows")
                .option("scratch-dir", "DIR", "", "where the Flink fit caches its points (default: the temp directory)");
        if (!o.parse(args)) {
            return 0;
        }
        int rows = o.getInt("rows");
        int d = o.getInt("features");
        long seed = o.getLong("seed");
        if (rows < 100 || d < 4) {
            throw new Options.UsageException("--rows must be at least 100 and --features at least 4", o);
        }
        List<double[]> heldOut = new ArrayList<>();
        for (long i = rows; i < rows + o.getLong("held-out"); i++) {
            heldOut.add(row(seed, i, d));
        }
        List<String> report = new ArrayList<>();
        try (Common.BoundedJobs jobs = Common.BoundedJobs.start(o.getInt("parallelism"))) {
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(jobs.env());
            Table table = tEnv.fromDataStream(jobs.env().fromSequence(0, rows - 1).map(i -> {
                double[] point = row(seed, i, d);
                return Row.of(Vectors.dense(java.util.Arrays.copyOfRange(point, 2, point.length)), point[0]);
            }).returns(new RowTypeInfo(new TypeInformation<?>[] {DenseVectorTypeInfo.INSTANCE, Types.DOUBLE},
                    new String[] {"features", "label"})).name("generated rows"));
            for (String algorithm : o.get("algorithms").split(",")) {
                Fitter fitter = switch (algorithm.trim()) {
                    case "lr" -> logistic(o);
                    case "gbt" -> trees(o);
                    default -> throw new Options.UsageException("--algorithms takes lr and gbt, got " + algorithm, o);
                };
                report.addAll(measure(algorithm.trim(), fitter, table, rows, d, seed, heldOut));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "bench train (%,d rows x %d features + intercept, parallelism %s; the baseline is "
                + "the same solver in one thread over the rows in memory):%n", rows, d, o.get("parallelism"));
        report.forEach(line -> System.out.println("  " + line));
        return 0;
    }

    private static List<String> measure(String name, Fitter fitter, Table table, int rows, int d, long seed,
                                        List<double[]> heldOut) throws Exception {
        System.out.println("bench: " + name + " with the Flink jobs ...");
        BenchCommand.resetPeakHeap();
        long started = System.nanoTime();
        Fit flink = fitter.flink(table);
        double flinkSeconds = (System.nanoTime() - started) / 1e9;
        long flinkHeap = BenchCommand.peakHeapBytes();

        System.out.println("bench: " + name + " in one thread in memory ...");
        BenchCommand.resetPeakHeap();
        started = System.nanoTime();
        List<double[]> points = new ArrayList<>(rows);
        for (long i = 0; i < rows; i++) {
            points.add(row(seed, i, d));
        }
        double generateSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        Fit memory = fitter.memory(points);
        double memorySeconds = (System.nanoTime() - started) / 1e9;
        long memoryHeap = BenchCommand.peakHeapBytes();

        int passes = flink.trace().rounds().size();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s: %d rounds%s", name, passes,
                flink.trace().converged() ? " (converged)" : ""));
        lines.add(String.format(Locale.ROOT, "  flink:      %6.1f s incl. caching (%.2f s per round), %,.0f rows/s per round,"
                        + " peak heap %,d MiB", flinkSeconds, flink.trace().millis() / 1000.0 / passes,
                rows / (flink.trace().millis() / 1000.0 / passes), flinkHeap >> 20));
        lines.add(String.format(Locale.ROOT, "  one thread: %6.1f s (+%.1f s building the rows), %,.0f rows/s per round,"
                        + " peak heap %,d MiB", memorySeconds, generateSeconds,
                rows / (memory.trace().millis() / 1000.0 / memory.trace().rounds().size()), memoryHeap >> 20));
        lines.add(String.format(Locale.ROOT, "  one-thread time / flink time = %.2f; held-out AUROC %.4f (flink) vs %.4f "
                        + "(one thread), max |score difference| %.1e", memorySeconds / flinkSeconds,
                auroc(flink, heldOut), auroc(memory, heldOut), maxDifference(flink, memory, heldOut)));
        return lines;
    }

    private static Fitter logistic(Options o) {
        LogisticRegression lr = new LogisticRegression().setReg(1e-4).setMaxIter(50).setTol(1e-8)
                .setScratchDir(o.get("scratch-dir"));
        return new Fitter() {
            @Override
            public Fit flink(Table table) {
                var model = lr.fit(table);
                return new Fit(model.trace(), x -> model.probability(Vectors.dense(x)));
            }

            @Override
            public Fit memory(List<double[]> points) throws Exception {
                InMemoryPoints memory = new InMemoryPoints(points);
                var model = lr.fit(memory, memory.run("check", lr.firstPass()).sum());
                return new Fit(model.trace(), x -> model.probability(Vectors.dense(x)));
            }
        };
    }

    private static Fitter trees(Options o) {
        GbtClassifier gbt = new GbtClassifier().setMaxIter(o.getInt("trees")).setMaxDepth(o.getInt("max-depth"))
                .setScratchDir(o.get("scratch-dir"));
        return new Fitter() {
            @Override
            public Fit flink(Table table) {
                var model = gbt.fit(table);
                return new Fit(model.trace(), model::probability);
            }

            @Override
            public Fit memory(List<double[]> points) throws Exception {
                points.replaceAll(GbtClassifier::withMargin);
                InMemoryPoints memory = new InMemoryPoints(points);
                var model = gbt.fit(memory, memory.run("bounds", gbt.firstPass()).sum());
                return new Fit(model.trace(), model::probability);
            }
        };
    }

    /**
     * Row i of the generated data, {@code [label, 1, x_1 … x_d, 1]}: standard-normal features; the label's log-odds
     * are linear in the first eight, plus an interaction and a threshold effect only trees can represent exactly.
     */
    static double[] row(long seed, long i, int d) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        double[] point = new double[d + 3];
        point[1] = 1;
        for (int j = 0; j < d; j++) {
            point[2 + j] = random.nextGaussian();
        }
        point[d + 2] = 1;
        double margin = -1.0;
        for (int j = 0; j < 8; j++) {
            margin += (j % 2 == 0 ? 0.6 : -0.4) * point[2 + j];
        }
        margin += 0.8 * point[2] * point[3] + (point[4] > 1 ? 1.5 : 0);
        point[0] = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
        return point;
    }

    private static double auroc(Fit fit, List<double[]> heldOut) {
        double[] scores = new double[heldOut.size()];
        double[] labels = new double[heldOut.size()];
        for (int i = 0; i < scores.length; i++) {
            double[] point = heldOut.get(i);
            scores[i] = fit.probability().applyAsDouble(java.util.Arrays.copyOfRange(point, 2, point.length));
            labels[i] = point[0];
        }
        return BinaryMetrics.of(scores, labels, 0.5).auroc();
    }

    private static double maxDifference(Fit a, Fit b, List<double[]> heldOut) {
        double max = 0;
        for (double[] point : heldOut) {
            double[] x = java.util.Arrays.copyOfRange(point, 2, point.length);
            max = Math.max(max, Math.abs(a.probability().applyAsDouble(x) - b.probability().applyAsDouble(x)));
        }
        return max;
    }
}
