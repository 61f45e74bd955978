package io.clinicalpipeline.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.lake.TableStreams;
import io.clinicalpipeline.online.RedisFeatureStore;
import io.clinicalpipeline.online.RedisHashSink;
import io.clinicalpipeline.registry.ModelRegistry;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming scoring job: feature rows and the model registry in; predictions, online risk and alerts out.
 * {@link #build} takes the streams and returns the outputs, so tests drive it with any sources; {@link #wire}
 * connects Paimon, Redis and Kafka.
 */
public final class ScoringJob {

    public static final String PREDICTIONS_TABLE = "model_predictions";
    public static final String RISK_KEY_PREFIX = "risk:";

    /** What the job writes: every prediction, and alert transitions. */
    public record Outputs(DataStream<Prediction> predictions, DataStream<RiskAlert> alerts) {}

    /**
     * Where the outputs go. {@code alertsTopic} null: alerts only counted; {@code redisUri} null: no online risk;
     * {@code redisMaxDelay}: longest a risk update waits to be batched into a Redis pipeline.
     */
    public record Sinks(String redisUri, Duration riskTtl, String bootstrap, String alertsTopic, Duration redisMaxDelay)
            implements Serializable {
        public Sinks(String redisUri, Duration riskTtl, String bootstrap, String alertsTopic) {
            this(redisUri, riskTtl, bootstrap, alertsTopic, Duration.ofMillis(200));
        }
    }

    private ScoringJob() {}

    /**
     * @param partitionedByPatient the rows come straight from the feature operator of the same job, already partitioned
     *     by patient: scoring keeps that partitioning instead of shuffling every 168-column row to another subtask
     */
    public static Outputs build(DataStream<Row> featureChanges, String[] featureColumns, TypeInformation<Row> featureType,
                                DataStream<ModelRoute> registry, RiskPolicy policy, boolean partitionedByPatient) {
        BroadcastStream<ModelRoute> routes = registry.broadcast(ScoreFeatures.ROUTES);
        int patient = List.of(featureColumns).indexOf("patient_id");
        if (patient < 0) {
            throw new IllegalArgumentException("feature rows need a patient_id column; they have " + List.of(featureColumns));
        }
        KeySelector<Row, String> byPatient = row -> (String) row.getField(patient);
        KeyedStream<Row, String> rows = partitionedByPatient
                ? DataStreamUtils.reinterpretAsKeyedStream(featureChanges, byPatient, Types.STRING)
                : featureChanges.keyBy(byPatient, Types.STRING);
        SingleOutputStreamOperator<Prediction> predictions = rows
                .connect(routes)
                .process(new ScoreFeatures(featureColumns, featureType, policy), TypeInformation.of(Prediction.class))
                .name("score features").uid("score-features");
        // Predictions leave the scorer partitioned by patient, as the hysteresis needs them.
        DataStream<RiskAlert> alerts = DataStreamUtils.reinterpretAsKeyedStream(predictions, p -> p.patientId, Types.STRING)
                .process(new AlertHysteresis(policy), TypeInformation.of(RiskAlert.class))
                .name("alert hysteresis").uid("alert-hysteresis");
        return new Outputs(predictions, alerts);
    }

    /** The registry's versions as a stream of routes: every promotion and rollback reaches the scorer as it is committed. */
    public static DataStream<ModelRoute> routes(TableStreams registryTables) {
        return registryTables.readChanges(ModelRegistry.TABLE)
                .filter(row -> row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER)
                .name("registry versions")
                .map(ScoringJob::route, TypeInformation.of(ModelRoute.class))
                .name("model routes");
    }

    /**
     * Every output where it goes: predictions to {@code model_predictions} of {@code tables} (unless null), served
     * scores to Redis {@code risk:{patient_id}}, alert transitions to Kafka.
     */
    public static void write(Outputs out, TableStreams tables, Sinks sinks) {
        if (tables != null) {
            tables.write(PREDICTIONS_TABLE, out.predictions()
                    .map(ScoringJob::toRow, tables.rowType(PREDICTIONS_TABLE)).name("prediction rows"));
        }
        if (sinks.redisUri() != null) {
            out.predictions().filter(p -> p.served).name("served scores")
                    .sinkTo(new RedisHashSink<>(sinks.redisUri(), RISK_KEY_PREFIX, "redisRisk", sinks.riskTtl(), 500,
                            sinks.redisMaxDelay(), RedisFeatureStore.SINK_ATTEMPTS, RedisFeatureStore.SINK_FIRST_BACKOFF, new RiskFields()))
                    .name("redis-risk").uid("redis-risk");
        }
        if (sinks.alertsTopic() != null) {
            out.alerts().sinkTo(KafkaSink.<RiskAlert>builder()
                            .setBootstrapServers(sinks.bootstrap())
                            .setRecordSerializer(KafkaRecordSerializationSchema.<RiskAlert>builder()
                                    .setTopic(sinks.alertsTopic())
                                    .setKeySerializationSchema((SerializationSchema<RiskAlert>) a ->
                                            a.patientId.getBytes(StandardCharsets.UTF_8))
                                    .setValueSerializationSchema(new AlertJson())
                                    .build())
                            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                            .build())
                    .name("kafka-alerts").uid("kafka-alerts");
        }
    }

    static ModelRoute route(Row row) {
        List<Object> values = new ArrayList<>(row.getArity());
        for (int i = 0; i < row.getArity(); i++) {
            values.add(row.getField(i));
        }
        return ModelRoute.of(ModelRegistry.fromRow(values));
    }

    static Row toRow(Prediction p) {
        return Row.of(p.patientId, LocalDateTime.ofInstant(Instant.ofEpochMilli(p.eventTime), ZoneOffset.UTC),
                p.modelVersion, p.modelName, p.role, p.served, p.score, p.riskBand,
                LocalDateTime.ofInstant(Instant.ofEpochMilli(p.scoredAt), ZoneOffset.UTC), p.topContributions);
    }

    /**
     * {@code risk:{patient_id}}: score, band, model version and name, and the score's top contributions (JSON) and
     * reason, guarded by the feature row's event time.
     */
    static final class RiskFields implements RedisHashSink.ToUpdate<Prediction> {
        private static final long serialVersionUID = 1L;

        @Override
        public String patientId(Prediction p) {
            return p.patientId;
        }

        @Override
        public long eventTime(Prediction p) {
            return p.eventTime;
        }

        @Override
        public Map<String, String> fields(Prediction p) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("score", Double.toString(p.score));
            fields.put("risk_band", p.riskBand);
            fields.put("model_version", Long.toString(p.modelVersion));
            fields.put("model_name", p.modelName);
            fields.put("role", p.role);
            if (p.topContributions != null) {
                fields.put("top_contributions", p.topContributions);
                fields.put("reason", p.reason);
            }
            return fields;
        }
    }

    /** An alert as JSON; the mapper is built once per subtask. */
    private static final class AlertJson implements SerializationSchema<RiskAlert> {
        private transient ObjectMapper json;

        @Override
        public byte[] serialize(RiskAlert alert) {
            if (json == null) {
                json = new ObjectMapper();
            }
            try {
                return json.writeValueAsBytes(alert);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write alert as JSON", e);
            }
        }
    }
}
