package io.clinicalpipeline.simulation;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.features.FeatureJob;
import io.clinicalpipeline.features.FeatureReplay;
import io.clinicalpipeline.features.PatientEvent;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratedEvent;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import io.clinicalpipeline.silver.ParseOutcome;
import io.clinicalpipeline.silver.SilverRules;
import org.apache.flink.types.Row;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A generated workload taken through the silver rules and the feature definition in one thread, and labelled as
 * {@code sql/20_training_set.sql} labels {@code patient_features}: what the pipeline would train and test on, in
 * seconds instead of a cluster run. Each labelled row keeps its NEWS2 total and its feature values.
 */
public final class SimulatedCohort {

    /** How rows are labelled: the outcomes that count, how far ahead, and how long after one a patient is left out. */
    public record Labels(List<String> outcomes, Duration horizon, Duration washout) {}

    /** An outcome as silver records it. */
    public record Outcome(String type, long time) {}

    /**
     * One labelled feature row.
     *
     * @param outcome the type of the first outcome within the horizon, null for a negative
     * @param values the feature values in catalog order (null where missing)
     */
    public record LabelledRow(int patient, long time, boolean positive, String outcome, int news2, Object[] values) {}

    private final List<String> patients = new ArrayList<>();
    private final Map<String, List<Outcome>> outcomesByPatient = new HashMap<>();
    private final List<LabelledRow> rows = new ArrayList<>();
    private final List<String> featureNames;
    private long events;
    private long featureRows;
    private long leftOut;

    private SimulatedCohort(List<String> featureNames) {
        this.featureNames = featureNames;
    }

    /** Generates {@code workload}, keeps what silver would keep (once), computes every feature row and labels it. */
    public static SimulatedCohort generate(GeneratorConfig workload, Labels labels) {
        SilverRules rules = new SilverRules();
        Map<String, List<PatientEvent>> byPatient = new TreeMap<>();
        Map<String, List<Outcome>> outcomes = new HashMap<>();
        Set<List<Object>> seen = new HashSet<>();
        long events = 0;
        long newest = Long.MIN_VALUE;
        EventGenerator generator = new EventGenerator(workload);
        while (generator.hasNext()) {
            GeneratedEvent e = generator.next();
            events++;
            if (!(rules.apply(e.kind(), e.value(), e.sendTimeMillis()) instanceof ParseOutcome.Valid valid)) {
                continue;
            }
            Row row = valid.row();
            long time = row.<LocalDateTime>getFieldAs("event_time").toInstant(ZoneOffset.UTC).toEpochMilli();
            if (e.kind() == EventKind.ADVERSE_EVENTS) {
                if (seen.add(List.of(e.kind(), row.getField("patient_id"), time, row.getField("event_type")))) {
                    outcomes.computeIfAbsent(row.getFieldAs("patient_id"), p -> new ArrayList<>())
                            .add(new Outcome(row.getFieldAs("event_type"), time));
                }
                continue;
            }
            String kind = FeatureJob.INPUTS.get(e.kind());
            PatientEvent event = PatientEvent.fromSilver(kind, row);
            // Silver's key: a duplicate delivery is one event.
            if (seen.add(List.of(kind, event.patientId, time, String.valueOf(event.sourceId), String.valueOf(event.detail)))) {
                byPatient.computeIfAbsent(event.patientId, p -> new ArrayList<>()).add(event);
                newest = Math.max(newest, time);
            }
        }
        List<String> names = FeatureCalculator.catalog().stream().map(FeatureDefinition::name).toList();
        SimulatedCohort cohort = new SimulatedCohort(names);
        cohort.events = events;
        cohort.outcomesByPatient.putAll(outcomes);
        long observedUntil = newest;
        for (Map.Entry<String, List<PatientEvent>> patient : byPatient.entrySet()) {
            int index = cohort.patients.size();
            cohort.patients.add(patient.getKey());
            List<PatientEvent> list = patient.getValue();
            list.sort(Comparator.comparingLong(ev -> ev.eventTime));
            List<Outcome> counted = outcomes.getOrDefault(patient.getKey(), List.of()).stream()
                    .filter(o -> labels.outcomes().contains(o.type())).sorted(Comparator.comparingLong(Outcome::time)).toList();
            cohort.featureRows += FeatureReplay.replay(patient.getKey(), list,
                    (id, time, features) -> cohort.label(index, time, features, counted, labels, observedUntil));
        }
        return cohort;
    }

    private void label(int patient, long time, Map<String, Object> features, List<Outcome> outcomes, Labels labels,
                       long observedUntil) {
        long horizon = labels.horizon().toMillis();
        if (time + horizon > observedUntil) {
            leftOut++;
            return;
        }
        Outcome ahead = null;
        for (Outcome o : outcomes) {
            if (o.time() <= time && o.time() > time - labels.washout().toMillis()) {
                leftOut++;
                return;
            }
            if (ahead == null && o.time() > time && o.time() <= time + horizon) {
                ahead = o;
            }
        }
        Object[] values = new Object[featureNames.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = features.get(featureNames.get(j));
        }
        rows.add(new LabelledRow(patient, time, ahead != null, ahead == null ? null : ahead.type(),
                ((Number) features.get("news2_total")).intValue(), values));
    }

    public List<LabelledRow> rows() {
        return rows;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public List<String> patients() {
        return patients;
    }

    public long events() {
        return events;
    }

    public long featureRows() {
        return featureRows;
    }

    /** Rows the labelling leaves out: within the washout after an outcome, or whose horizon runs past the data. */
    public long leftOut() {
        return leftOut;
    }

    /** Admissions with at least one outcome of each type (and of any of {@code counted}, under "any"). */
    public Map<String, Long> admissionsWithOutcome(List<String> counted) {
        Map<String, Long> n = new TreeMap<>();
        long any = 0;
        for (List<Outcome> list : outcomesByPatient.values()) {
            list.stream().map(Outcome::type).distinct().forEach(t -> n.merge(t, 1L, Long::sum));
            any += list.stream().anyMatch(o -> counted.contains(o.type())) ? 1 : 0;
        }
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("any", any);
        out.putAll(n);
        return out;
    }
}
