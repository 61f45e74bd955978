package io.clinicalpipeline.scoring;

import io.clinicalpipeline.model.ml.Explanation;
import io.clinicalpipeline.model.ml.RiskScorer;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores each patient's feature rows with the production model and, for the challenger's share of patients, with
 * the challenger too (its score is then the served one). The registry arrives as a broadcast stream, so a
 * promotion or rollback changes the model of the next row without a restart; models are loaded once per version
 * and subtask. Rows that arrive before any version is in production — at start-up the feature table's backlog can
 * overtake the registry — wait in keyed state and are scored, in order, when one is; past {@link #MAX_WAITING}
 * rows per patient the oldest are dropped and counted ({@code rowsDroppedWaitingForModel}), so a pipeline run
 * without any promoted model does not grow without bound.
 */
public final class ScoreFeatures extends KeyedBroadcastProcessFunction<String, Row, ModelRoute, Prediction> {
    /** The counter of rows scored, per subtask. */
    public static final String SCORED_ROWS = "scoredRows";


    private static final Logger LOG = LoggerFactory.getLogger(ScoreFeatures.class);
    public static final MapStateDescriptor<Long, ModelRoute> ROUTES =
            new MapStateDescriptor<>("model-routes", Types.LONG, TypeInformation.of(ModelRoute.class));
    public static final String PRODUCTION = "production";
    public static final String CHALLENGER = "challenger";

    private final String[] featureColumns;
    private final TypeInformation<Row> featureType;
    private final RiskPolicy policy;
    private transient Map<Long, RiskScorer.Bound> scorers;
    private transient int patientColumn;
    private transient int eventTimeColumn;
    private transient int news2Column;
    static final int MAX_WAITING = 1000;
    private transient ListState<Row> waiting;
    private transient ValueState<Integer> waitingCount;
    private transient Counter scored;
    private transient Counter scoredByChallenger;
    private transient Counter waitedForModel;
    private transient Counter droppedWaiting;
    private transient Counter modelLoadFailures;
    /** Served scores by risk band: what the ward is shown, whichever model scored it. */
    private transient Map<String, Counter> servedByBand;
    private transient long productionVersion;
    private transient long challengerVersion;

    /** @param featureColumns the feature rows' column names, in their order */
    public ScoreFeatures(String[] featureColumns, TypeInformation<Row> featureType, RiskPolicy policy) {
        this.featureColumns = featureColumns;
        this.featureType = featureType;
        this.policy = policy;
    }

    @Override
    public void open(Configuration parameters) {
        scorers = new HashMap<>();
        patientColumn = List.of(featureColumns).indexOf("patient_id");
        eventTimeColumn = List.of(featureColumns).indexOf("event_time");
        news2Column = List.of(featureColumns).indexOf("news2_total");
        waiting = getRuntimeContext().getListState(waitingDescriptor());
        waitingCount = getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-count", Types.INT));
        var metrics = getRuntimeContext().getMetricGroup();
        scored = metrics.counter(SCORED_ROWS);
        scoredByChallenger = metrics.counter("scoredByChallenger");
        waitedForModel = metrics.counter("rowsWaitedForModel");
        droppedWaiting = metrics.counter("rowsDroppedWaitingForModel");
        modelLoadFailures = metrics.counter("modelsRejected");
        servedByBand = new HashMap<>();
        for (String band : RiskPolicy.BANDS) {
            servedByBand.put(band, metrics.addGroup("risk_band", band).counter("servedScores"));
        }
        metrics.gauge("productionModelVersion", () -> productionVersion);
        metrics.gauge("challengerModelVersion", () -> challengerVersion);
    }

    @Override
    public void processElement(Row row, ReadOnlyContext ctx, Collector<Prediction> out) throws Exception {
        if (row.getKind() == RowKind.UPDATE_BEFORE || row.getKind() == RowKind.DELETE) {
            return;
        }
        Active active = Active.of(ctx.getBroadcastState(ROUTES).immutableEntries());
        if (active.production() == null) {
            waitedForModel.inc();
            waiting.add(row);
            int count = waitingCount.value() == null ? 1 : waitingCount.value() + 1;
            if (count > MAX_WAITING) {
                List<Row> rows = new ArrayList<>();
                waiting.get().forEach(rows::add);
                waiting.update(rows.subList(1, rows.size()));
                droppedWaiting.inc();
                count--;
            }
            waitingCount.update(count);
            return;
        }
        score(row, active, out);
    }

    /** The versions that score now: the production one (null: none yet) and the challenger (null: none). */
    private record Active(ModelRoute production, ModelRoute challenger) {
        static Active of(Iterable<Map.Entry<Long, ModelRoute>> routes) {
            ModelRoute production = null;
            ModelRoute challenger = null;
            for (Map.Entry<Long, ModelRoute> e : routes) {
                production = e.getValue().isProduction() ? e.getValue() : production;
                challenger = e.getValue().isChallenger() ? e.getValue() : challenger;
            }
            return new Active(production, challenger);
        }
    }

    private ListStateDescriptor<Row> waitingDescriptor() {
        return new ListStateDescriptor<>("waiting-for-model", featureType);
    }

    @Override
    public void processBroadcastElement(ModelRoute route, Context ctx, Collector<Prediction> out) throws Exception {
        if (route.isProduction() || route.isChallenger()) {
            try {
                scorer(route);
            } catch (RuntimeException e) {
                // A model that cannot score these rows must not stop the job or replace a working one.
                modelLoadFailures.inc();
                LOG.error("event=model_rejected version={} stage={} path={} error=\"{}\"", route.version, route.stage,
                        route.modelPath, e.getMessage());
                return;
            }
        }
        BroadcastState<Long, ModelRoute> routes = ctx.getBroadcastState(ROUTES);
        routes.put(route.version, route);
        Active active = Active.of(routes.entries());
        productionVersion = active.production() == null ? 0 : active.production().version;
        challengerVersion = active.challenger() == null ? 0 : active.challenger().version;
        if (active.production() == null) {
            return;
        }
        ctx.applyToKeyedState(waitingDescriptor(), (patient, state) -> {
            for (Row row : state.get()) {
                score(row, active, out);
            }
            state.clear();
        });
        ctx.applyToKeyedState(new ValueStateDescriptor<>("waiting-count", Types.INT), (patient, state) -> state.clear());
    }

    private void score(Row row, Active active, Collector<Prediction> out) {
        ModelRoute production = active.production();
        ModelRoute challenger = active.challenger();
        String patient = (String) row.getField(patientColumn);
        long eventTime = ((LocalDateTime) row.getField(eventTimeColumn)).toInstant(ZoneOffset.UTC).toEpochMilli();
        boolean challenged = challenger != null && RiskPolicy.challenged(patient, challenger.trafficShare);
        long now = System.currentTimeMillis();
        Prediction byProduction = prediction(row, patient, eventTime, production, PRODUCTION, !challenged, now);
        out.collect(byProduction);
        scored.inc();
        Prediction served = byProduction;
        if (challenged) {
            served = prediction(row, patient, eventTime, challenger, CHALLENGER, true, now);
            out.collect(served);
            scoredByChallenger.inc();
        }
        servedByBand.get(served.riskBand).inc();
    }

    private Prediction prediction(Row row, String patient, long eventTime, ModelRoute route, String role, boolean served,
                                  long now) {
        RiskScorer.Bound scorer = scorer(route);
        Explanation why = policy.explainTop() > 0 && scorer.explainable() ? scorer.explain(row::getField) : null;
        double score = why == null ? scorer.score(row::getField) : why.score();
        Prediction p = new Prediction(patient, eventTime, route.version, route.name, role, served, score, policy.band(score), now);
        p.news2 = news2Column >= 0 && row.getField(news2Column) instanceof Number n ? n.doubleValue() : null;
        if (why != null) {
            p.topContributions = Explanations.jsonText(why.top(policy.explainTop()));
            p.reason = Explanations.reason(why.contributions());
        }
        return p;
    }

    private RiskScorer.Bound scorer(ModelRoute route) {
        return scorers.computeIfAbsent(route.version, v -> {
            try {
                RiskScorer.Bound bound = RiskScorer.load(route.modelPath).bind(List.of(featureColumns));
                if (policy.explainTop() > 0 && !bound.explainable()) {
                    LOG.warn("event=model_not_explainable version={} path={} reason=\"boosted trees saved without node "
                            + "covers; its scores carry no contributions until it is retrained\"", v, route.modelPath);
                }
                return bound;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load model version " + v + " from " + route.modelPath, e);
            }
        });
    }
}
