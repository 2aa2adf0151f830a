package ringdb.bench.bootstrap;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * The data set of the bootstrap benchmark: {@code keys} keys "bootbench-0000000000"... whose values
 * are {@code valueBytes} pseudo-random bytes derived from the key's index, so any key can be checked
 * after the fact without keeping what was written. {@link #load} writes them with many client
 * threads; {@link #verify} reads a sample back. Not thread-safe itself; each method runs its own threads.
 */
public final class BenchData {
    private static final int PUT_ATTEMPTS = 5;
    private static final String DIFFERS = "has another value";

    /** How a load went: keys written, wall time, puts that had to be retried. */
    public record LoadResult(long keys, long nanos, long retries) {
        public double putsPerSecond() {
            return keys / (nanos / 1e9);
        }
    }

    /**
     * How a verification went: keys read, how many were missing (or failed to read) or differed,
     * and the first such key.
     */
    public record VerifyResult(int read, int missing, int wrong, String firstProblem) {
        public boolean ok() {
            return missing == 0 && wrong == 0;
        }
    }

    private final long keys;
    private final int valueBytes;
    private final long seed;

    BenchData(long keys, int valueBytes, long seed) {
        this.keys = keys;
        this.valueBytes = valueBytes;
        this.seed = seed;
    }

    long keys() {
        return keys;
    }

    static byte[] key(long index) {
        return String.format("bootbench-%010d", index).getBytes(StandardCharsets.UTF_8);
    }

    byte[] value(long index) {
        byte[] value = new byte[valueBytes];
        new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextBytes(value);
        return value;
    }

    /**
     * Writes every key at {@code consistency} through {@code client} (token-aware: each put goes to a
     * replica) with {@code threads} threads, printing a progress line every {@code progressSeconds}.
     * A failed put is retried (the same value, so a retry cannot reorder anything that matters);
     * after {@link #PUT_ATTEMPTS} failures of one key the load stops with that error.
     */
    LoadResult load(RingClient client, String consistency, int threads, long progressSeconds, PrintStream out) {
        AtomicLong next = new AtomicLong();
        AtomicLong written = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(threads);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < keys && failure.get() == null;
                            i = next.getAndIncrement()) {
                        put(client, consistency, i, retries);
                        written.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }, "bootbench-loader-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        awaitWithProgress(finished, start, written, progressSeconds, out);
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "load failed after " + written.get() + " keys: " + failure.get().getMessage(), failure.get());
        }
        return new LoadResult(keys, System.nanoTime() - start, retries.get());
    }

    private void put(RingClient client, String consistency, long index, AtomicLong retries) {
        byte[] key = key(index);
        byte[] value = value(index);
        for (int attempt = 1; ; attempt++) {
            try {
                client.put(key, value, consistency);
                return;
            } catch (RingClientException e) {
                if (attempt >= PUT_ATTEMPTS) {
                    throw e;
                }
                retries.incrementAndGet();
            }
        }
    }

    private void awaitWithProgress(CountDownLatch finished, long start, AtomicLong written, long progressSeconds,
                                   PrintStream out) {
        try {
            while (!finished.await(progressSeconds, TimeUnit.SECONDS)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                long done = written.get();
                out.printf("[load] %5.0f s: %,d of %,d keys (%.0f%%), %,.0f puts/s, %.1f MB/s of values%n",
                        seconds, done, keys, 100.0 * done / keys, done / seconds,
                        done * (double) valueBytes / seconds / 1e6);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading", e);
        }
    }

    /**
     * Reads {@code sample} keys spread evenly over the data set at {@code consistency} through
     * {@code node} alone (it coordinates every read) and compares them with what was written.
     */
    VerifyResult verify(String node, String consistency, int sample) {
        int count = (int) Math.min(sample, keys);
        int missing = 0;
        int wrong = 0;
        String firstProblem = null;
        try (RingClient client = new RingClient(List.of(node), new RingClient.Options(10_000, 60_000, 1, false))) {
            for (int i = 0; i < count; i++) {
                long index = (long) ((i + 0.5) * keys / count);
                String problem = check(client, consistency, index);
                missing += problem != null && !problem.equals(DIFFERS) ? 1 : 0;
                wrong += DIFFERS.equals(problem) ? 1 : 0;
                if (problem != null && firstProblem == null) {
                    firstProblem = new String(key(index), StandardCharsets.UTF_8) + ": " + problem;
                }
            }
        }
        return new VerifyResult(count, missing, wrong, firstProblem);
    }

    /** Null when the key reads back as written; else what is wrong ({@link #DIFFERS}, missing, or the read's error). */
    private String check(RingClient client, String consistency, long index) {
        try {
            Optional<RingClient.Value> read = client.get(key(index), consistency);
            if (read.isEmpty()) {
                return "missing";
            }
            return Arrays.equals(read.get().value(), value(index)) ? null : DIFFERS;
        } catch (RingClientException e) {
            return "read failed: " + e.getMessage();
        }
    }
}
