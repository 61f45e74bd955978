package io.clinicalpipeline.model.ml.common;

import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.functions.RichMapPartitionFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.UUID;

/**
 * Training points cached as one binary file per parallel subtask, so that an iterative solver runs each of its
 * rounds as one bounded job in which every subtask reads its own share and sums a small partial result.
 *
 * <p>Flink ML 2.3's iteration module is not available here (see ARCHITECTURE.md), and a Flink job graph has no
 * cycles without it; a round per job keeps all subtasks busy at the cost of one job submission per round. A point
 * is {@code [label, weight, x_1 … x_d]}; files live under a Flink {@link Path}, so on a cluster the scratch
 * directory must be a shared file system (the default, the JVM's temp directory, suits a single machine).
 */
public final class PartitionedPoints implements Points, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionedPoints.class);
    private static final TypeInformation<double[]> DOUBLES = PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO;
    private static final int BLOCK_POINTS = 4096;
    private static final int HEADER = 3;
    /**
     * Shares are scratch files read back by the same kind of machine; the native order spares a byte swap per
     * value on every pass.
     */
    private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.nativeOrder();

    /**
     * A sum over points: each subtask folds its share into a partial of {@code size(width)} values (width: values
     * per point); partials add up.
     */
    public interface Pass extends Serializable {
        int size(int width);

        void add(double[] partial, double[] point);

        /**
         * Folds another subtask's partial into {@code total}; element-wise addition unless a pass keeps minima or
         * maxima. Partials of subtasks that read no points are never merged.
         */
        default void merge(double[] total, double[] partial) {
            for (int i = 0; i < total.length; i++) {
                total[i] += partial[i];
            }
        }
    }

    /**
     * A pass that also changes each point before adding it, and keeps the change: the cached shares are rewritten
     * (a boosted model's running margin, features replaced by bin indices).
     */
    public interface Update extends Pass {
        void update(double[] point);
    }

    /** The summed partial of a pass and the points each subtask read (index = subtask). */
    public record PassResult(double[] sum, long[] pointsPerSubtask) {
        public long points() {
            long n = 0;
            for (long p : pointsPerSubtask) {
                n += p;
            }
            return n;
        }
    }

    private final StreamExecutionEnvironment env;
    private final Path directory;
    private final int width;
    private final int parallelism;
    /**
     * Rewrites go to the next generation's files and become current only once their job succeeded, so a restarted
     * task reads the unchanged previous generation again instead of applying an update twice.
     */
    private int generation;
    private int runs;

    private PartitionedPoints(StreamExecutionEnvironment env, Path directory, int width, int parallelism) {
        this.env = env;
        this.directory = directory;
        this.width = width;
        this.parallelism = parallelism;
    }

    /**
     * Runs one job that spreads {@code points} evenly over the environment's parallelism, writes each subtask's
     * share to its own file and runs {@code firstPass} over it on the way. Every point must have the same width
     * ({@code [label, weight, x…]}); the first pass's size must not depend on it.
     *
     * @param scratch a directory for the files, or empty for the JVM's temp directory
     */
    public static Cached cache(StreamExecutionEnvironment env, DataStream<double[]> points, String scratch,
                               String jobName, Pass firstPass) throws Exception {
        int parallelism = env.getParallelism();
        String base = scratch == null || scratch.isBlank() ? System.getProperty("java.io.tmpdir") : scratch;
        Path directory = new Path(base, "clinical-train-" + UUID.randomUUID());
        try {
            DataStream<double[]> partials = points.rebalance()
                    .fullWindowPartition()
                    .mapPartition(new WriteShare(directory, firstPass))
                    .returns(DOUBLES)
                    .name("cache training points")
                    .setParallelism(parallelism);
            Summed first = sum(partials, jobName, parallelism, firstPass);
            if (first.width < 0) {
                throw new IllegalArgumentException("the training input has no rows");
            }
            LOG.info("cached {} points of {} features in {} shares {} under {}", first.result.points(),
                    first.width - 2, parallelism, Arrays.toString(first.result.pointsPerSubtask()), directory);
            return new Cached(new PartitionedPoints(env, directory, first.width, parallelism), first.result);
        } catch (Exception e) {
            delete(directory);
            throw e;
        }
    }

    /**
     * Runs {@code pass} once over {@code points} in parallel without caching them, for estimators that need a
     * single pass (moments, counts).
     */
    public static PassResult aggregate(DataStream<double[]> points, String jobName, Pass pass) throws Exception {
        int parallelism = points.getExecutionEnvironment().getParallelism();
        DataStream<double[]> partials = points.rebalance()
                .fullWindowPartition()
                .mapPartition(new WriteShare(null, pass))
                .returns(DOUBLES)
                .name(jobName)
                .setParallelism(parallelism);
        return sum(partials, jobName, parallelism, pass).result;
    }

    /** The cached points and the result of the pass run while caching them. */
    public record Cached(PartitionedPoints points, PassResult firstPass) {}

    /** Runs {@code pass} over the cached points as one bounded job; subtask i reads share i. */
    @Override
    public PassResult run(String jobName, Pass pass) throws Exception {
        return read(jobName, pass, false);
    }

    /**
     * Runs {@code update} over the cached points as one bounded job, writing every updated point back: later
     * passes see the updated points.
     */
    @Override
    public PassResult rewrite(String jobName, Update update) throws Exception {
        PassResult result = read(jobName, update, true);
        for (int subtask = 0; subtask < parallelism; subtask++) {
            Path old = share(directory, subtask, generation);
            old.getFileSystem().delete(old, false);
        }
        generation++;
        return result;
    }

    /**
     * Subtasks leave their partials in files rather than send them through {@code executeAndCollect}: a round is
     * short, and the collect client's polling took half of each round's time.
     */
    private PassResult read(String jobName, Pass pass, boolean rewrite) throws Exception {
        int run = runs++;
        env.fromSequence(0, parallelism - 1)
                .name("shares").setParallelism(1)
                .partitionCustom(new ByIndex(), share -> share)
                .flatMap(new ReadShare(directory, generation, run, width, pass, rewrite))
                .returns(DOUBLES)
                .name(jobName)
                .setParallelism(parallelism)
                .sinkTo(new DiscardingSink<>())
                .name("partials written").setParallelism(parallelism);
        env.execute(jobName);
        Totals totals = new Totals(pass, parallelism);
        for (int subtask = 0; subtask < parallelism; subtask++) {
            Path file = partialFile(directory, run, subtask);
            totals.add(readDoubles(file));
            file.getFileSystem().delete(file, false);
        }
        return totals.result();
    }

    private static Path partialFile(Path directory, int run, int subtask) {
        return new Path(directory, "partial-" + run + "-" + subtask);
    }

    private static double[] readDoubles(Path file) throws IOException {
        FileSystem fs = file.getFileSystem();
        byte[] bytes = new byte[(int) fs.getFileStatus(file).getLen()];
        try (FSDataInputStream in = fs.open(file)) {
            int filled = 0;
            while (filled < bytes.length) {
                int read = in.read(bytes, filled, bytes.length - filled);
                if (read < 0) {
                    throw new IOException(file + " ended after " + filled + " of " + bytes.length + " bytes");
                }
                filled += read;
            }
        }
        double[] values = new double[bytes.length / Double.BYTES];
        ByteBuffer.wrap(bytes).order(ORDER).asDoubleBuffer().get(values);
        return values;
    }

    /** Features per point (the width without label and weight). */
    @Override
    public int features() {
        return width - 2;
    }

    @Override
    public void close() throws IOException {
        delete(directory);
    }

    private static void delete(Path directory) throws IOException {
        FileSystem fs = directory.getFileSystem();
        if (fs.exists(directory)) {
            fs.delete(directory, true);
        }
    }

    private record Summed(PassResult result, int width) {}

    private static Summed sum(DataStream<double[]> partials, String jobName, int parallelism, Pass pass)
            throws Exception {
        Totals totals = new Totals(pass, parallelism);
        int width = -1;
        try (CloseableIterator<double[]> it = partials.executeAndCollect(jobName)) {
            while (it.hasNext()) {
                double[] partial = it.next();
                int shareWidth = (int) partial[2];
                if (shareWidth >= 0 && width >= 0 && shareWidth != width) {
                    throw new IllegalArgumentException("training rows have features vectors of different sizes ("
                            + (width - 2) + " and " + (shareWidth - 2) + ")");
                }
                width = Math.max(width, shareWidth);
                totals.add(partial);
            }
        }
        return new Summed(totals.result(), width);
    }

    /**
     * Subtasks' partials ({@code [subtask, points, width, values…]}) merged by their pass; a subtask that read no
     * points has nothing to merge (its zeros would spoil a minimum).
     */
    private static final class Totals {
        private final Pass pass;
        private final long[] perSubtask;
        private double[] total;

        Totals(Pass pass, int parallelism) {
            this.pass = pass;
            this.perSubtask = new long[parallelism];
        }

        void add(double[] partial) {
            perSubtask[(int) partial[0]] += (long) partial[1];
            if (partial[1] == 0) {
                return;
            }
            double[] values = Arrays.copyOfRange(partial, HEADER, partial.length);
            if (total == null) {
                total = values;
            } else {
                pass.merge(total, values);
            }
        }

        PassResult result() {
            return new PassResult(total == null ? new double[0] : total, perSubtask);
        }
    }

    private static Path share(Path directory, int subtask, int generation) {
        return new Path(directory, "share-" + subtask + "-" + generation);
    }

    /** Sends share i to subtask i, so each subtask of a round reads exactly one file. */
    private static final class ByIndex implements Partitioner<Long> {
        @Override
        public int partition(Long share, int numPartitions) {
            return (int) (share % numPartitions);
        }
    }

    /** Folds a subtask's points into the pass and, unless {@code directory} is null, writes them to its share. */
    private static final class WriteShare extends RichMapPartitionFunction<double[], double[]> {
        private final Path directory;
        private final Pass pass;

        WriteShare(Path directory, Pass pass) {
            this.directory = directory;
            this.pass = pass;
        }

        @Override
        public void mapPartition(Iterable<double[]> points, Collector<double[]> out) throws Exception {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            double[] partial = new double[0];
            long count = 0;
            int width = -1;
            ByteBuffer block = null;
            DoubleBuffer doubles = null;
            try (FSDataOutputStream os = directory == null ? null : create(share(directory, subtask, 0))) {
                for (double[] point : points) {
                    if (width < 0) {
                        width = point.length;
                        partial = new double[pass.size(width)];
                        block = ByteBuffer.allocate(BLOCK_POINTS * width * Double.BYTES).order(ORDER);
                        doubles = block.asDoubleBuffer();
                    } else if (point.length != width) {
                        throw new IllegalArgumentException("training rows have features vectors of different sizes ("
                                + (width - 2) + " and " + (point.length - 2) + ")");
                    }
                    pass.add(partial, point);
                    count++;
                    if (os == null) {
                        continue;
                    }
                    doubles.put(point);
                    if (!doubles.hasRemaining()) {
                        os.write(block.array(), 0, block.capacity());
                        doubles.clear();
                    }
                }
                if (os != null && block != null) {
                    os.write(block.array(), 0, doubles.position() * Double.BYTES);
                }
            }
            out.collect(result(subtask, count, width, partial));
        }
    }

    private static FSDataOutputStream create(Path file) throws IOException {
        return file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE);
    }

    /**
     * Subtask i folds share i into the pass and writes its partial to a file of run {@code run}; a rewrite also
     * writes each updated point to the next generation.
     */
    private static final class ReadShare extends RichFlatMapFunction<Long, double[]> {
        private final Path directory;
        private final int generation;
        private final int run;
        private final int width;
        private final Pass pass;
        private final boolean rewrite;

        ReadShare(Path directory, int generation, int run, int width, Pass pass, boolean rewrite) {
            this.directory = directory;
            this.generation = generation;
            this.run = run;
            this.width = width;
            this.pass = pass;
            this.rewrite = rewrite;
        }

        @Override
        public void flatMap(Long share, Collector<double[]> unused) throws IOException {
            double[] partial = new double[pass.size(width)];
            long count = 0;
            int subtask = share.intValue();
            Path file = share(directory, subtask, generation);
            byte[] bytes = new byte[BLOCK_POINTS * width * Double.BYTES];
            double[] point = new double[width];
            DoubleBuffer doubles = ByteBuffer.wrap(bytes).order(ORDER).asDoubleBuffer();
            try (FSDataInputStream in = file.getFileSystem().open(file);
                 FSDataOutputStream out = rewrite ? create(share(directory, subtask, generation + 1)) : null) {
                int filled = 0;
                int read;
                while ((read = in.read(bytes, filled, bytes.length - filled)) >= 0) {
                    filled += read;
                    if (filled < bytes.length) {
                        continue;
                    }
                    count += fold(doubles, filled, point, partial, bytes, out);
                    filled = 0;
                }
                count += fold(doubles, filled, point, partial, bytes, out);
            }
            double[] result = result(subtask, count, width, partial);
            ByteBuffer encoded = ByteBuffer.allocate(result.length * Double.BYTES).order(ORDER);
            encoded.asDoubleBuffer().put(result);
            try (FSDataOutputStream out = create(partialFile(directory, run, subtask))) {
                out.write(encoded.array());
            }
        }

        private int fold(DoubleBuffer doubles, int filled, double[] point, double[] partial, byte[] bytes,
                         FSDataOutputStream out) throws IOException {
            int points = filled / (width * Double.BYTES);
            doubles.clear();
            for (int i = 0; i < points; i++) {
                doubles.get(point);
                if (out != null) {
                    ((Update) pass).update(point);
                    doubles.position(doubles.position() - width);
                    doubles.put(point);
                }
                pass.add(partial, point);
            }
            if (out != null) {
                out.write(bytes, 0, points * width * Double.BYTES);
            }
            return points;
        }
    }

    /** What a subtask sends to the client: {@code [subtask, points, width or -1 when empty, partial…]}. */
    private static double[] result(int subtask, long points, int width, double[] partial) {
        double[] result = new double[partial.length + HEADER];
        result[0] = subtask;
        result[1] = points;
        result[2] = width;
        System.arraycopy(partial, 0, result, HEADER, partial.length);
        return result;
    }
}
