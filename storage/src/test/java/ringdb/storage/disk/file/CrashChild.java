package ringdb.storage.disk.file;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;

/**
 * The child process of {@link RealDiskCrashTest}: writes with GROUP sync, 64 writes in flight,
 * and prints each key on stdout once its write is acknowledged, until it is killed (or a bound).
 * Arguments: the storage directory and the first key number (so successive children write new keys).
 */
public final class CrashChild {
    private static final Clock FROZEN = Clock.fixed(0);
    static final int WRITES_MAX = 1_000_000;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String directory = args[0];
        int firstKey = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Timers noTimers = (delay, task) -> () -> { };
        // Small segments and memtable: segments start from spares soon and flushed ones are recycled,
        // so the kill usually lands in a preallocated or recycled segment.
        StorageConfig config = StorageConfig.builder().memtableSizeBytesMax(2 << 20).flushPeriodMicros(0)
                .commitLogSizes(64L << 20, 1L << 20).build();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, FROZEN, noTimers);
            Semaphore inFlight = new Semaphore(64);
            out.println("ready");
            for (int i = firstKey; i < firstKey + WRITES_MAX; i++) {
                inFlight.acquire();
                String key = "key-" + i;
                engine.apply(key.getBytes(StandardCharsets.UTF_8), Cell.value(value(i), i + 1), failure -> {
                    if (failure == null) {
                        out.println(key + " ."); // the terminator tells a whole line from one cut by the kill
                    }
                    inFlight.release();
                });
            }
            engine.close();
        }
    }

    static byte[] value(int i) {
        byte[] value = new byte[1024];
        for (int b = 0; b < value.length; b++) {
            value[b] = (byte) (i * 31 + b);
        }
        return value;
    }
}
