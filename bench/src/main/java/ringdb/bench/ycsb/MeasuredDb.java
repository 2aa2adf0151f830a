package ringdb.bench.ycsb;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * Wraps a YCSB {@link DB} and records every call's latency (microseconds, HdrHistogram, 3
 * significant digits) and failures per operation. Thread-safe: the recorders are shared by all
 * threads' wrappers.
 */
final class MeasuredDb extends DB {
    /** Latencies above this are clamped (a minute, in microseconds). */
    static final long LATENCY_MICROS_MAX = TimeUnit.MINUTES.toMicros(1);

    /** Shared per-operation recorders and error counters. */
    static final class Meters {
        final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        void record(String operation, long startNanos, Status status) {
            long micros = Math.min(LATENCY_MICROS_MAX, Math.max(1, (System.nanoTime() - startNanos) / 1_000));
            // get first: computeIfAbsent may lock the map's bin even when the key is there, and every
            // thread records into the same few keys
            Recorder recorder = recorders.get(operation);
            if (recorder == null) {
                recorder = recorders.computeIfAbsent(operation, o -> new Recorder(LATENCY_MICROS_MAX, 3));
            }
            recorder.recordValue(micros);
            if (!status.isOk()) {
                LongAdder counter = errors.get(operation);
                if (counter == null) {
                    counter = errors.computeIfAbsent(operation, o -> new LongAdder());
                }
                counter.increment();
            }
        }
    }

    private final DB delegate;
    private final Meters meters;

    MeasuredDb(DB delegate, Meters meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    @Override
    public void init() throws DBException {
        delegate.setProperties(getProperties());
        delegate.init();
    }

    @Override
    public void cleanup() throws DBException {
        delegate.cleanup();
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        long start = System.nanoTime();
        Status status = delegate.read(table, key, fields, result);
        meters.record("READ", start, status);
        return status;
    }

    @Override
    public Status scan(String table, String startKey, int count, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        long start = System.nanoTime();
        Status status = delegate.scan(table, startKey, count, fields, result);
        meters.record("SCAN", start, status);
        return status;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        long start = System.nanoTime();
        Status status = delegate.update(table, key, values);
        meters.record("UPDATE", start, status);
        return status;
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        long start = System.nanoTime();
        Status status = delegate.insert(table, key, values);
        meters.record("INSERT", start, status);
        return status;
    }

    @Override
    public Status delete(String table, String key) {
        long start = System.nanoTime();
        Status status = delegate.delete(table, key);
        meters.record("DELETE", start, status);
        return status;
    }
}
