package io.clinicalpipeline.lake;

import org.apache.paimon.data.InternalRow;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.sink.BatchTableCommit;
import org.apache.paimon.table.sink.BatchTableWrite;
import org.apache.paimon.table.sink.BatchWriteBuilder;

/** Rows written to a Paimon table in one batch commit through Paimon's Java API, without a Flink job. */
public final class PaimonWrites {

    /** Where {@link Rows} write: the table's batch writer. */
    public interface RowSink {
        void write(InternalRow row) throws Exception;
    }

    /** The rows of one commit, written as they are produced (a large commit need not be held in memory). */
    public interface Rows {
        void writeTo(RowSink sink) throws Exception;
    }

    private PaimonWrites() {}

    public static void commit(Table table, Rows rows) throws Exception {
        BatchWriteBuilder builder = table.newBatchWriteBuilder();
        try (BatchTableWrite write = builder.newWrite(); BatchTableCommit commit = builder.newCommit()) {
            rows.writeTo(write::write);
            commit.commit(write.prepareCommit());
        }
    }
}
