package ringdb.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.GossipShutdown;
import ringdb.server.config.HostPort;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.tls.TlsMaterial;
import ringdb.server.net.FreePorts;

/**
 * Mutual TLS on the internode port, with certificate authorities made for the test: nodes holding
 * certificates of the cluster's authority that name them talk; a node whose certificate another
 * authority signed, a node speaking plaintext, and a node holding another node's certificate cannot,
 * and nothing they send reaches the node. PKCS#12 stores work as PEM does, and a reload gives new
 * connections the new certificate while open ones keep going.
 */
@Timeout(60)
class InternodeTlsTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
    private TestCertificates.Issued cluster;
    private Path clusterAuthority;
    private Path foreignAuthority;
    private final int portA = FreePorts.loopback();
    private final int portB = FreePorts.loopback();
    private final int portC = FreePorts.loopback();

    InternodeTlsTest() throws IOException {
    }

    @BeforeEach
    void certificates() throws Exception {
        cluster = TestCertificates.authority("cluster-ca");
        clusterAuthority = cluster.write(dir, "cluster-ca");
        TestCertificates.forNode(cluster, id(portA)).write(dir, "node-a");
        TestCertificates.signedBy(cluster, id(portB)).write(dir, "node-b");
        TestCertificates.Issued foreign = TestCertificates.authority("foreign-ca");
        foreignAuthority = foreign.write(dir, "foreign-ca");
        TestCertificates.signedBy(foreign, id(portC)).write(dir, "intruder");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String id(int port) {
        return "127.0.0.1:" + port;
    }

    private InternodeTls tls(String node, Path trusted) {
        return InternodeTls.fromPem(dir.resolve(node + ".crt"), dir.resolve(node + ".key"), trusted, true);
    }

    @Test
    void nodesWithTheClustersCertificatesTalkAndOthersCannotConnect() throws Exception {
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        InternodeTransport a = transport(portA, tls("node-a", clusterAuthority), received);
        InternodeTransport b = transport(portB, tls("node-b", clusterAuthority), new ConcurrentLinkedQueue<>());
        NodeId aId = NodeId.of(id(portA));
        awaitTrue("a node with the cluster's certificate is heard over TLS", () -> {
            b.send(aId, new GossipShutdown(1));
            return !received.isEmpty();
        });
        NodeId bId = NodeId.of(id(portB));

        InternodeTransport intruder = transport(portC, tls("intruder", foreignAuthority),
                new ConcurrentLinkedQueue<>());
        awaitTrue("the node refused a certificate of another authority", () -> {
            intruder.send(aId, new GossipShutdown(2));
            return a.stats().tlsHandshakesFailed.sum() > 0;
        });
        long failed = a.stats().tlsHandshakesFailed.sum();
        InternodeTransport plaintext = transport(FreePorts.loopback(), null, new ConcurrentLinkedQueue<>());
        awaitTrue("the node refused plaintext", () -> {
            plaintext.send(aId, new GossipShutdown(3));
            return a.stats().tlsHandshakesFailed.sum() > failed;
        });
        assertThat(received).as("nothing from the intruder nor the plaintext peer reached the node")
                .extracting(Envelope::from).containsOnly(bId);
        assertThat(a.stats().handshakesAccepted.sum()).as("only b got as far as the internode handshake")
                .isEqualTo(1);
        assertThat(b.stats().certificateMismatches.sum()).as("a's certificate names a").isZero();
    }

    @Test
    void aPeerPresentingTheCertificateOfAnotherNodeIsRefusedBothWays() throws Exception {
        ConcurrentLinkedQueue<Envelope> atA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Envelope> atImpostor = new ConcurrentLinkedQueue<>();
        InternodeTransport a = transport(portA, tls("node-a", clusterAuthority), atA);
        // Listens at C but holds b's certificate (of the cluster's authority, naming b).
        InternodeTransport impostor = transport(portC, tls("node-b", clusterAuthority), atImpostor);
        NodeId aId = NodeId.of(id(portA));
        awaitTrue("a refused the peer claiming to be C with b's certificate", () -> {
            impostor.send(aId, new GossipShutdown(1));
            return a.stats().certificateMismatches.sum() > 0;
        });
        awaitTrue("a refused to talk to the node answering at C with b's certificate", () -> {
            a.send(NodeId.of(id(portC)), new GossipShutdown(2));
            return a.stats().certificateMismatches.sum() > 1;
        });
        assertThat(atA).as("nothing the impostor sent reached a").isEmpty();
        assertThat(atImpostor).as("a sent the impostor nothing, not even before checking it").isEmpty();
        assertThat(a.stats().handshakesAccepted.sum()).isZero();
        assertThat(a.stats().handshakesRefused.sum()).isPositive();
        assertThat(impostor.stats().handshakesRefusedByPeer.sum()).as("the impostor was told why").isPositive();
    }

    @Test
    void pkcs12KeyAndTrustStoresAreAccepted() throws Exception {
        char[] password = "store-pass".toCharArray();
        Path keyStore = TestCertificates.forNode(cluster, id(portA)).writeKeyStore(dir, "node-a", password,
                cluster.certificate());
        Path trustStore = TestCertificates.writeTrustStore(dir.resolve("trust.p12"), password, cluster);
        InternodeTls pkcs12 = InternodeTls.from(new TlsMaterial("server_encryption", null, null, keyStore,
                "store-pass", null, trustStore, "store-pass"), true, true);
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        InternodeTransport a = transport(portA, pkcs12, received);
        InternodeTransport b = transport(portB, tls("node-b", clusterAuthority), new ConcurrentLinkedQueue<>());
        awaitTrue("a PKCS#12 node and a PEM node talk", () -> {
            b.send(NodeId.of(id(portA)), new GossipShutdown(1));
            return !received.isEmpty();
        });
        assertThatThrownBy(() -> InternodeTls.from(new TlsMaterial("server_encryption", null, null, keyStore,
                "wrong", null, trustStore, "store-pass"), true, true))
                .hasMessageContaining("server_encryption_keystore").hasMessageContaining("wrong password");
    }

    @Test
    void aReloadGivesNewConnectionsTheNewCertificateWhileOpenOnesKeepGoing() throws Exception {
        TestCertificates.Issued second = TestCertificates.authority("second-ca");
        Path both = TestCertificates.writeTrusted(dir.resolve("both.crt"), cluster, second);
        Path secondOnly = TestCertificates.writeTrusted(dir.resolve("second.crt"), second);
        TestCertificates.forNode(second, id(portC)).write(dir, "node-c");
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        InternodeTls aTls = tls("node-a", both);
        InternodeTransport a = transport(portA, aTls, received);
        InternodeTransport b = transport(portB, tls("node-b", both), new ConcurrentLinkedQueue<>());
        InternodeTransport c = transport(portC, tls("node-c", secondOnly), new ConcurrentLinkedQueue<>());
        NodeId aId = NodeId.of(id(portA));
        awaitTrue("b talks to a", () -> {
            b.send(aId, new GossipShutdown(1));
            return received.stream().anyMatch(e -> e.from().id().equals(id(portB)));
        });
        awaitTrue("c, which trusts only the second authority, cannot connect to a yet", () -> {
            c.send(aId, new GossipShutdown(2));
            return c.stats().tlsHandshakesFailed.sum() > 0;
        });
        assertThat(aTls.reloading().reloadIfChanged().reloaded()).as("nothing changed yet").isFalse();

        TestCertificates.forNode(second, id(portA)).write(dir, "node-a");
        ReloadingTls.Outcome outcome = aTls.reloading().reloadIfChanged();
        assertThat(outcome.reloaded()).as(String.valueOf(outcome.error())).isTrue();
        long connectsOfB = b.stats().connectsSucceeded.sum();
        awaitTrue("c connects to a, which now presents the second authority's certificate", () -> {
            c.send(aId, new GossipShutdown(3));
            return received.stream().anyMatch(e -> e.from().id().equals(id(portC)));
        });
        int fromB = (int) received.stream().filter(e -> e.from().id().equals(id(portB))).count();
        awaitTrue("b's open connection keeps going", () -> {
            b.send(aId, new GossipShutdown(4));
            return received.stream().filter(e -> e.from().id().equals(id(portB))).count() > fromB;
        });
        assertThat(b.stats().connectsSucceeded.sum()).as("on the same connection").isEqualTo(connectsOfB);
        assertThat(aTls.reloading().reloadCount()).isEqualTo(1);

        Files.writeString(dir.resolve("node-a.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        ReloadingTls.Outcome broken = aTls.reloading().reloadIfChanged();
        assertThat(broken.failed()).as("a broken key is not used").isTrue();
        assertThat(aTls.reloading().failedReloadCount()).isEqualTo(1);
        int portD = FreePorts.loopback();
        TestCertificates.forNode(cluster, id(portD)).write(dir, "node-d");
        InternodeTransport d = transport(portD, tls("node-d", secondOnly), new ConcurrentLinkedQueue<>());
        awaitTrue("a new connection gets the last good certificate (of the second authority)", () -> {
            d.send(aId, new GossipShutdown(5));
            return received.stream().anyMatch(e -> e.from().id().equals(id(portD)));
        });
    }

    @Test
    void missingOrBadFilesAreAClearError() throws IOException {
        assertThatThrownBy(() -> InternodeTls.fromPem(dir.resolve("nope.crt"), dir.resolve("node-a.key"),
                clusterAuthority, true)).hasMessageContaining("server_encryption_certificate: cannot read")
                .hasMessageContaining("nope.crt");
        java.nio.file.Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                + "-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> InternodeTls.fromPem(dir.resolve("node-a.crt"), dir.resolve("garbage.key"),
                clusterAuthority, true)).hasMessageContaining("cannot set up internode TLS");
        assertThatThrownBy(() -> InternodeTls.fromPem(dir.resolve("node-a.crt"), dir.resolve("node-b.key"),
                clusterAuthority, true)).hasMessageContaining("does not go with the certificate");
    }

    private InternodeTransport transport(int port, InternodeTls tls, ConcurrentLinkedQueue<Envelope> sink) {
        InternodeTransport.Settings settings = new InternodeTransport.Settings(new HostPort("127.0.0.1", port),
                NodeId.of("127.0.0.1:" + port), 1 << 20, 2_000, 200, 5_000, 1 << 20, "ringdb", tls);
        InternodeTransport transport = InternodeTransport.start(settings, (envelope, processed) -> {
            sink.add(envelope);
            processed.run();
        }, group);
        toClose.add(transport);
        return transport;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval, not synchronisation
        }
    }
}
