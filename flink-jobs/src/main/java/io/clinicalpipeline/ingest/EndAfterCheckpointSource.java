package io.clinicalpipeline.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded source whose readers, having emitted their last record, end only once a checkpoint taken after that
 * record has completed. Every record is then committed by an ordinary checkpoint commit before any operator
 * downstream sees the end of its input.
 *
 * <p>Why: in a streaming job, Paimon's writers hand the files written since the last checkpoint to the committer
 * as one "end of input" commit (identifier {@code Long.MAX_VALUE}), and the committer commits everything it holds
 * under that identifier when the first checkpoint completes after its own input ended. If that checkpoint's
 * snapshot was taken while one writer's end-of-input files were still on their way, the commit holds only the
 * other writer's files, and the late ones are later discarded as already committed (Paimon 1.3, {@code
 * CommitterOperator}). The job reports FINISHED with a partition's tail missing from the table. With this source
 * the end-of-input commit carries no records, so that race can lose nothing.
 *
 * <p>A reader that meets the end of its input holds it back (reporting nothing available) until
 * {@link SourceReader#notifyCheckpointComplete} names a checkpoint it snapshotted after its inner reader ended. A
 * bounded job therefore runs about one checkpoint interval longer; an unbounded source is passed through.
 */
public final class EndAfterCheckpointSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final Source<T, SplitT, EnumChkT> inner;
    private final TypeInformation<T> producedType;

    public <S extends Source<T, SplitT, EnumChkT> & ResultTypeQueryable<T>> EndAfterCheckpointSource(S inner) {
        this.inner = inner;
        this.producedType = inner.getProducedType();
    }

    @Override
    public Boundedness getBoundedness() {
        return inner.getBoundedness();
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext context) throws Exception {
        SourceReader<T, SplitT> reader = inner.createReader(context);
        return inner.getBoundedness() == Boundedness.BOUNDED ? new Reader<>(reader) : reader;
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> context) throws Exception {
        return inner.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(SplitEnumeratorContext<SplitT> context, EnumChkT checkpoint)
            throws Exception {
        return inner.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return inner.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return inner.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }

    /** Delegates everything, except that the end of input waits for a checkpoint taken after it. */
    static final class Reader<T, SplitT extends SourceSplit> implements SourceReader<T, SplitT> {
        private static final long NONE = -1;

        private final SourceReader<T, SplitT> inner;
        private final CompletableFuture<Void> released = new CompletableFuture<>();
        private boolean innerEnded;
        /** The first checkpoint snapshotted after the inner reader ended: its completion commits every record. */
        private long firstCheckpointAfterEnd = NONE;

        Reader(SourceReader<T, SplitT> inner) {
            this.inner = inner;
        }

        @Override
        public void start() {
            inner.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (innerEnded) {
                return released.isDone() ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
            }
            InputStatus status = inner.pollNext(output);
            if (status != InputStatus.END_OF_INPUT) {
                return status;
            }
            innerEnded = true;
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return innerEnded ? released : inner.isAvailable();
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            if (innerEnded && firstCheckpointAfterEnd == NONE) {
                firstCheckpointAfterEnd = checkpointId;
            }
            return inner.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            inner.notifyCheckpointComplete(checkpointId);
            // Checkpoint ids grow, so any later completed checkpoint was also snapshotted after the end.
            if (firstCheckpointAfterEnd != NONE && checkpointId >= firstCheckpointAfterEnd) {
                released.complete(null);
            }
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            inner.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            inner.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            inner.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            inner.handleSourceEvents(sourceEvent);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
            inner.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            inner.close();
        }
    }
}
