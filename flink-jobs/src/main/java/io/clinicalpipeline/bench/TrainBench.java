package io.clinicalpipeline.bench;

import io.clinicalpipeline.jobs.BoundedJobs;
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
public final class TrainBench {

    private TrainBench() {}

    /** A fit of one estimator on some points: its trace, and the probability it gives a feature vector. */
    private record Fit(TrainingTrace trace, ToDoubleFunction<double[]> probability) {}

    private interface Fitter {
        Fit flink(Table table) throws Exception;

        Fit memory(List<double[]> points) throws Exception;
    }

    /**
     * @param rows training rows
     * @param features features per row (plus a constant intercept term)
     * @param heldOut rows scored for the AUROC of each fit
     * @param algorithms which estimators to measure: lr, gbt
     * @param trees gbt: trees
     * @param maxDepth gbt: depth of each tree
     * @param scratchDir where the Flink fit caches its points ("": the temp directory)
     */
    public record Settings(int rows, int features, long heldOut, List<String> algorithms, int trees, int maxDepth,
                           int parallelism, long seed, String scratchDir) {}

    public static void run(Settings p) throws Exception {
        int rows = p.rows();
        int d = p.features();
        long seed = p.seed();
        if (rows < 100 || d < 4) {
            throw new IllegalArgumentException("--rows must be at least 100 and --features at least 4");
        }
        List<double[]> heldOut = new ArrayList<>();
        for (long i = rows; i < rows + p.heldOut(); i++) {
            heldOut.add(row(seed, i, d));
        }
        List<String> report = new ArrayList<>();
        try (BoundedJobs jobs = BoundedJobs.start(p.parallelism())) {
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(jobs.env());
            Table table = tEnv.fromDataStream(jobs.env().fromSequence(0, rows - 1).map(i -> {
                double[] point = row(seed, i, d);
                return Row.of(Vectors.dense(java.util.Arrays.copyOfRange(point, 2, point.length)), point[0]);
            }).returns(new RowTypeInfo(new TypeInformation<?>[] {DenseVectorTypeInfo.INSTANCE, Types.DOUBLE},
                    new String[] {"features", "label"})).name("generated rows"));
            for (String algorithm : p.algorithms()) {
                Fitter fitter = switch (algorithm.trim()) {
                    case "lr" -> logistic(p);
                    case "gbt" -> trees(p);
                    default -> throw new IllegalArgumentException("--algorithms takes lr and gbt, got " + algorithm);
                };
                report.addAll(measure(algorithm.trim(), fitter, table, rows, d, seed, heldOut));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "bench train (%,d rows x %d features + intercept, parallelism %s; the baseline is "
                + "the same solver in one thread over the rows in memory):%n", rows, d, p.parallelism());
        report.forEach(line -> System.out.println("  " + line));
    }

    private static List<String> measure(String name, Fitter fitter, Table table, int rows, int d, long seed,
                                        List<double[]> heldOut) throws Exception {
        System.out.println("bench: " + name + " with the Flink jobs ...");
        Measure.resetPeakHeap();
        long started = System.nanoTime();
        Fit flink = fitter.flink(table);
        double flinkSeconds = (System.nanoTime() - started) / 1e9;
        long flinkHeap = Measure.peakHeapBytes();

        System.out.println("bench: " + name + " in one thread in memory ...");
        Measure.resetPeakHeap();
        started = System.nanoTime();
        List<double[]> points = new ArrayList<>(rows);
        for (long i = 0; i < rows; i++) {
            points.add(row(seed, i, d));
        }
        double generateSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        Fit memory = fitter.memory(points);
        double memorySeconds = (System.nanoTime() - started) / 1e9;
        long memoryHeap = Measure.peakHeapBytes();

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

    private static Fitter logistic(Settings p) {
        LogisticRegression lr = new LogisticRegression().setReg(1e-4).setMaxIter(50).setTol(1e-8)
                .setScratchDir(p.scratchDir());
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

    private static Fitter trees(Settings p) {
        GbtClassifier gbt = new GbtClassifier().setMaxIter(p.trees()).setMaxDepth(p.maxDepth())
                .setScratchDir(p.scratchDir());
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
