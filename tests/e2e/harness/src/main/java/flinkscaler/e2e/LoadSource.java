// SPDX-License-Identifier: Apache-2.0
package flinkscaler.e2e;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An unbounded FLIP-27 source that emits the records of {@link Load}: stateless (no splits carry
 * anything; the backlog lives in the harness, like a queue outside the job), any parallelism.
 * Subtask 0 reports the whole backlog as {@code pendingRecords}, the others 0, so the sum over
 * the subtasks is the backlog.
 */
public final class LoadSource implements Source<Long, LoadSource.NoSplit, Void> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<Long, NoSplit> createReader(SourceReaderContext context) {
        return new Reader(context);
    }

    @Override
    public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new Enumerator();
    }

    @Override
    public SplitEnumerator<NoSplit, Void> restoreEnumerator(
            SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
        return new Enumerator();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new SimpleVersionedSerializer<>() {
            public int getVersion() { return 1; }
            public byte[] serialize(NoSplit split) { return new byte[0]; }
            public NoSplit deserialize(int version, byte[] bytes) { return new NoSplit(); }
        };
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new SimpleVersionedSerializer<>() {
            public int getVersion() { return 1; }
            public byte[] serialize(Void v) { return new byte[0]; }
            public Void deserialize(int version, byte[] bytes) { return null; }
        };
    }

    /** Never assigned: the readers need no split. */
    public static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "none";
        }
    }

    private static final class Enumerator implements SplitEnumerator<NoSplit, Void> {
        public void start() {}
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}
        public void addSplitsBack(List<NoSplit> splits, int subtaskId) {}
        public void addReader(int subtaskId) {}
        public Void snapshotState(long checkpointId) { return null; }
        public void close() {}
    }

    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "load-source-timer");
                t.setDaemon(true);
                return t;
            });

    private static final class Reader implements SourceReader<Long, NoSplit> {
        private final SourceReaderContext context;
        private CompletableFuture<Void> available = CompletableFuture.completedFuture(null);

        Reader(SourceReaderContext context) {
            this.context = context;
        }

        @Override
        public void start() {
            boolean first = context.getIndexOfSubtask() == 0;
            context.metricGroup().setPendingRecordsGauge(() -> first ? Load.backlog() : 0L);
        }

        @Override
        public InputStatus pollNext(ReaderOutput<Long> output) {
            long seq = Load.take();
            if (seq >= 0) {
                output.collect(seq);
                return InputStatus.MORE_AVAILABLE;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            available = f;
            TIMER.schedule(() -> f.complete(null), 1, TimeUnit.MILLISECONDS);
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public List<NoSplit> snapshotState(long checkpointId) {
            return Collections.emptyList();
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<NoSplit> splits) {}

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() throws IOException {}
    }
}
