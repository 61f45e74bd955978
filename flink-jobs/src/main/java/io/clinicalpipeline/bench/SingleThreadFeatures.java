package io.clinicalpipeline.bench;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.features.ComputeFeatures;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.FeatureReplay;
import io.clinicalpipeline.features.FeatureRows;
import io.clinicalpipeline.features.PatientEvent;
import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.TableStreams;
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

/** Silver's events read once, then the feature definitions over them in one thread ({@link FeatureReplay}). */
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
        long[] arity = {0};
        long rows = 0;
        for (Map.Entry<String, List<PatientEvent>> patient : byPatient.entrySet()) {
            rows += FeatureReplay.replay(patient.getKey(), patient.getValue(),
                    (id, time, features) -> arity[0] += FeatureRows.toRow(id, time, features).getArity());
        }
        // Uses what was built, so none of the work can be optimised away.
        if (arity[0] < rows) {
            throw new IllegalStateException("feature rows without columns");
        }
        return rows;
    }
}
