package ringdb.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationRequest;
import ringdb.server.config.HostPort;
import ringdb.server.net.FreePorts;

/**
 * The internode transport against fake peers on real loopback sockets: a peer that accepts and
 * never reads is taken as dead instead of being buffered into; a peer that floods a node whose
 * thread is behind is paused by TCP, not absorbed; nodes that left are forgotten until they talk again.
 */
@Timeout(60)
class InternodeTransportTest {
    private static final NodeId SELF = NodeId.of("127.0.0.1:1");
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final byte[] VALUE = new byte[60 * 1024];

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private InternodeTransport transport(long userTimeoutMillis, long receiveQueueBytesMax,
                                         InboundMessageHandler.Sink sink) throws IOException {
        InternodeTransport.Settings settings = new InternodeTransport.Settings(
                new HostPort("127.0.0.1", FreePorts.loopback()),
                SELF, 1024 * 1024, 2_000, 200, userTimeoutMillis, receiveQueueBytesMax);
        InternodeTransport transport = InternodeTransport.start(settings, sink, group);
        toClose.add(transport);
        return transport;
    }

    private ServerSocket fakePeer() throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReceiveBufferSize(4096); // accepted sockets inherit it: the kernel buffers little for them
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.setSoTimeout(200);
        toClose.add(server);
        return server;
    }

    private static NodeId idOf(ServerSocket server) {
        return NodeId.of("127.0.0.1:" + server.getLocalPort());
    }

    private static MutationRequest mutation(long id) {
        return new MutationRequest(id, ("key-" + id).getBytes(), Cell.value(VALUE, id + 1),
                MutationRequest.NO_RING_CHECK);
    }

    @Test
    void aPeerThatAcceptsAndNeverReadsIsTakenAsDeadAndReconnectedAfterABackoff() throws Exception {
        InternodeTransport transport = transport(500, 1 << 20, (envelope, processed) -> processed.run());
        ServerSocket peer = fakePeer();
        NodeId target = idOf(peer);
        List<Socket> accepted = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT_NANOS;
        long sent = 0;
        while (accepted.size() < 2 && System.nanoTime() < deadline) {
            for (int i = 0; i < 20; i++) {
                transport.send(target, mutation(sent++));
            }
            try {
                Socket socket = peer.accept(); // paces the loop: waits up to 200 ms
                toClose.add(socket);
                accepted.add(socket);
            } catch (SocketTimeoutException e) {
                // no new connection yet
            }
        }
        TransportStats stats = transport.stats();
        assertThat(stats.deadPeerConnections.sum()).as("the stalled connection was taken as dead").isGreaterThan(0);
        assertThat(stats.droppedQueueFull.sum() + stats.droppedDeadPeer.sum())
                .as("messages past the bounded backlog were dropped and counted, not buffered").isGreaterThan(0);
        assertThat(accepted).as("after the dead connection was closed, the peer was reconnected").hasSize(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - (deadline - WAIT_NANOS)))
                .as("found dead within a few user timeouts, not after TCP's retransmissions gave up")
                .isLessThan(5_000);
    }

    @Test
    void aLivePeerThatReadsIsNotTakenAsDead() throws Exception {
        AtomicLong received = new AtomicLong();
        InternodeTransport receiver = transport(200, 1 << 20, (envelope, processed) -> {
            received.incrementAndGet();
            processed.run();
        });
        InternodeTransport sender = transport(200, 1 << 20, (envelope, processed) -> processed.run());
        NodeId target = NodeId.of("127.0.0.1:" + receiver.boundAddress().getPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long sent = 0;
        while (System.nanoTime() < deadline) { // longer than the user timeout, with data always pending
            sender.send(target, mutation(sent++));
            if (sent % 8 == 0) {
                long expected = sent;
                awaitTrue(() -> received.get() + sender.stats().droppedQueueFull.sum() >= expected - 8);
            }
        }
        assertThat(sender.stats().deadPeerConnections.sum()).isZero();
        assertThat(sender.stats().connectsSucceeded.sum()).isEqualTo(1);
        assertThat(received.get()).isGreaterThan(sent / 2);
    }

    @Test
    void aFloodingPeerIsPausedByTcpWhileTheNodeIsBehindAndResumedWhenItCatchesUp() throws Exception {
        ConcurrentLinkedQueue<Runnable> unprocessed = new ConcurrentLinkedQueue<>();
        long bound = 256 * 1024;
        InternodeTransport node = transport(0, bound, (envelope, processed) -> unprocessed.add(processed));
        byte[] frame = MessageCodec.encodeFrame(NodeId.of("127.0.0.1:2"), mutation(1));
        AtomicLong written = new AtomicLong();
        int frames = 2_000; // some 120 MB: far more than the bound and the sockets' buffers
        Socket flood = new Socket();
        toClose.add(flood);
        flood.connect(node.boundAddress(), 5_000);
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = flood.getOutputStream();
                out.write(InternodeHandshake.hello(InternodeHandshake.Identity.of("ringdb", NodeId.of("127.0.0.1:2"))));
                for (int i = 0; i < frames; i++) {
                    out.write(frame);
                    written.incrementAndGet();
                }
            } catch (IOException e) {
                // the test closed the socket while the write was held back: expected
            }
        }, "flooding-peer");
        writer.setDaemon(true);
        writer.start();
        TransportStats stats = node.stats();
        awaitTrue(() -> node.pausedInboundConnections() == 1);
        long receivedWhenPaused = stats.framesReceived.sum();
        assertThat(stats.inboundQueuedBytes.get()).as("bytes waiting for the node stay bounded")
                .isLessThanOrEqualTo(2 * bound + frame.length);
        assertThat(writer.isAlive()).as("TCP holds the flooding peer back").isTrue();
        assertThat(written.get()).isLessThan(frames);
        Runnable processed;
        while ((processed = unprocessed.poll()) != null) { // the node catches up
            processed.run();
        }
        // reading resumed: the node reads on until it is behind again, and pauses again
        awaitTrue(() -> stats.inboundPauses.sum() >= 2);
        assertThat(stats.framesReceived.sum()).isGreaterThan(receivedWhenPaused);
        assertThat(stats.inboundQueuedBytes.get()).isLessThanOrEqualTo(2 * bound + frame.length);
        flood.close(); // unblocks the writer
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
    }

    @Test
    void aNodeThatLeftIsForgottenAndMessagesToItAreDroppedUntilItIsAMemberAgain() throws Exception {
        InternodeTransport transport = transport(0, 1 << 20, (envelope, processed) -> processed.run());
        ServerSocket peer = fakePeer();
        NodeId gone = idOf(peer);
        transport.send(gone, mutation(1));
        Socket first = acceptWithin(peer);
        assertThat(transport.peerCount()).isEqualTo(1);
        transport.setDeparted(Set.of(gone));
        assertThat(transport.peerCount()).isZero();
        assertThat(first.getInputStream().readAllBytes()).as("the connection was closed").isNotNull();
        for (int i = 0; i < 10; i++) {
            transport.send(gone, mutation(i));
        }
        assertThat(transport.stats().droppedDeparted.sum()).isEqualTo(10);
        assertThat(transport.peerCount()).as("no connection is opened to a departed node").isZero();
        assertThat(transport.stats().peersForgotten.sum()).isEqualTo(1);
        transport.setDeparted(Set.of());
        transport.send(gone, mutation(11));
        assertThat(acceptWithin(peer)).as("a node that is a member again is reached").isNotNull();
    }

    @Test
    void aDepartedNodeThatConnectsAgainIsSentToAgainBeforeGossipSaysSo() throws Exception {
        NodeId nodeId = NodeId.of("127.0.0.1:" + FreePorts.loopback());
        InternodeTransport node = recording(nodeId, new ConcurrentLinkedQueue<>());
        toClose.add(node);
        ConcurrentLinkedQueue<NodeId> heardByReturning = new ConcurrentLinkedQueue<>();
        NodeId returning = NodeId.of("127.0.0.1:" + FreePorts.loopback());
        InternodeTransport back = recording(returning, heardByReturning);
        toClose.add(back);
        node.setDeparted(Set.of(returning));
        node.send(returning, mutation(1));
        assertThat(node.stats().droppedDeparted.sum()).isEqualTo(1);
        // the node came back at its address (it moved back to an address it had) and talks first
        back.send(nodeId, mutation(2));
        awaitTrue(() -> !node.departedContains(returning));
        node.send(returning, mutation(3));
        awaitTrue(() -> heardByReturning.contains(nodeId));
        assertThat(node.stats().droppedDeparted.sum()).as("the answer to a node that is back is sent").isEqualTo(1);
    }

    @Test
    void aDepartedNodeWhoseConnectionPredatesItsDepartureIsSentToAgainWhenItTalks() throws Exception {
        NodeId nodeId = NodeId.of("127.0.0.1:" + FreePorts.loopback());
        ConcurrentLinkedQueue<NodeId> heardByNode = new ConcurrentLinkedQueue<>();
        InternodeTransport node = recording(nodeId, heardByNode);
        toClose.add(node);
        ConcurrentLinkedQueue<NodeId> heardByRemoved = new ConcurrentLinkedQueue<>();
        NodeId removed = NodeId.of("127.0.0.1:" + FreePorts.loopback());
        InternodeTransport back = recording(removed, heardByRemoved);
        toClose.add(back);
        // a removed node came back and talked first; the next departed set names it, its connection open
        back.send(nodeId, mutation(1));
        awaitTrue(() -> heardByNode.size() == 1);
        node.setDeparted(Set.of(removed));
        node.send(removed, mutation(2));
        assertThat(node.stats().droppedDeparted.sum()).isEqualTo(1);
        back.send(nodeId, mutation(3));
        awaitTrue(() -> heardByNode.size() == 2);
        assertThat(node.departedContains(removed)).as("a node that talks is sent to again").isFalse();
        node.send(removed, mutation(4));
        awaitTrue(() -> heardByRemoved.contains(nodeId));
        assertThat(node.stats().droppedDeparted.sum()).as("the answer to the removed node is sent").isEqualTo(1);
    }

    /** A transport listening at {@code self}'s address that records who each message came from. */
    private InternodeTransport recording(NodeId self, ConcurrentLinkedQueue<NodeId> heard) {
        HostPort address = HostPort.parse(self.id());
        return InternodeTransport.start(new InternodeTransport.Settings(address, self, 1024 * 1024, 2_000, 200, 0,
                1 << 20), (envelope, processed) -> {
                    heard.add(envelope.from());
                    processed.run();
                }, group);
    }

    private Socket acceptWithin(ServerSocket server) throws IOException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            try {
                Socket socket = server.accept();
                socket.setSoTimeout(5_000);
                toClose.add(socket);
                return socket;
            } catch (SocketTimeoutException e) {
                // not yet
            }
        }
        throw new AssertionError("no connection within " + TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS) + " s");
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within the deadline").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // polling interval, not synchronisation
        }
    }

}
