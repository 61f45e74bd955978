package io.clinicalpipeline.model.ml.classification;

import io.clinicalpipeline.model.ml.common.LabelCheck;
import io.clinicalpipeline.model.ml.common.PartitionedPoints;
import io.clinicalpipeline.model.ml.common.Points;
import io.clinicalpipeline.model.ml.common.Tables;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.ml.api.Estimator;
import org.apache.flink.ml.common.datastream.TableUtils;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient-boosted trees for a binary label (logistic loss), fitted on bounded input with histograms: the points
 * are cached once per subtask with a running margin, features are replaced by quantile bin indices, and each tree
 * grows level by level, one bounded job per level in which every subtask sums gradient and hessian per open node,
 * feature and bin of its share (see {@link PartitionedPoints}). The client adds the p histograms and picks the
 * splits; applying a finished tree to the margins is folded into the next tree's first level.
 *
 * <p>A tree of depth D costs D jobs; {@code maxIter} trees at most, fewer when no split reduces the loss.
 */
public class GbtClassifier implements Estimator<GbtClassifier, GbtClassifierModel>, GbtClassifierParams<GbtClassifier> {

    private static final Logger LOG = LoggerFactory.getLogger(GbtClassifier.class);

    /** Newton rounds (halvings included) the baseline's fit may take: a two-parameter fit needs far fewer. */
    private static final int BASELINE_ROUNDS = 50;

    private final Map<Param<?>, Object> paramMap = new HashMap<>();

