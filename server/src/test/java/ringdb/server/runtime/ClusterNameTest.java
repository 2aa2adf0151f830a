package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.NodeId;
import ringdb.server.Nodes;
import ringdb.server.config.ServerConfig;
import ringdb.server.transport.TestCertificates;
import ringdb.server.net.FreePorts;

/**
 * Real nodes in this JVM on loopback: a node whose seed is a node of another cluster (a wrong seed
 * in its configuration) is refused at the handshake by name, so the two clusters stay apart, while
 * a node of the same cluster with the same seed joins.
 */
@Timeout(120)
class ClusterNameTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    Path dir;

    private ServerConfig config(String cluster, String name, int internode, int seedPort) throws IOException {
        return ServerConfig.load(null, Map.of("cluster_name", cluster, "internode_port", Integer.toString(internode),
                "http_port", Integer.toString(FreePorts.loopback()), "data_directory", dir.resolve(name).toString(),
                "replication_factor", "1", "gossip_interval_ms", "100", "ring_delay_ms", "300",
                "seeds", "127.0.0.1:" + seedPort, "native_transport_port", "0"));
    }

    @Test
    void aNodeWhoseSeedIsInAnotherClusterIsRefusedAndTheClustersDoNotMerge() throws Exception {
        int alphaSeed = FreePorts.loopback();
        try (ServerNode alpha = Nodes.start(config("alpha", "alpha", alphaSeed, alphaSeed));
             ServerNode wrongSeed = Nodes.start(config("beta", "wrong-seed", FreePorts.loopback(), alphaSeed));
             ServerNode alphaToo = Nodes.start(config("alpha", "alpha-too", FreePorts.loopback(), alphaSeed))) {
            await("the node of cluster alpha joined through the seed", () -> known(alpha).size() == 2
                    && known(alphaToo).size() == 2);
            await("the seed refused the node of cluster beta, which was told why",
                    () -> alpha.transportStats().handshakesRefused.sum() > 0
                            && wrongSeed.transportStats().handshakesRefusedByPeer.sum() > 0);
            Set<NodeId> alphas = Set.of(alpha.node().id(), alphaToo.node().id());
            assertThat(known(alpha)).as("cluster alpha knows only its own nodes").isEqualTo(alphas);
            assertThat(known(alphaToo)).isEqualTo(alphas);
            assertThat(known(wrongSeed)).as("the node with the wrong seed merged nothing of alpha")
                    .containsExactly(wrongSeed.node().id());
            assertThat(alpha.metrics().scrape(null))
                    .containsPattern("ringdb_internode_handshakes\\{outcome=\"refused\"} [1-9]");
        }
    }

    @Test
    void withInternodeTlsOnlyNodesHoldingTheirOwnCertificateOfTheClusterJoin() throws Exception {
        int seedPort = FreePorts.loopback();
        int memberPort = FreePorts.loopback();
        int impostorPort = FreePorts.loopback();
        TestCertificates.Issued authority = TestCertificates.authority("cluster-ca");
        Path trusted = authority.write(dir, "cluster-ca");
        TestCertificates.signedBy(authority, "127.0.0.1:" + seedPort).write(dir, "seed");
        TestCertificates.signedBy(authority, "127.0.0.1:" + memberPort).write(dir, "member");
        TestCertificates.Issued foreign = TestCertificates.authority("foreign-ca");
        Path foreignTrusted = foreign.write(dir, "foreign-ca");
        TestCertificates.signedBy(foreign, "intruder").write(dir, "intruder");
        try (ServerNode seed = Nodes.start(tls(config("alpha", "seed", seedPort, seedPort), "seed", trusted));
             ServerNode member = Nodes.start(tls(config("alpha", "member", memberPort, seedPort), "member", trusted));
             ServerNode intruder = Nodes.start(tls(config("alpha", "intruder", FreePorts.loopback(), seedPort),
                     "intruder", foreignTrusted));
             ServerNode impostor = Nodes.start(tls(config("alpha", "impostor", impostorPort, seedPort), "member",
                     trusted))) {
            await("the node with the cluster's certificate joined over TLS", () -> known(seed).size() >= 2
                    && known(member).size() == 2);
            await("the seed refused the node whose certificate another authority signed",
                    () -> seed.transportStats().tlsHandshakesFailed.sum() > 0);
            await("the seed refused the node whose certificate names another node",
                    () -> seed.transportStats().certificateMismatches.sum() > 0);
            assertThat(known(seed)).as("neither the intruder nor the impostor is in the cluster")
                    .containsExactlyInAnyOrder(seed.node().id(), member.node().id());
            assertThat(known(intruder)).containsExactly(intruder.node().id());
            assertThat(known(impostor)).containsExactly(impostor.node().id());
            assertThat(seed.metrics().scrape(null))
                    .containsPattern("ringdb_internode_handshakes\\{outcome=\"certificate_mismatch\"} [1-9]");
        }
    }

    private ServerConfig tls(ServerConfig base, String node, Path trusted) throws IOException {
        Map<String, String> overrides = new java.util.HashMap<>();
        overrides.put("cluster_name", base.text("cluster_name"));
        overrides.put("internode_port", Integer.toString(base.internodeAddress().port()));
        overrides.put("http_port", Integer.toString(base.httpAddress().port()));
        overrides.put("data_directory", base.dataDirectory().toString());
        overrides.put("replication_factor", "1");
        overrides.put("gossip_interval_ms", "100");
        overrides.put("ring_delay_ms", "300");
        overrides.put("native_transport_port", "0");
        overrides.put("seeds", base.seeds().get(0).id());
        overrides.put("server_encryption_enabled", "true");
        overrides.put("server_encryption_certificate", dir.resolve(node + ".crt").toString());
        overrides.put("server_encryption_private_key", dir.resolve(node + ".key").toString());
        overrides.put("server_encryption_trusted_certificates", trusted.toString());
        return ServerConfig.load(null, overrides);
    }

    private static Set<NodeId> known(ServerNode viewer) {
        return viewer.nodeThread().call(() -> {
            Set<NodeId> ids = viewer.node().status().peers().stream().map(status -> status.id())
                    .collect(Collectors.toSet());
            ids.add(viewer.node().id());
            return Set.copyOf(ids);
        }).join();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval, not synchronisation
        }
    }
}
