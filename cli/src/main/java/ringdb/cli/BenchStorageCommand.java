package ringdb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.bench.storage.StorageBenchmark;
import ringdb.storage.disk.file.FileDisk;

/** {@code ringdb bench storage}: one node's storage engine on the real disk. */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = {"Measures one node's storage engine on the real disk with 1 KiB values and 64 writes in flight:",
            "puts/s under GROUP and PERIODIC commit log sync, point reads/s from tables larger than the memtable",
            "(page cache warm), commit log replay in MB/s, and a major compaction of four tables in MB/s, unthrottled",
            "and paced to the default compaction throughput. Each figure is the median of --runs runs."})
final class BenchStorageCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Where to write (default: a temporary directory, deleted afterwards).")
    Path directory;

    @Option(names = "--writes", defaultValue = "200000",
            description = "Puts per write run (default: ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--reads", defaultValue = "1000000",
            description = "Point reads per read run (default: ${DEFAULT-VALUE}).")
    int reads;

    @Option(names = "--replay-writes", defaultValue = "200000",
            description = "Records written, then replayed, per replay run (default: ${DEFAULT-VALUE}).")
    int replayWrites;

    @Option(names = "--value-size", defaultValue = "1024",
            description = "Value size in bytes (default: ${DEFAULT-VALUE}).")
    int valueSizeBytes;

    @Option(names = "--in-flight", defaultValue = "64", description = "Writes in flight (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per figure (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-runs", defaultValue = "1",
            description = "Runs before each figure's, not counted, while the JIT compiles (default: ${DEFAULT-VALUE}).")
    int warmupRuns;

    @Option(names = "--compaction-writes", defaultValue = "65536",
            description = "Entries written as four tables, then compacted, per compaction run "
                    + "(default: ${DEFAULT-VALUE}).")
    int compactionWrites;

    @Option(names = "--rows", defaultValue = "50000",
            description = "Rows of 10 columns written, then as many one-column updates, per row run "
                    + "(default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--slices", defaultValue = "20000",
            description = "Slices of 100 rows read per row run (default: ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--group-window-micros", defaultValue = "" + FileDisk.GROUP_WINDOW_MICROS_DEFAULT,
            description = "Longest group commit wait (default: ${DEFAULT-VALUE}).")
    long groupWindowMicros;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (writes < 1 || reads < 1 || replayWrites < 1 || valueSizeBytes < 1 || valueSizeBytes > 1 << 20
                || inFlight < 1 || runs < 1 || warmupRuns < 0 || groupWindowMicros < 0 || compactionWrites < 1
                || rows < 1 || slices < 1) {
            System.err.println("ringdb bench storage: counts must be positive, --value-size at most 1048576, "
                    + "--group-window-micros not negative");
            return 2;
        }
        Path root = directory != null ? directory : Files.createTempDirectory("ringdb-bench-storage");
        try {
            new StorageBenchmark(new StorageBenchmark.Options(root, writes, reads, replayWrites, valueSizeBytes,
                    inFlight, runs, warmupRuns, groupWindowMicros, compactionWrites, rows, slices), System.out).run();
        } finally {
            if (directory == null) {
                Files.deleteIfExists(root);
            }
        }
        return 0;
    }
}
