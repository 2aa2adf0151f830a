package ringdb.cli.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import ringdb.bench.bootstrap.NodeProcesses;
import ringdb.server.config.ConfigKeys;

/**
 * The bootstrap benchmark's node processes as a {@link LocalCluster}: its settings become
 * {@code ringdb server} flags (the stream throttle always, the ring delay unless the server's
 * default), after the extra flags given.
 */
public final class LocalClusterProcesses implements NodeProcesses {
    private final LocalCluster cluster;

    public LocalClusterProcesses(Path directory, PrintStream out) {
        this.cluster = new LocalCluster(directory, out);
    }

    @Override
    public List<Node> start(Settings settings, Duration wait) {
        return nodes(cluster.start(clusterSettings(settings), wait));
    }

    @Override
    public List<Node> add(int count, Settings settings, Duration wait) {
        return nodes(cluster.add(count, clusterSettings(settings), wait));
    }

    @Override
    public List<Node> nodes() {
        return nodes(cluster.members());
    }

    @Override
    public void stop(Duration grace) {
        cluster.stop(grace);
    }

    private static List<Node> nodes(List<LocalCluster.Member> members) {
        return members.stream().map(m -> new Node(m.index(), m.httpAddress())).toList();
    }

    private static LocalCluster.Settings clusterSettings(Settings settings) {
        List<String> flags = new ArrayList<>(settings.serverFlags());
        flags.addAll(List.of("--" + ConfigKeys.STREAM_THROUGHPUT_BYTES_PER_SECOND.replace('_', '-'),
                Long.toString(settings.streamThrottleBytesPerSecond())));
        if (settings.ringDelayMillis() >= 0) {
            flags.addAll(List.of("--" + ConfigKeys.RING_DELAY_MS.replace('_', '-'),
                    Long.toString(settings.ringDelayMillis())));
        }
        return new LocalCluster.Settings(settings.nodes(), settings.replicationFactor(), settings.baseInternodePort(),
                settings.baseHttpPort(), flags, settings.heap());
    }
}
