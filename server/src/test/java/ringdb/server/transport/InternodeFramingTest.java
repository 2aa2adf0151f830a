package ringdb.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.GossipShutdown;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.ReadRequest;

class InternodeFramingTest {
    private static final NodeId SENDER = NodeId.of("127.0.0.1:7001");

    private final List<Envelope> delivered = new ArrayList<>();
    private final TransportStats stats = new TransportStats();
    private final List<ByteBuf> written = new ArrayList<>();

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        InternodeFraming.addInbound(channel.pipeline(),
                InternodeHandshake.Identity.of("ringdb", NodeId.of("127.0.0.1:7000")), (envelope, processed) -> {
                    delivered.add(envelope);
                    processed.run();
                }, stats, new InboundBacklog(1 << 30, stats));
        feed(channel, InternodeHandshake.hello(InternodeHandshake.Identity.of("ringdb", SENDER)));
        return channel;
    }

    private void feed(EmbeddedChannel channel, byte[] bytes) {
        ByteBuf buffer = Unpooled.copiedBuffer(bytes);
        written.add(buffer);
        channel.writeInbound(buffer);
    }

    private void assertAllReleased(EmbeddedChannel channel) {
        channel.finishAndReleaseAll();
        written.forEach(buffer -> assertThat(buffer.refCnt()).as("input buffer released").isZero());
    }

    @Test
    void framesSplitAtAnyByteBoundaryArriveWholeAndInOrder() {
        byte[] first = MessageCodec.encodeFrame(SENDER, new ReadRequest(7, "key-1".getBytes(), 1L));
        byte[] second = MessageCodec.encodeFrame(SENDER, new GossipShutdown(42));
        byte[] stream = new byte[first.length + second.length];
        System.arraycopy(first, 0, stream, 0, first.length);
        System.arraycopy(second, 0, stream, first.length, second.length);
        for (int split = 1; split < stream.length; split += 3) {
            delivered.clear();
            EmbeddedChannel channel = channel();
            feed(channel, Arrays.copyOfRange(stream, 0, split));
            feed(channel, Arrays.copyOfRange(stream, split, stream.length));
            assertThat(delivered).extracting(Envelope::message)
                    .containsExactly(new ReadRequest(7, "key-1".getBytes(), 1L), new GossipShutdown(42));
            assertThat(delivered).extracting(Envelope::from).containsOnly(SENDER);
            assertThat(channel.isOpen()).isTrue();
            assertAllReleased(channel);
        }
        assertThat(stats.badFrames.sum()).isZero();
    }

    @Test
    void frameClaimingTwoGibibytesClosesTheConnectionBeforeBuffering() {
        EmbeddedChannel channel = channel();
        feed(channel, new byte[] {(byte) 0x80, 0, 0, 0, 1, 2, 3});
        assertThat(channel.isOpen()).isFalse();
        assertThat(delivered).isEmpty();
        assertThat(stats.badFrames.sum()).isEqualTo(1);
        assertAllReleased(channel);
    }

    @Test
    void wrongVersionClosesTheConnection() {
        byte[] frame = MessageCodec.encodeFrame(SENDER, new GossipShutdown(1));
        frame[MessageCodec.LENGTH_FIELD_BYTES] = 9;
        EmbeddedChannel channel = channel();
        feed(channel, frame);
        assertThat(channel.isOpen()).isFalse();
        assertThat(delivered).isEmpty();
        assertThat(stats.badFrames.sum()).isEqualTo(1);
        assertAllReleased(channel);
    }

    @Test
    void nothingAfterABadFrameIsDelivered() {
        byte[] bad = MessageCodec.encodeFrame(SENDER, new GossipShutdown(1));
        bad[bad.length - 1] ^= 1;
        byte[] good = MessageCodec.encodeFrame(SENDER, new GossipShutdown(2));
        byte[] both = new byte[bad.length + good.length];
        System.arraycopy(bad, 0, both, 0, bad.length);
        System.arraycopy(good, 0, both, bad.length, good.length);
        EmbeddedChannel channel = channel();
        feed(channel, both);
        assertThat(delivered).isEmpty();
        assertThat(stats.badFrames.sum()).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
        assertAllReleased(channel);
    }

    @Test
    void corruptedPayloadFailsTheChecksumAndClosesTheConnection() {
        byte[] frame = MessageCodec.encodeFrame(SENDER, new ReadRequest(1, "abc".getBytes(), 1L));
        frame[frame.length - 6] ^= 0x40;
        EmbeddedChannel channel = channel();
        feed(channel, frame);
        assertThat(channel.isOpen()).isFalse();
        assertThat(delivered).isEmpty();
        assertAllReleased(channel);
    }

    @Test
    void randomBytesNeverDeliverAMessage() {
        Random random = new Random(20261124L);
        for (int round = 0; round < 200; round++) {
            byte[] garbage = new byte[1 + random.nextInt(300)];
            random.nextBytes(garbage);
            garbage[0] = 0;
            EmbeddedChannel channel = channel();
            feed(channel, garbage);
            assertThat(delivered).as("seed 20261124 round %d", round).isEmpty();
            assertAllReleased(channel);
        }
    }
}
