package io.clinicalpipeline.it;

import io.clinicalpipeline.lake.Lakehouse;
import io.clinicalpipeline.lake.TableStreams;
import io.clinicalpipeline.runtime.LocalRuntime;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers with {@link TableStreams.Compaction#DEFERRED} leave every sorted run as written, where Paimon's default
 * writers merge them once enough have piled up; the compaction job then merges them without changing a row. Each
 * round is one job and one commit into a key table that asks for compaction from the second sorted run on.
 */
class DeferredCompactionIT {

    private static final String DB = "compaction";
    private static final int ROUNDS = 4;
    private static LocalRuntime runtime;
    private static Lakehouse lake;

    @BeforeAll
    static void tables() throws Exception {
        runtime = SharedRuntime.get();
        lake = new Lakehouse(SharedRuntime.newDirectory("compaction").toString());
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(runtime.flink().environment(new Configuration()));
        lake.use(tEnv, DB);
        for (String table : List.of("deferred", "in_writers")) {
            tEnv.executeSql("CREATE TABLE `" + table + "` (id INT NOT NULL, round INT NOT NULL, PRIMARY KEY (id) NOT ENFORCED) "
                    + "WITH ('bucket' = '1', 'num-sorted-run.compaction-trigger' = '2')");
        }
    }

    @Test
    void deferredWritersLeaveEverySortedRunAndTheCompactionJobMergesThemWithoutChangingARow() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            write("deferred", TableStreams.Compaction.DEFERRED, round);
            write("in_writers", TableStreams.Compaction.IN_WRITERS, round);
        }
        try (Catalog catalog = lake.openCatalog()) {
            assertTrue(commitKinds(catalog, "in_writers").contains(Snapshot.CommitKind.COMPACT),
                    "Paimon's default writers compact once runs pile up: " + commitKinds(catalog, "in_writers"));
            assertFalse(commitKinds(catalog, "deferred").contains(Snapshot.CommitKind.COMPACT), "deferred writers never compact");
            assertEquals(Set.of(0), PaimonFiles.levels(catalog, DB, "deferred"), "every sorted run as written");
            List<Row> before = rows("deferred");
            assertEquals((ROUNDS + 1) * 50, before.size(), "each round's keys, the newest round's row for the keys rounds share");
        }
        lake.compact(runtime.flink().environment(batch()), DB);
        try (Catalog catalog = lake.openCatalog()) {
            assertTrue(commitKinds(catalog, "deferred").contains(Snapshot.CommitKind.COMPACT));
            Set<Integer> levels = PaimonFiles.levels(catalog, DB, "deferred");
            assertFalse(levels.contains(0), "merged above level 0: " + levels);
        }
        assertEquals(expectedRows(), new HashSet<>(rows("deferred")), "compaction changes no row");
    }

    /** Round r writes keys 50·(r-1) … 50·r + 49: half of them new, half overwriting the previous round's. */
    private static void write(String table, TableStreams.Compaction compaction, int round) throws Exception {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        StreamExecutionEnvironment env = runtime.flink().environment(conf);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        lake.use(tEnv, DB);
        TableStreams tables = new TableStreams(tEnv, DB, compaction);
        List<Row> rows = IntStream.range(50 * (round - 1), 50 * round + 50).mapToObj(id -> Row.of(id, round)).toList();
        tables.write(table, env.fromData(tables.rowType(table), rows.toArray(new Row[0])));
        tables.attach();
        env.execute("write " + table + " round " + round);
    }

    private static Configuration batch() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        return conf;
    }

    /** Keys of the last round's range hold the last round; the earlier keys hold the round that wrote them last. */
    private static Set<Row> expectedRows() {
        Set<Row> expected = new HashSet<>();
        for (int id = 0; id < 50 * ROUNDS + 50; id++) {
            expected.add(Row.of(id, Math.min(id / 50 + 1, ROUNDS)));
        }
        return expected;
    }

    private static List<Row> rows(String table) throws Exception {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(runtime.flink().environment(batch()));
        lake.use(tEnv, DB);
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql("SELECT id, round FROM `" + table + "`").collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    private static Set<Snapshot.CommitKind> commitKinds(Catalog catalog, String table) throws Exception {
        Set<Snapshot.CommitKind> kinds = new HashSet<>();
        Iterator<Snapshot> snapshots = ((FileStoreTable) catalog.getTable(Identifier.create(DB, table))).snapshotManager().snapshots();
        snapshots.forEachRemaining(s -> kinds.add(s.commitKind()));
        return kinds;
    }
}
