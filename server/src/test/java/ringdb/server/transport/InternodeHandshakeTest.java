package ringdb.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.GossipShutdown;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.ReadRequest;
import ringdb.server.config.HostPort;
import ringdb.server.net.FreePorts;

/**
 * The handshake that opens every internode connection: a node of another cluster, partitioner or
 * protocol version is refused with a reason the connecting side receives, nothing it sends reaches
 * the node, and after the handshake a connection carries frames of its own node only.
 */
@Timeout(60)
class InternodeHandshakeTest {
    private static final NodeId SELF = NodeId.of("127.0.0.1:7000");
    private static final NodeId PEER = NodeId.of("127.0.0.1:7001");
    private static final InternodeHandshake.Identity LOCAL = InternodeHandshake.Identity.of("alpha", SELF);

    private final List<Envelope> delivered = new ArrayList<>();
    private final TransportStats stats = new TransportStats();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        InternodeFraming.addInbound(channel.pipeline(), LOCAL, (envelope, processed) -> {
            delivered.add(envelope);
            processed.run();
        }, stats, new InboundBacklog(1 << 30, stats));
        return channel;
    }

    private static InternodeHandshake.Frame answer(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("the node answered the handshake").isNotNull();
        try {
            ByteBuffer bytes = ByteBuffer.allocate(out.readableBytes());
            out.readBytes(bytes);
            bytes.flip();
            assertThat(bytes.getInt()).isEqualTo(bytes.remaining());
            return InternodeHandshake.decode(bytes);
        } finally {
            out.release();
        }
    }

    private static String refusal(EmbeddedChannel channel) {
        InternodeHandshake.Frame frame = answer(channel);
        assertThat(frame).isInstanceOf(InternodeHandshake.Refuse.class);
        return ((InternodeHandshake.Refuse) frame).reason();
    }

    @Test
    void aNodeOfAnotherClusterIsRefusedWithTheReasonAndNothingItSendsIsDelivered() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer( // the handshake and a message in one read
                InternodeHandshake.hello(InternodeHandshake.Identity.of("beta", PEER)),
                MessageCodec.encodeFrame(PEER, new GossipShutdown(1))));
        assertThat(refusal(channel)).isEqualTo("cluster name mismatch: 127.0.0.1:7001 is in cluster 'beta', "
                + "127.0.0.1:7000 is in cluster 'alpha'");
        assertThat(delivered).isEmpty();
        assertThat(stats.handshakesRefused.sum()).isEqualTo(1);
        assertThat(channel.isOpen()).as("the refused connection is closed").isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatStartsWithoutAHandshakeIsRefused() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(MessageCodec.encodeFrame(PEER,
                new ReadRequest(1, new byte[]{1}, MutationRequest.NO_RING_CHECK))));
        assertThat(refusal(channel)).startsWith("not a ringdb internode handshake (magic 0x");
        assertThat(delivered).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void anotherPartitionerOrNoCommonVersionIsRefused() {
        EmbeddedChannel partitioner = channel();
        partitioner.writeInbound(Unpooled.wrappedBuffer(InternodeHandshake.hello(
                new InternodeHandshake.Identity("alpha", "Murmur3Partitioner", PEER))));
        assertThat(refusal(partitioner)).isEqualTo("partitioner mismatch: 127.0.0.1:7001 uses Murmur3Partitioner, "
                + "127.0.0.1:7000 uses " + InternodeHandshake.PARTITIONER);
        partitioner.finishAndReleaseAll();

        byte[] future = InternodeHandshake.hello(InternodeHandshake.Identity.of("alpha", PEER));
        future[9] = 5; // versionMin
        future[10] = 7; // versionMax
        EmbeddedChannel version = channel();
        version.writeInbound(Unpooled.wrappedBuffer(future));
        assertThat(refusal(version)).isEqualTo("no common protocol version: 127.0.0.1:7001 speaks 5..7, "
                + "127.0.0.1:7000 speaks " + MessageCodec.VERSION + ".." + MessageCodec.VERSION);
        version.finishAndReleaseAll();
        assertThat(delivered).isEmpty();
    }

    @Test
    void framesWhoseSenderIsNotTheNodeThatShookHandsAreDroppedAndCounted() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(
                InternodeHandshake.hello(InternodeHandshake.Identity.of("alpha", PEER))));
        InternodeHandshake.Frame accepted = answer(channel);
        assertThat(accepted).isEqualTo(new InternodeHandshake.Accept(MessageCodec.VERSION, LOCAL));
        NodeId other = NodeId.of("127.0.0.1:7002");
        channel.writeInbound(Unpooled.wrappedBuffer(MessageCodec.encodeFrame(other, new GossipShutdown(9))));
        channel.writeInbound(Unpooled.wrappedBuffer(MessageCodec.encodeFrame(PEER, new GossipShutdown(3))));
        channel.writeInbound(Unpooled.wrappedBuffer(MessageCodec.encodeFrame(other, new GossipShutdown(9))));
        assertThat(delivered).extracting(Envelope::from).containsExactly(PEER);
        assertThat(stats.forgedSenders.sum()).isEqualTo(2);
        assertThat(stats.handshakesAccepted.sum()).isEqualTo(1);
        assertThat(channel.isOpen()).as("forged frames are dropped, the connection stays").isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void realTransportsOfDifferentClustersRefuseEachOtherAndOfOneClusterTalk() throws Exception {
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        InternodeTransport alpha = transport("alpha", received);
        InternodeTransport beta = transport("beta", new ConcurrentLinkedQueue<>());
        InternodeTransport alphaToo = transport("alpha", new ConcurrentLinkedQueue<>());
        NodeId alphaId = NodeId.of("127.0.0.1:" + alpha.boundAddress().getPort());
        awaitTrue("the node of the other cluster was refused and told why", () -> {
            beta.send(alphaId, new GossipShutdown(1));
            return beta.stats().handshakesRefusedByPeer.sum() > 0;
        });
        assertThat(alpha.stats().handshakesRefused.sum()).isPositive();
        assertThat(received).as("nothing from the other cluster reached the node").isEmpty();
        awaitTrue("a node of the same cluster is heard", () -> {
            alphaToo.send(alphaId, new GossipShutdown(2));
            return !received.isEmpty();
        });
        assertThat(received.peek().from().id()).isEqualTo("127.0.0.1:" + alphaToo.boundAddress().getPort());
        assertThat(alphaToo.stats().handshakesRefusedByPeer.sum()).isZero();
    }

    private InternodeTransport transport(String cluster, ConcurrentLinkedQueue<Envelope> sink) throws IOException {
        int port = FreePorts.loopback();
        InternodeTransport.Settings settings = new InternodeTransport.Settings(new HostPort("127.0.0.1", port),
                NodeId.of("127.0.0.1:" + port), 1 << 20, 2_000, 200, 5_000, 1 << 20, cluster);
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
