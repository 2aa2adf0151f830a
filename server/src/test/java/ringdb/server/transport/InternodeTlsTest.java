package ringdb.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

/**
 * Mutual TLS on the internode port, with a certificate authority made for the test: nodes holding
 * certificates of the cluster's authority talk; a node whose certificate another authority signed,
 * and a node speaking plaintext, cannot connect, and nothing they send reaches the node.
 */
@Timeout(60)
class InternodeTlsTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
    private Path clusterAuthority;
    private Path foreignAuthority;

    @BeforeEach
    void certificates() throws Exception {
        TestCertificates.Issued cluster = TestCertificates.authority("cluster-ca");
        clusterAuthority = cluster.write(dir, "cluster-ca");
        TestCertificates.signedBy(cluster, "node-a").write(dir, "node-a");
        TestCertificates.signedBy(cluster, "node-b").write(dir, "node-b");
        TestCertificates.Issued foreign = TestCertificates.authority("foreign-ca");
        foreignAuthority = foreign.write(dir, "foreign-ca");
        TestCertificates.signedBy(foreign, "intruder").write(dir, "intruder");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private InternodeTls tls(String node, Path trusted) {
        return InternodeTls.fromPem(dir.resolve(node + ".crt"), dir.resolve(node + ".key"), trusted, true);
    }

    @Test
    void nodesWithTheClustersCertificatesTalkAndOthersCannotConnect() throws Exception {
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        InternodeTransport a = transport(tls("node-a", clusterAuthority), received);
        InternodeTransport b = transport(tls("node-b", clusterAuthority), new ConcurrentLinkedQueue<>());
        NodeId aId = NodeId.of("127.0.0.1:" + a.boundAddress().getPort());
        awaitTrue("a node with the cluster's certificate is heard over TLS", () -> {
            b.send(aId, new GossipShutdown(1));
            return !received.isEmpty();
        });
        NodeId bId = NodeId.of("127.0.0.1:" + b.boundAddress().getPort());

        InternodeTransport intruder = transport(tls("intruder", foreignAuthority), new ConcurrentLinkedQueue<>());
        awaitTrue("the node refused a certificate of another authority", () -> {
            intruder.send(aId, new GossipShutdown(2));
            return a.stats().tlsHandshakesFailed.sum() > 0;
        });
        long failed = a.stats().tlsHandshakesFailed.sum();
        InternodeTransport plaintext = transport(null, new ConcurrentLinkedQueue<>());
        awaitTrue("the node refused plaintext", () -> {
            plaintext.send(aId, new GossipShutdown(3));
            return a.stats().tlsHandshakesFailed.sum() > failed;
        });
        assertThat(received).as("nothing from the intruder nor the plaintext peer reached the node")
                .extracting(Envelope::from).containsOnly(bId);
        assertThat(a.stats().handshakesAccepted.sum()).as("only b got as far as the internode handshake")
                .isEqualTo(1);
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
    }

    private InternodeTransport transport(InternodeTls tls, ConcurrentLinkedQueue<Envelope> sink) throws IOException {
        int port = freePort();
        InternodeTransport.Settings settings = new InternodeTransport.Settings(new HostPort("127.0.0.1", port),
                NodeId.of("127.0.0.1:" + port), 1 << 20, 2_000, 200, 5_000, 1 << 20, "ringdb", tls);
        InternodeTransport transport = InternodeTransport.start(settings, (envelope, processed) -> {
            sink.add(envelope);
            processed.run();
        }, group);
        toClose.add(transport);
        return transport;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval, not synchronisation
        }
    }
}
