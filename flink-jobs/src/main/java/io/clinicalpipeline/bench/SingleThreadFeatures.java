package io.clinicalpipeline.bench;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.features.ComputeFeatures;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.FeatureRows;
import io.clinicalpipeline.features.PatientEvent;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.TableStreams;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.PatientHistory;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature definitions over silver's events in one thread, without state backends, watermarks, network
 * or sinks: what the feature job's rate is measured against. Each patient's events are taken in time
 * order and a row is computed at every distinct event time, as the job does.
 */
public final class SingleThreadFeatures {

    private final Map<String, List<PatientEvent>> byPatient;

    private SingleThreadFeatures(Map<String, List<PatientEvent>> byPatient) {
        this.byPatient = byPatient;
    }

    /** Reads the feature job's inputs from silver with a job on {@code env} (give it batch mode). */
    public static SingleThreadFeatures fromSilver(StreamExecutionEnvironment env, Lakehouse lake, String database) throws Exception {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        lake.createTables(tEnv, database);
        TableStreams silver = new TableStreams(tEnv, database);
        DataStream<PatientEvent> all = null;
        for (Map.Entry<EventKind, String> input : FeatureJob.INPUTS.entrySet()) {
            DataStream<PatientEvent> events = silver.read(input.getKey().silverTable())
                    .flatMap(new FeatureJob.ToPatientEvent(input.getValue())).returns(Types.POJO(PatientEvent.class));
            all = all == null ? events : all.union(events);
        }
        Map<String, List<PatientEvent>> byPatient = new HashMap<>();
        try (var it = all.executeAndCollect("read silver for the single-thread feature baseline")) {
            it.forEachRemaining(e -> byPatient.computeIfAbsent(e.patientId, id -> new ArrayList<>()).add(e));
        }
        byPatient.values().forEach(list -> list.sort(Comparator.comparingLong(e -> e.eventTime)));
        return new SingleThreadFeatures(byPatient);
    }

    public long events() {
        return byPatient.values().stream().mapToLong(List::size).sum();
    }

    /** Computes every feature row, as {@link ComputeFeatures} would emit them; returns how many. */
    public long computeAll() {
        long rows = 0;
        long arity = 0;
        for (Map.Entry<String, List<PatientEvent>> patient : byPatient.entrySet()) {
            List<PatientEvent> events = patient.getValue();
            PatientHistory history = new PatientHistory();
            int i = 0;
            while (i < events.size()) {
                long time = events.get(i).eventTime;
                while (i < events.size() && events.get(i).eventTime == time) {
                    events.get(i++).applyTo(history);
                }
                history.evictBefore(time - FeatureCalculator.LOOKBACK);
                Row row = FeatureRows.toRow(patient.getKey(), time, FeatureCalculator.compute(history, time));
                arity += row.getArity();
                rows++;
            }
        }
        // Uses what was built, so none of the work can be optimised away.
        if (arity < rows) {
            throw new IllegalStateException("feature rows without columns");
        }
        return rows;
    }
}
