package ringdb.storage;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import ringdb.core.store.LocalStore;
import ringdb.storage.sstable.SSTable;

/**
 * One flush, cleanup rewrite or snapshot requested without waiting: its progress (written by the
 * worker thread, readable from any thread) and its outcome (set once, on the owner's thread).
 */
final class MaintenanceRun {
    private final String kind;
    private volatile String phase;
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong examined = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    private volatile long inputBytes;
    private volatile long inputEntries;
    private volatile int inputTables;
    private BackgroundTask<Integer> task;
    private boolean finished;
    private long result;
    private Throwable failure;

    MaintenanceRun(String kind) {
        this.kind = kind;
        this.phase = "flushing the memtable";
    }

    String kind() {
        return kind;
    }

    /** The work proper starts on {@code inputs} (after the flush before it). */
    void begin(List<SSTable> inputs) {
        long bytes = 0;
        long entries = 0;
        for (SSTable table : inputs) {
            bytes += table.sizeBytes();
            entries += table.metadata().entryCount();
        }
        inputBytes = bytes;
        inputEntries = entries;
        inputTables = inputs.size();
        phase = kind.equals("snapshot") ? "linking " + inputs.size() + " tables"
                : "rewriting " + inputs.size() + " tables";
    }

    void phase(String text) {
        phase = text;
    }

    /** Worker thread: one entry examined by a cleanup rewrite; returns {@code kept}. */
    boolean examined(boolean kept) {
        examined.incrementAndGet();
        if (!kept) {
            removed.incrementAndGet();
        }
        return kept;
    }

    /** Worker thread: {@code bytes} more of output written. */
    void written(long bytes) {
        bytesWritten.addAndGet(bytes);
    }

    long removed() {
        return removed.get();
    }

    void attach(BackgroundTask<Integer> linkTask) {
        this.task = linkTask;
    }

    BackgroundTask<Integer> task() {
        return task;
    }

    void finish(long outcome, Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        result = outcome;
        failure = error;
        phase = error == null ? "done" : "failed";
    }

    boolean isFinished() {
        return finished;
    }

    long result() {
        return result;
    }

    Throwable failure() {
        return failure;
    }

    /** Where the run stands, for operators; any thread. */
    LocalStore.Activity activity() {
        if (kind.equals("cleanup") && inputEntries > 0) {
            return new LocalStore.Activity(kind, phase + " (" + removed.get() + " entries removed, "
                    + bytesWritten.get() + " bytes written)", examined.get(), inputEntries, "entries");
        }
        if (kind.equals("snapshot") && inputTables > 0) {
            return new LocalStore.Activity(kind, phase, 0, inputTables, "tables");
        }
        return new LocalStore.Activity(kind, phase, 0, 0, "");
    }

    /** The bytes the run's inputs held (0 before it began). */
    long inputBytes() {
        return inputBytes;
    }
}
