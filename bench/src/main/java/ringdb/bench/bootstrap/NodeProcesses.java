package ringdb.bench.bootstrap;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Real node processes on 127.0.0.1 sharing one directory, as the {@link BootstrapBenchmark} starts,
 * grows and stops them. The CLI implements it with the local cluster behind {@code ringdb cluster}
 * (which knows how to configure and launch {@code ringdb server}), so the benchmark needs neither the
 * server nor the CLI. {@link #nodes} may be called while {@link #add} runs on another thread.
 */
public interface NodeProcesses {
    /**
     * How to start nodes: count, RF, first ports (0 = free ports), every node's stream throttle
     * (0 = unthrottled) and ring delay (-1 = the server's default), extra flags for each
     * {@code ringdb server}, and each JVM's heap.
     */
    record Settings(int nodes, int replicationFactor, int baseInternodePort, int baseHttpPort,
                    long streamThrottleBytesPerSecond, long ringDelayMillis, List<String> serverFlags, String heap) {
    }

    /** A node: its index (node1 is 1) and the address of its HTTP API. */
    record Node(int index, String httpAddress) {
    }

    /** Opens the node processes of {@code directory}; progress lines go to {@code out}. */
    interface Factory {
        NodeProcesses open(Path directory, PrintStream out);
    }

    /** Starts the nodes and waits (up to {@code wait}) until every node sees all of them up; returns them. */
    List<Node> start(Settings settings, Duration wait);

    /**
     * Adds {@code count} nodes that join the running ones (auto_bootstrap) and waits (up to
     * {@code wait}) until every running node sees all of them up and NORMAL; returns them.
     */
    List<Node> add(int count, Settings settings, Duration wait);

    /** The nodes as the directory describes them now, started or not. */
    List<Node> nodes();

    /** Stops every node gracefully, killing any that has not exited after {@code grace}. */
    void stop(Duration grace);
}
