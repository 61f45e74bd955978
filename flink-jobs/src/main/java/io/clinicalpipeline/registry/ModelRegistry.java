package io.clinicalpipeline.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.lake.PaimonWrites;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.Timestamp;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Model versions and their stages in Paimon ({@code model_registry}, {@code model_stage_changes}). Every change
 * is a commit of the registry row plus a change-log row, so a streaming reader of the registry sees promotions
 * as they happen and {@link #rollback} knows which version was production before.
 *
 * <p>Rules: one production version (promoting another archives it); at most one challenger (a staging version
 * with a traffic share; naming another one sets the previous share to 0).
 */
public final class ModelRegistry {

    public static final String TABLE = "model_registry";
    public static final String CHANGES = "model_stage_changes";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Catalog catalog;
    private final String database;

    public ModelRegistry(Catalog catalog, String database) {
        this.catalog = catalog;
        this.database = database;
    }

    /**
     * The registry table's newest snapshot id, 0 before its first commit. It moves with every registration and
     * promotion, and reading it costs one small file, where {@link #list} opens every data file: a poller reads
     * the list only when this has moved.
     */
    public long snapshotId() {
        try {
            return catalog.getTable(Identifier.create(database, TABLE)).latestSnapshot().map(s -> s.id()).orElse(0L);
        } catch (Catalog.TableNotExistException e) {
            throw new IllegalStateException("no table " + database + "." + TABLE + "; run bin/pipeline ingest or demo once "
                    + "to create the lakehouse tables", e);
        }
    }

    public List<ModelVersion> list() {
        List<ModelVersion> versions = new ArrayList<>();
        for (List<Object> row : new PaimonCounts(catalog, database).rows(TABLE)) {
            versions.add(fromRow(row));
        }
        versions.sort(Comparator.comparingLong(ModelVersion::version));
        return versions;
    }

    public ModelVersion get(long version) {
        return list().stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model version " + version + " is not in the registry; "
                        + "bin/pipeline model list shows the versions"));
    }

    public Optional<ModelVersion> production() {
        return list().stream().filter(v -> ModelVersion.PRODUCTION.equals(v.stage())).findFirst();
    }

    /**
     * Where a registered version's files go: {@code <warehouse>/models/<database>/<name>/v<version>}, beside the
     * Paimon tables of the same database.
     */
    public static String directory(String warehouse, String database, String name, long version) {
        return modelsOf(warehouse, database) + "/" + name + "/v" + version;
    }

    /** The models of one database, e.g. to delete with it. */
    public static String modelsOf(String warehouse, String database) {
        return warehouse.replaceAll("/+$", "") + "/models/" + database;
    }

    /** Fails with what to do when a new version's directory is already taken (a registry dropped without it). */
    public static void requireFree(String directory) throws java.io.IOException {
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(directory);
        if (path.getFileSystem().exists(path)) {
            throw new IllegalStateException("model directory " + directory + " exists but its version is not in the "
                    + "registry (was model_registry dropped?); delete the directory or register under another --name");
        }
    }

    /** The next free version number (1 for an empty registry). */
    public long nextVersion() {
        return list().stream().mapToLong(ModelVersion::version).max().orElse(0) + 1;
    }

    /** Adds a new version in stage none. */
    public ModelVersion register(ModelVersion v) throws Exception {
        if (list().stream().anyMatch(existing -> existing.version() == v.version())) {
            throw new IllegalArgumentException("model version " + v.version() + " is already registered");
        }
        ModelVersion fresh = v.withStage(ModelVersion.NONE, 0, v.createdAt());
        write(List.of(fresh), List.of(change(fresh, "-", "registered")));
        return fresh;
    }

    /**
     * Moves {@code version} to {@code stage}. Production archives the previous production version; staging with a
     * positive {@code trafficShare} makes it the challenger (the previous challenger keeps staging, share 0).
     */
    public ModelVersion promote(long version, String stage, double trafficShare, String note) throws Exception {
        if (!ModelVersion.STAGES.contains(stage)) {
            throw new IllegalArgumentException("stage '" + stage + "' is not one of " + ModelVersion.STAGES);
        }
        if (trafficShare < 0 || trafficShare > 1) {
            throw new IllegalArgumentException("the traffic share must be between 0 and 1, got " + trafficShare);
        }
        if (trafficShare > 0 && !ModelVersion.STAGING.equals(stage)) {
            throw new IllegalArgumentException("only a staging version takes a traffic share (it is the challenger)");
        }
        List<ModelVersion> all = list();
        ModelVersion target = all.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model version " + version + " is not in the registry"));
        LocalDateTime now = after(all);
        List<ModelVersion> rows = new ArrayList<>();
        List<GenericRow> changes = new ArrayList<>();
        for (ModelVersion other : all) {
            if (other.version() == version) {
                continue;
            }
            if (ModelVersion.PRODUCTION.equals(stage) && ModelVersion.PRODUCTION.equals(other.stage())) {
                rows.add(other.withStage(ModelVersion.ARCHIVED, 0, now));
                changes.add(change(rows.get(rows.size() - 1), other.stage(), "replaced by version " + version));
            } else if (trafficShare > 0 && other.isChallenger()) {
                rows.add(other.withStage(ModelVersion.STAGING, 0, now));
                changes.add(change(rows.get(rows.size() - 1), other.stage(), "challenger replaced by version " + version));
            }
        }
        ModelVersion moved = target.withStage(stage, trafficShare, now);
        rows.add(moved);
        changes.add(change(moved, target.stage(), note));
        write(rows, changes);
        return moved;
    }

    public ModelVersion archive(long version, String note) throws Exception {
        return promote(version, ModelVersion.ARCHIVED, 0, note);
    }

    /** Makes the version that was production before the current one production again. */
    public ModelVersion rollback(String note) throws Exception {
        ModelVersion current = production().orElseThrow(() ->
                new IllegalStateException("no version is in production; promote one with bin/pipeline model promote"));
        List<List<Object>> changes = new ArrayList<>(new PaimonCounts(catalog, database)
                .rows(CHANGES, "version", "to_stage", "changed_at"));
        changes.sort(Comparator.comparing(r -> (Timestamp) r.get(2)));
        for (int i = changes.size() - 1; i >= 0; i--) {
            long version = (Long) changes.get(i).get(0);
            if (ModelVersion.PRODUCTION.equals(changes.get(i).get(1)) && version != current.version()) {
                return promote(version, ModelVersion.PRODUCTION, 0,
                        note == null ? "rollback from version " + current.version() : note);
            }
        }
        throw new IllegalStateException("version " + current.version() + " is the only version that was ever in "
                + "production; there is nothing to roll back to");
    }

    /**
     * Now, or just after the newest stage change if the clock has not moved past it: rollback orders the change
     * log by time, so two changes must never share a timestamp.
     */
    private static LocalDateTime after(List<ModelVersion> all) {
        LocalDateTime now = LocalDateTime.now();
        for (ModelVersion v : all) {
            if (!now.isAfter(v.stageChangedAt())) {
                now = v.stageChangedAt().plusNanos(1_000_000);
            }
        }
        return now;
    }

    private void write(List<ModelVersion> versions, List<GenericRow> changes) throws Exception {
        commit(TABLE, versions.stream().map(ModelRegistry::toRow).toList());
        commit(CHANGES, changes);
    }

    private void commit(String tableName, List<GenericRow> rows) throws Exception {
        PaimonWrites.commit(catalog.getTable(Identifier.create(database, tableName)), sink -> {
            for (GenericRow row : rows) {
                sink.write(row);
            }
        });
    }

    private static GenericRow change(ModelVersion v, String from, String note) {
        return GenericRow.of(v.version(), s(from), s(v.stage()), v.trafficShare(),
                Timestamp.fromLocalDateTime(v.stageChangedAt()), s(note));
    }

    private static GenericRow toRow(ModelVersion v) {
        return GenericRow.of(v.version(), s(v.name()), s(v.algorithm()), s(v.params()), s(json(v.featureNames())),
                s(json(v.inputColumns())), v.definitionVersion(), s(v.trainingData()), s(v.metrics()),
                s(v.modelPath()), s(v.reportPath()), Timestamp.fromLocalDateTime(v.createdAt()), s(v.stage()),
                v.trafficShare(), Timestamp.fromLocalDateTime(v.stageChangedAt()));
    }

    /**
     * A registry row in the DDL's column order, as {@link PaimonCounts#rows} returns it (Paimon timestamps) or as a
     * Flink stream of the table carries it (LocalDateTime).
     */
    public static ModelVersion fromRow(List<Object> r) {
        return new ModelVersion((Long) r.get(0), (String) r.get(1), (String) r.get(2), (String) r.get(3),
                strings((String) r.get(4)), strings((String) r.get(5)), (Integer) r.get(6), (String) r.get(7),
                (String) r.get(8), (String) r.get(9), (String) r.get(10), time(r.get(11)), (String) r.get(12),
                (Double) r.get(13), time(r.get(14)));
    }

    private static LocalDateTime time(Object value) {
        return value instanceof Timestamp t ? t.toLocalDateTime() : (LocalDateTime) value;
    }

    private static BinaryString s(String value) {
        return value == null ? null : BinaryString.fromString(value);
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> strings(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registry row holds malformed JSON: " + json, e);
        }
    }
}
