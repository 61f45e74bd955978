package io.clinicalpipeline.ingest;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndAfterCheckpointSourceTest {

    /** Emits {@code records} records, one per poll, then ends; remembers the checkpoints it was told about. */
    private static final class CountingReader implements SourceReader<Integer, SourceSplit> {
        private int left;
        final List<Integer> emitted = new ArrayList<>();
        final List<Long> completed = new ArrayList<>();

        CountingReader(int records) {
            this.left = records;
        }

        @Override
        public void start() {
        }

        @Override
        public InputStatus pollNext(ReaderOutput<Integer> output) {
            if (left == 0) {
                return InputStatus.END_OF_INPUT;
            }
            output.collect(left);
            emitted.add(left--);
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<SourceSplit> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void addSplits(List<SourceSplit> splits) {
        }

        @Override
        public void notifyNoMoreSplits() {
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completed.add(checkpointId);
        }

        @Override
        public void close() {
        }
    }

    private static final ReaderOutput<Integer> DISCARD = new ReaderOutput<>() {
        @Override
        public void collect(Integer record) {
        }

        @Override
        public void collect(Integer record, long timestamp) {
        }

        @Override
        public void emitWatermark(org.apache.flink.api.common.eventtime.Watermark watermark) {
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }

        @Override
        public SourceOutput<Integer> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
        }
    };

    @Test
    void theEndOfInputWaitsForACheckpointTakenAfterTheLastRecord() throws Exception {
        CountingReader inner = new CountingReader(2);
        EndAfterCheckpointSource.Reader<Integer, SourceSplit> reader = new EndAfterCheckpointSource.Reader<>(inner);
        assertEquals(InputStatus.MORE_AVAILABLE, reader.pollNext(DISCARD));
        reader.snapshotState(1);
        assertEquals(InputStatus.MORE_AVAILABLE, reader.pollNext(DISCARD));
        assertEquals(InputStatus.NOTHING_AVAILABLE, reader.pollNext(DISCARD), "the inner end is held back");
        assertFalse(reader.isAvailable().isDone());

        reader.notifyCheckpointComplete(1);
        assertFalse(reader.isAvailable().isDone(), "checkpoint 1 was taken before the last record");
        assertEquals(InputStatus.NOTHING_AVAILABLE, reader.pollNext(DISCARD));

        reader.snapshotState(2);
        reader.notifyCheckpointAborted(2);
        reader.snapshotState(3);
        assertFalse(reader.isAvailable().isDone(), "neither checkpoint after the end has completed");

        reader.notifyCheckpointComplete(3);
        assertTrue(reader.isAvailable().isDone());
        assertEquals(InputStatus.END_OF_INPUT, reader.pollNext(DISCARD));
        assertEquals(List.of(2, 1), inner.emitted);
        assertEquals(List.of(1L, 3L), inner.completed, "the inner reader hears of every completed checkpoint (it commits offsets)");
    }

    @Test
    void aReaderWithoutRecordsAlsoEndsAfterACheckpoint() throws Exception {
        EndAfterCheckpointSource.Reader<Integer, SourceSplit> reader = new EndAfterCheckpointSource.Reader<>(new CountingReader(0));
        assertEquals(InputStatus.NOTHING_AVAILABLE, reader.pollNext(DISCARD));
        reader.snapshotState(7);
        reader.notifyCheckpointComplete(7);
        assertEquals(InputStatus.END_OF_INPUT, reader.pollNext(DISCARD));
    }
}
