package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeState;
import ringdb.server.Nodes;
import ringdb.server.config.ServerConfig;
import ringdb.server.transport.DepartedPeers;
import ringdb.server.net.FreePorts;

/**
 * Two real nodes in this JVM on loopback: once one has decommissioned, the other closes and forgets
 * its connection to it and stops sending to it, instead of keeping a connection (and reconnect
 * attempts) to every address that ever was a member.
 */
@Timeout(120)
class DepartedPeerTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    Path dir;

    private ServerConfig config(String name, int internode, int seedPort) throws IOException {
        return ServerConfig.load(null, Map.of("internode_port", Integer.toString(internode),
                "http_port", Integer.toString(FreePorts.loopback()), "data_directory", dir.resolve(name).toString(),
                "replication_factor", "1", "gossip_interval_ms", "100", "ring_delay_ms", "300",
                "seeds", "127.0.0.1:" + seedPort, "native_transport_port", "0"));
    }

    @Test
    void aNodeThatLeftIsForgottenByItsPeer() throws Exception {
        int seedPort = FreePorts.loopback();
        try (ServerNode stays = Nodes.start(config("stays", seedPort, seedPort));
             ServerNode leaves = Nodes.start(config("leaves", FreePorts.loopback(), seedPort))) {
            NodeId leaving = leaves.node().id();
            await("both nodes NORMAL in each other's view", () -> stateSeenBy(stays, leaving) == NodeState.NORMAL
                    && stays.nodeThread().call(() -> stays.node().ring().members().size()).join() == 2);
            assertThat(stays.transportStats().connectsSucceeded.sum()).as("the staying node talks to its peer")
                    .isPositive();
            CompletableFuture<ClientResult> left = new CompletableFuture<>();
            leaves.nodeThread().execute(() -> leaves.node().decommission(left::complete));
            assertThat(left.get(60, TimeUnit.SECONDS)).isInstanceOf(ClientResult.Completed.class);
            await("the staying node forgot its connection to the node that left",
                    () -> stays.transportStats().peersForgotten.sum() == 1);
            assertThat(stays.nodeThread().call(() -> DepartedPeers.of(stays.node())).join()).containsExactly(leaving);
            long dropped = stays.transportStats().droppedDeparted.sum();
            long connects = stays.transportStats().connectsSucceeded.sum()
                    + stays.transportStats().connectsFailed.sum();
            await("gossip to the departed node is dropped, not sent",
                    () -> stays.transportStats().droppedDeparted.sum() > dropped);
            assertThat(stays.transportStats().connectsSucceeded.sum() + stays.transportStats().connectsFailed.sum())
                    .as("no new connection attempt to the node that left").isEqualTo(connects);
            assertThat(stays.metrics().scrape(null)).contains("ringdb_internode_peers_forgotten 1.0");
        }
    }

    private static NodeState stateSeenBy(ServerNode viewer, NodeId peer) {
        return viewer.nodeThread().call(() -> viewer.node().status().peers().stream()
                .filter(status -> status.id().equals(peer)).map(status -> status.state()).findFirst()
                .orElse(NodeState.STARTING)).join();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval, not synchronisation
        }
    }
}
