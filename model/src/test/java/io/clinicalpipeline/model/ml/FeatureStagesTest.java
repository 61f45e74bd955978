package io.clinicalpipeline.model.ml;

import io.clinicalpipeline.model.ml.classification.GbtClassifier;
import io.clinicalpipeline.model.ml.classification.LogisticRegression;
import io.clinicalpipeline.model.ml.feature.Encoding;
import io.clinicalpipeline.model.ml.feature.StandardScaler;
import io.clinicalpipeline.model.ml.feature.StandardScalerModel;
import io.clinicalpipeline.model.ml.feature.TabularEncoder;
import io.clinicalpipeline.model.ml.feature.TabularEncoderModel;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.ml.api.Stage;
import org.apache.flink.ml.builder.Pipeline;
import org.apache.flink.ml.builder.PipelineModel;
import org.apache.flink.ml.common.datastream.TableUtils;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.Vectors;
import org.apache.flink.ml.servable.api.DataFrame;
import org.apache.flink.ml.servable.builder.PipelineModelServable;
import org.apache.flink.ml.servable.types.DataTypes;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureStagesTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void scalerParamsDefaultToFlinkMl() {
        StandardScaler scaler = new StandardScaler();
        assertEquals("input", scaler.getInputCol());
        assertEquals("output", scaler.getOutputCol());
        assertFalse(scaler.getWithMean());
        assertTrue(scaler.getWithStd());
        assertTrue(scaler.setWithMean(true).getWithMean());
    }

    @Test
    void scalerLearnsMeanAndSampleDeviationAndLeavesConstantsAlone(@TempDir Path dir) throws Exception {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(Row.of(Vectors.dense(i, 5, 1), 0.0));
        }
        StandardScalerModel model = new StandardScaler().setInputCol("features").setOutputCol("scaled")
                .setWithMean(true).fit(SyntheticData.table(tEnv, rows));
        assertArrayEquals(new double[] {499.5, 5, 1}, model.modelData().mean(), 1e-9);
        assertEquals(Math.sqrt(1000.0 * 1001 / 12), model.modelData().std()[0], 1e-6, "sample deviation of 0..999");
        assertEquals(0.0, model.modelData().std()[2]);
        assertArrayEquals(new double[] {(999 - 499.5) / model.modelData().std()[0], 5, 1},
                model.scale(new double[] {999, 5, 1}), 1e-12, "constant columns, the intercept among them, pass through");
        Table out = model.transform(SyntheticData.table(tEnv, rows.subList(0, 3)))[0];
        assertEquals(List.of("features", "label", "scaled"), out.getResolvedSchema().getColumnNames());
        model.save(dir.resolve("scaler").toString());
        StandardScalerModel loaded = StandardScalerModel.load(tEnv, dir.resolve("scaler").toString());
        assertArrayEquals(model.scale(new double[] {3, 5, 1}), loaded.scale(new double[] {3, 5, 1}), 0.0);
        assertTrue(loaded.getWithMean());
    }

    @Test
    void encoderImputesOneHotEncodesAndAppendsTheIntercept() throws Exception {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        Table table = mixed(tEnv, List.of(
                Row.of(1.0, "a", 3, 0.0), Row.of(3.0, "b", 3, 1.0), Row.of(null, "a", 4, 0.0),
                Row.of(5.0, null, 3, 1.0), Row.of(3.0, "c", 5, 1.0)));
        TabularEncoderModel model = new TabularEncoder().setInputCols("x", "s", "k").setCategoricalCols("k")
                .setOutputCol("features").setMaxCategories(2).fit(table);
        Encoding e = model.modelData();
        assertEquals(List.of("x", "x_missing", "s=a", "s=b", "s=__other__", "s=__missing__", "k=3", "k=4",
                "k=__other__", "intercept"), e.featureNames());
        assertArrayEquals(new double[] {3, 1, 1, 0, 0, 0, 0, 1, 0, 1}, e.encode(i -> new Object[] {null, "a", 4}[i]), 0.0,
                "x imputed with the mean of 1, 3, 5, 3; 'a' one-hot; 4 the second most frequent k");
        assertArrayEquals(new double[] {5, 0, 0, 0, 0, 1, 1, 0, 0, 1}, e.encode(i -> new Object[] {5.0, null, 3}[i]), 0.0);
        assertArrayEquals(new double[] {3, 0, 0, 0, 1, 0, 0, 0, 1, 1}, e.encode(i -> new Object[] {3.0, "c", 5}[i]), 0.0,
                "'c' and 5: other");
        assertArrayEquals(new double[] {3, 0, 0, 0, 1, 0, 0, 0, 1, 1}, e.encode(i -> new Object[] {3.0, " c ", 5.0}[i]), 0.0,
                "strings are trimmed and 5.0 is the category 5");
        List<Row> out = SyntheticData.collect(model.transform(table)[0]);
        assertEquals(5, out.size());
        for (Row row : out) {
            Object[] raw = {row.getField("x"), row.getField("s"), row.getField("k")};
            assertArrayEquals(e.encode(i -> raw[i]), ((DenseVector) row.getField("features")).values, 0.0);
        }
    }

    @Test
    void savedPipelineScoresRawColumnsThroughFlinkMlServablesAsTheJobDoes(@TempDir Path dir) throws Exception {
        assertServableAndScorerScoreAsTheJob(dir, List.of(
                new TabularEncoder().setInputCols("x", "s").setOutputCol("encoded"),
                new StandardScaler().setInputCol("encoded").setOutputCol("features"),
                new LogisticRegression().setReg(0.001)));
        RiskScorer scorer = RiskScorer.load(dir.resolve("pipeline").toString());
        // Coefficient × scaled value: unscaled-mean-free here (no centring), so x's contribution is proportional to x.
        double at10 = contributionOfX(scorer, 10.0);
        assertEquals(2 * at10, contributionOfX(scorer, 20.0), 1e-12);
        assertEquals(0, contributionOfX(scorer, 0.0), 0);
    }

    private static double contributionOfX(RiskScorer scorer, double x) {
        return scorer.explain(c -> c.equals("x") ? x : "low").contributions().stream()
                .filter(c -> c.feature().equals("x")).findFirst().orElseThrow().contribution();
    }

    @Test
    void savedBoostedTreesPipelineScoresThroughFlinkMlServablesAsTheJobDoes(@TempDir Path dir) throws Exception {
        assertServableAndScorerScoreAsTheJob(dir, List.of(
                new TabularEncoder().setInputCols("x", "s").setOutputCol("features"),
                new GbtClassifier().setMaxIter(5).setMaxDepth(3)));
    }

    private static void assertServableAndScorerScoreAsTheJob(Path dir, List<Stage<?>> stages) throws Exception {
        StreamTableEnvironment tEnv = SyntheticData.batchEnvironment();
        Random random = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double x = random.nextGaussian() * 10 + 50;
            String s = random.nextBoolean() ? "low" : "high";
            double margin = 0.2 * (x - 50) + ("high".equals(s) ? 1 : -1);
            rows.add(Row.of(i % 17 == 0 ? null : x, s, i, random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1.0 : 0.0));
        }
        Table train = mixed(tEnv, rows);
        PipelineModel model = new Pipeline(stages).fit(train);
        List<Row> scored = byId(SyntheticData.collect(model.transform(mixed(tEnv, rows.subList(0, 100)))[0]));
        String path = dir.resolve("pipeline").toString();
        model.save(path);
        PipelineModelServable servable = PipelineModel.loadServable(path);
        List<org.apache.flink.ml.servable.api.Row> frame = new ArrayList<>();
        for (Row r : rows.subList(0, 100)) {
            frame.add(new org.apache.flink.ml.servable.api.Row(new ArrayList<>(List.of(
                    r.getField(0) == null ? Double.NaN : r.getField(0), r.getField(1)))));
        }
        DataFrame result = servable.transform(new DataFrame(new ArrayList<>(List.of("x", "s")),
                new ArrayList<>(List.of(DataTypes.DOUBLE, DataTypes.STRING)), frame));
        int raw = result.getIndex("rawPrediction");
        RiskScorer scorer = RiskScorer.load(path);
        assertEquals(List.of("x", "s"), scorer.inputColumns());
        for (int i = 0; i < 100; i++) {
            double job = ((DenseVector) scored.get(i).getField("rawPrediction")).get(1);
            double outside = ((DenseVector) result.collect().get(i).get(raw)).get(1);
            assertEquals(job, outside, 0.0, "row " + i);
            Row input = rows.get(i);
            assertEquals(job, scorer.score(c -> c.equals("x") ? input.getField(0) : input.getField(1)), 0.0,
                    "the row-at-a-time scorer, row " + i);
            Explanation why = scorer.explain(c -> c.equals("x") ? input.getField(0) : input.getField(1));
            assertEquals(job, why.score(), 0.0, "the explained score is the score, row " + i);
            assertEquals(job, 1 / (1 + Math.exp(-why.margin())), 1e-12, "the margin is the score's log-odds, row " + i);
            double sum = why.base();
            for (Explanation.Contribution c : why.contributions()) {
                sum += c.contribution();
            }
            assertEquals(why.margin(), sum, 1e-9, "base + contributions = margin, row " + i);
            assertEquals(java.util.Set.of("x", "s"), java.util.Set.of(why.contributions().get(0).feature(),
                    why.contributions().get(1).feature()), "one contribution per input column");
            assertTrue(Math.abs(why.contributions().get(0).contribution())
                    >= Math.abs(why.contributions().get(1).contribution()), "largest first");
            for (Explanation.Contribution c : why.contributions()) {
                assertEquals(c.feature().equals("x") ? input.getField(0) : input.getField(1), c.value(), "raw values");
            }
        }
        PipelineModel reloaded = PipelineModel.load(tEnv, path);
        List<Row> again = byId(SyntheticData.collect(reloaded.transform(mixed(tEnv, rows.subList(0, 100)))[0]));
        for (int i = 0; i < 100; i++) {
            assertEquals(scored.get(i).getField("rawPrediction"), again.get(i).getField("rawPrediction"));
        }
    }

    /** Rows in the order of their id column k (a parallel job returns them in any order). */
    private static List<Row> byId(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparing(r -> (Integer) r.getField("k")));
        return sorted;
    }

    private static Table mixed(StreamTableEnvironment tEnv, List<Row> rows) {
        return tEnv.fromDataStream(TableUtils.getExecutionEnvironment(tEnv).fromData(rows).setParallelism(1).returns(
                new RowTypeInfo(new TypeInformation<?>[] {Types.DOUBLE, Types.STRING, Types.INT, Types.DOUBLE},
                        new String[] {"x", "s", "k", "label"})));
    }
}