    public GbtClassifier() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    @Override
    public GbtClassifierModel fit(Table... inputs) {
        if (inputs.length != 1) {
            throw new IllegalArgumentException("GbtClassifier fits one table, got " + inputs.length);
        }
        StreamTableEnvironment tEnv = Tables.environment(inputs[0]);
        DataStream<double[]> points = Tables.points(inputs[0], getFeaturesCol(), getLabelCol(), getWeightCol())
                .map(GbtClassifier::withMargin)
                .returns(PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO)
                .name("gradient-boosted trees: margin slot");
        try {
            PartitionedPoints.Cached cached = PartitionedPoints.cache(TableUtils.getExecutionEnvironment(tEnv), points,
                    getScratchDir(), "gradient-boosted trees: cache points", firstPass());
            try (PartitionedPoints shares = cached.points()) {
                return fit(shares, cached.firstPass().sum());
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("gradient-boosted trees failed: " + e.getMessage(), e);
        }
    }

    /** The pass whose sum {@link #fit(Points, double[])} takes: label checks and each feature's range. */
    public PartitionedPoints.Pass firstPass() {
        return new GbtPasses.Bounds();
    }

    /**
     * Boosts trees over {@code shares}, points laid out by {@link #withMargin}; {@code bounds} is the sum of
     * {@link #firstPass()} over them. The points are rewritten (bins, margins) as the trees grow.
     */
    public GbtClassifierModel fit(Points shares, double[] bounds) throws Exception {
        long started = System.currentTimeMillis();
        LabelCheck.validate(bounds, getLabelCol());
        int d = shares.features() - 1;
        if (d < 1) {
            throw new IllegalArgumentException("the '" + getFeaturesCol() + "' vectors are empty");
        }
        double[] classWeights = LabelCheck.classWeights(bounds, getClassWeight());
        double base = Math.log(classWeights[1] * bounds[LabelCheck.POSITIVE]
                / (classWeights[0] * bounds[LabelCheck.NEGATIVE]));
        double[] min = GbtPasses.Bounds.min(bounds);
        double[] max = GbtPasses.Bounds.max(bounds);
        double[] fine = shares.run("gradient-boosted trees: feature quantiles", new GbtPasses.FineHistogram(min, max)).sum();
        double[][] cuts = new double[d][];
        int[] bins = new int[d];
        int[] offsets = new int[d];
        int totalBins = 0;
        for (int j = 0; j < d; j++) {
            cuts[j] = GbtPasses.cuts(fine, j, min[j], max[j], getMaxBins());
            bins[j] = cuts[j].length + 1;
            offsets[j] = totalBins;
            totalBins += bins[j];
        }
        BoostedTrees.Baseline baseline = BoostedTrees.Baseline.NONE;
        if (getBaselineFeature() >= 0) {
            if (getBaselineFeature() >= d) {
                throw new IllegalArgumentException("baselineFeature " + getBaselineFeature() + " is not among the "
                        + d + " features");
            }
            double[] fit = fitBaseline(shares, getBaselineFeature(), classWeights);
            base = fit[0];
            baseline = new BoostedTrees.Baseline(getBaselineFeature(), fit[1], fit[2]);
        }
        LOG.info("gradient-boosted trees: {} features in {} bins, base margin {}{}", d, totalBins,
                String.format("%.4f", base), baseline.feature() < 0 ? ""
                        : String.format(" + %.4f × feature %d", baseline.slope(), baseline.feature()));
        PartitionedPoints.PassResult level = shares.rewrite("gradient-boosted trees: bin features",
                rootHistogram(offsets, totalBins, classWeights, GbtPasses.binning(cuts, base, baseline)));
        List<Tree> trees = new ArrayList<>();
        List<TrainingTrace.Round> rounds = new ArrayList<>();
        double[] importance = new double[d];
        boolean converged = false;
        for (int t = 1; t <= getMaxIter() && !converged; t++) {
            TreeGrower grower = new TreeGrower(getMaxDepth(), getRegLambda(), getMinInstancesPerNode(), getMinInfoGain(),
                    getStepSize(), offsets, bins, importance);
            converged = grower.split(level.sum(), totalBins) == 0;
            while (grower.growing()) {
                level = shares.run("gradient-boosted trees: tree " + t + " level " + grower.depth(),
                        new GbtPasses.Histogram(grower.snapshot(), grower.slots(), offsets, totalBins, classWeights, null));
                grower.split(level.sum(), totalBins);
            }
            Tree tree = grower.build();
            trees.add(tree.onRawValues(cuts));
            level = shares.rewrite("gradient-boosted trees: apply tree " + t,
                    rootHistogram(offsets, totalBins, classWeights, GbtPasses.applying(tree)));
            double loss = level.sum()[1] / level.sum()[0];
            rounds.add(new TrainingTrace.Round(t, loss, level.pointsPerSubtask()));
            LOG.info("gradient-boosted trees: tree {} of {} nodes, training log-loss {} over {} points {}", t,
                    tree.nodes(), String.format("%.6f", loss), level.points(), Arrays.toString(level.pointsPerSubtask()));
        }
        GbtClassifierModel model = new GbtClassifierModel()
                .setModelData(new BoostedTrees(d, base, baseline, trees, importance));
        ParamUtils.updateExistingParams(model, paramMap);
        model.trace(new TrainingTrace(rounds, converged, System.currentTimeMillis() - started));
        return model;
    }

    /**
     * {@code [a, b, mean]}: the unpenalised logistic fit {@code a + b x} of the label on feature {@code feature}, by the
     * regression's own Newton rounds (one pass each, a step that raises the loss halved: a few heavy rows can make a
     * full step overshoot), and the feature's mean.
     */
    private static double[] fitBaseline(Points shares, int feature, double[] classWeights) throws Exception {
        ElasticNetNewton newton = new ElasticNetNewton(2, 0, 0, 0, 1e-10);
        int[] columns = {-1, GbtPasses.X + feature};
        for (int round = 1; round <= BASELINE_ROUNDS && !newton.converged(); round++) {
            newton.update(shares.run("gradient-boosted trees: baseline round " + round,
                    new LogisticPass(newton.candidate(), classWeights[0], classWeights[1], columns)).sum());
        }
        double[] ab = newton.coefficients();
        double[] sum = shares.run("gradient-boosted trees: baseline mean", new GbtPasses.FeatureSum(feature, classWeights)).sum();
        LOG.info("gradient-boosted trees: baseline {} + {} × feature {}", String.format("%.4f", ab[0]),
                String.format("%.4f", ab[1]), feature);
        return new double[] {ab[0], ab[1], sum[1] / Math.max(1, sum[0])};
    }

    private static GbtPasses.Histogram rootHistogram(int[] offsets, int totalBins, double[] classWeights,
                                                     GbtPasses.PointUpdate update) {
        return new GbtPasses.Histogram(Tree.root(), new int[] {0}, offsets, totalBins, classWeights, update);
    }

    /** {@code [label, weight, x…]} with a slot for the running margin after the weight, as the fit keeps points. */
    public static double[] withMargin(double[] point) {
        double[] out = new double[point.length + 1];
        out[0] = point[0];
        out[1] = point[1];
        System.arraycopy(point, 2, out, GbtPasses.X, point.length - 2);
        return out;
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
    }

    public static GbtClassifier load(StreamTableEnvironment tEnv, String path) throws IOException {
        return ReadWriteUtils.loadStageParam(path);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }
}
