package io.clinicalpipeline.lake;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.types.Row;

import java.util.HashMap;
import java.util.Map;

/**
 * The row type of every pipeline table, from the same DDL that creates the tables, run in Flink's in-memory catalog: what
 * a graph needs to be built and tested on streams of its own, without Paimon. Equal to the types of the Paimon
 * tables, which that DDL created.
 */
public final class TableTypes {

    private final Map<String, TypeInformation<Row>> types;

    private TableTypes(Map<String, TypeInformation<Row>> types) {
        this.types = types;
    }

    public static TableTypes fromDdl() {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        for (String script : Lakehouse.TABLE_SCRIPTS) {
            for (String statement : SqlScripts.load(script, Map.of())) {
                // Flink's in-memory catalog only keeps tables that name a connector; none is ever opened here.
                tEnv.executeSql(statement.replaceFirst("WITH \\(", "WITH ('connector' = 'blackhole', "));
            }
        }
        Map<String, TypeInformation<Row>> types = new HashMap<>();
        for (String table : tEnv.listTables()) {
            types.put(table, ExternalTypeInfo.of(tEnv.from(table).getResolvedSchema().toPhysicalRowDataType().bridgedTo(Row.class)));
        }
        return new TableTypes(types);
    }

    public TypeInformation<Row> rowType(String table) {
        TypeInformation<Row> type = types.get(table);
        if (type == null) {
            throw new IllegalArgumentException("no table " + table + " in the pipeline's DDL (sql/01..04); tables: " + types.keySet());
        }
        return type;
    }
}
