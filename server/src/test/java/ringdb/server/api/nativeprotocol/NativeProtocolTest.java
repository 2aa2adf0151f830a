package ringdb.server.api.nativeprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.api.FakeClientOperations;
import ringdb.server.api.ProtocolSelector;
import ringdb.server.api.RequestObserver;
import ringdb.server.api.http.HttpApiHandler;
import ringdb.server.api.http.ValueSizeAggregator;

/** The native protocol on the client port, through the protocol selector, against a fake node. */
class NativeProtocolTest {
    private static final int VALUE_LIMIT = 1024;

    private final FakeClientOperations backend = new FakeClientOperations(VALUE_LIMIT);
    private final List<String> observed = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private EmbeddedChannel channel;

    /** An answer frame as read back from the channel. */
    private record Answer(int stream, byte status, ByteBuf body) {
        String text() {
            return body.toString(body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.UTF_8);
        }

        int httpStatus() {
            return body.getUnsignedShort(body.readerIndex());
        }
    }

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private void open() {
        RequestObserver observer = (op, outcome, nanos) -> observed.add(op + ":" + outcome);
        NativeApiHandlers handlers = new NativeApiHandlers(backend, observer, inFlight);
        channel = new EmbeddedChannel(new ProtocolSelector(handlers, new HttpServerCodec(4096, 4096, 4096),
                new ValueSizeAggregator(VALUE_LIMIT), new HttpApiHandler(backend, observer, path -> false)));
    }

    private void send(ByteBuf bytes) {
        if (channel == null) {
            open();
        }
        channel.writeInbound(bytes);
        channel.runPendingTasks();
    }

    private List<Answer> answers() {
        channel.runPendingTasks();
        List<Answer> answers = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            all.writeBytes(buffer);
            buffer.release();
        }
        while (all.readableBytes() >= 4) {
            int length = all.readInt();
            int stream = all.readInt();
            byte status = all.readByte();
            answers.add(new Answer(stream, status, all.readSlice(length - NativeProtocol.HEADER_BYTES)));
        }
        assertThat(all.readableBytes()).as("answers end on a frame boundary").isZero();
        return answers;
    }

    private static ByteBuf preamble() {
        return Unpooled.wrappedBuffer(NativeProtocol.PREAMBLE);
    }

    private static ByteBuf frame(int stream, byte opcode, ByteBuf body) {
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(NativeProtocol.HEADER_BYTES + body.readableBytes()).writeInt(stream).writeByte(opcode)
                .writeBytes(body);
        body.release();
        return frame;
    }

    private static ByteBuf get(int stream, String key, int consistency) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return frame(stream, NativeProtocol.GET,
                Unpooled.buffer().writeByte(consistency).writeInt(bytes.length).writeBytes(bytes));
    }

    private static ByteBuf put(int stream, String key, byte[] value) {
        return put(stream, key, value, 1);
    }

    private static ByteBuf put(int stream, String key, byte[] value, int consistency) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return frame(stream, NativeProtocol.PUT, Unpooled.buffer().writeByte(consistency)
                .writeByte(NativeProtocol.FLAG_TIMESTAMP)
                .writeLong(99).writeInt(bytes.length).writeBytes(bytes).writeBytes(value));
    }

    @Test
    void putThenGetAnswersOnTheirStreamsWithValueAndTimestamp() {
        send(Unpooled.wrappedBuffer(preamble(), put(7, "user/1", "hello".getBytes(StandardCharsets.UTF_8)),
                get(8, "user/1", 0)));
        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::stream).containsExactly(7, 8);
        assertThat(answers.get(0).status()).isEqualTo(NativeProtocol.WRITTEN);
        assertThat(answers.get(0).body().getLong(0)).isEqualTo(1234);
        assertThat(answers.get(0).body().getInt(8)).as("acks at QUORUM of 2").isEqualTo(2);
        assertThat(answers.get(1).status()).isEqualTo(NativeProtocol.VALUE);
        assertThat(answers.get(1).body().readLong()).isEqualTo(1234);
        assertThat(answers.get(1).body().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(backend.values).containsKey("user/1");
        assertThat(observed).containsExactly("put:ok", "get:ok");
        assertThat(inFlight.get()).isZero();
    }

    @Test
    void consistencyCodesThreeAndFourAreTwoAndThreeAndFiveIsRefused() {
        assertThat(NativeProtocol.consistencyCode("two")).isEqualTo(3);
        assertThat(NativeProtocol.consistencyCode("THREE")).isEqualTo(4);
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        send(Unpooled.wrappedBuffer(preamble(), put(1, "k", value, 3), put(2, "k", value, 4), put(3, "k", value, 5)));
        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::stream).containsExactly(1, 2, 3);
        assertThat(answers.get(0).body().getInt(8)).as("acks at TWO").isEqualTo(2);
        assertThat(answers.get(1).body().getInt(8)).as("acks at THREE").isEqualTo(3);
        assertThat(answers.get(2).text()).contains("unknown consistency level code 5; expected 0 (ONE), 1 (QUORUM), "
                + "2 (ALL), 3 (TWO) or 4 (THREE)");
    }

    @Test
    void answersGoOutAsSoonAsReadyNotInRequestOrder() {
        backend.hold = true;
        send(Unpooled.wrappedBuffer(preamble(), put(1, "a", new byte[] {1}), get(2, "missing", 2)));
        assertThat(answers()).isEmpty();
        assertThat(inFlight.get()).isEqualTo(2);
        backend.held.get(1).run();
        List<Answer> first = answers();
        assertThat(first).extracting(Answer::stream).containsExactly(2);
        assertThat(first.get(0).status()).isEqualTo(NativeProtocol.NOT_FOUND);
        backend.held.get(0).run();
        assertThat(answers()).extracting(Answer::stream).containsExactly(1);
        assertThat(inFlight.get()).isZero();
    }

    @Test
    void aClientThatClosesItsSideStillGetsEveryAnswerThenTheConnectionCloses() {
        backend.hold = true;
        send(Unpooled.wrappedBuffer(preamble(), put(1, "a", new byte[] {1}), put(2, "b", new byte[] {2})));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("answers are still owed").isTrue();
        backend.held.get(0).run();
        assertThat(answers()).extracting(Answer::stream).containsExactly(1);
        assertThat(channel.isOpen()).isTrue();
        backend.held.get(1).run();
        assertThat(answers()).extracting(Answer::stream).containsExactly(2);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aConnectionWithTooManyUnansweredRequestsIsNotReadUntilAnswersDrain() {
        backend.hold = true;
        send(preamble());
        ByteBuf many = Unpooled.buffer();
        for (int i = 1; i <= NativeProtocol.IN_FLIGHT_PER_CONNECTION_MAX; i++) {
            ByteBuf frame = get(i, "k" + i, 0);
            many.writeBytes(frame);
            frame.release();
        }
        send(many);
        assertThat(channel.config().isAutoRead()).as("stops reading at the limit").isFalse();
        for (int i = 0; i < NativeProtocol.IN_FLIGHT_PER_CONNECTION_MAX / 2 - 1; i++) {
            backend.held.get(i).run();
        }
        assertThat(channel.config().isAutoRead()).as("still above half the limit").isFalse();
        backend.held.get(NativeProtocol.IN_FLIGHT_PER_CONNECTION_MAX / 2 - 1).run();
        assertThat(channel.config().isAutoRead()).as("reads again at half the limit").isTrue();
        assertThat(answers()).hasSize(NativeProtocol.IN_FLIGHT_PER_CONNECTION_MAX / 2);
    }

    @Test
    void malformedRequestsAreAnsweredOnTheirStreamAndTheConnectionGoesOn() {
        send(preamble());
        send(frame(1, (byte) 9, Unpooled.buffer().writeByte(0)));
        send(get(2, "k", 7));
        send(frame(3, NativeProtocol.GET, Unpooled.buffer().writeByte(0).writeInt(1000).writeBytes(new byte[] {'k'})));
        send(get(4, "", 0));
        send(frame(5, NativeProtocol.DELETE, Unpooled.buffer().writeByte(0)));
        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::stream).containsExactly(1, 2, 3, 4, 5);
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(NativeProtocol.ERROR);
            assertThat(a.httpStatus()).isEqualTo(400);
        });
        assertThat(answers.get(0).text()).contains("unknown opcode 9");
        assertThat(answers.get(1).text()).contains("unknown consistency level code 7");
        assertThat(answers.get(2).text()).contains("key length 1000 runs past the end of the frame");
        assertThat(answers.get(3).text()).contains("key must not be empty");
        assertThat(answers.get(4).text()).contains("request ends before its flags");
        send(put(6, "ok", new byte[] {1}));
        assertThat(answers()).extracting(Answer::stream).containsExactly(6);
        assertThat(backend.values).containsOnlyKeys("ok");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void anOversizedFrameIs413OnItsStreamAndItsBytesAreSkippedAsTheyArrive() {
        byte[] big = new byte[VALUE_LIMIT + 70 * 1024];
        ByteBuf whole = put(11, "big", big);
        send(preamble());
        while (whole.readableBytes() > 0) {
            send(whole.readRetainedSlice(Math.min(4096, whole.readableBytes()))); // arrives in pieces
        }
        whole.release();
        send(get(12, "big", 0));
        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::stream).containsExactly(11, 12);
        assertThat(answers.get(0).httpStatus()).isEqualTo(413);
        assertThat(answers.get(0).text()).contains("\"error\":\"too_large\"").contains("larger than the limit");
        assertThat(answers.get(1).status()).isEqualTo(NativeProtocol.NOT_FOUND);
        assertThat(backend.values).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aFrameShorterThanItsHeaderIsAnsweredOnStreamZeroAndCloses() {
        send(Unpooled.wrappedBuffer(preamble(), Unpooled.buffer().writeInt(2).writeShort(0)));
        List<Answer> answers = answers();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).stream()).isEqualTo(NativeProtocol.CONNECTION_STREAM);
        assertThat(answers.get(0).text()).contains("frame length 2 is shorter than the 5-byte frame header");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anotherProtocolVersionIsRefusedByName() {
        send(Unpooled.wrappedBuffer(new byte[] {0, 'R', 'D', 'B', 9}));
        List<Answer> answers = answers();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).stream()).isEqualTo(NativeProtocol.CONNECTION_STREAM);
        assertThat(answers.get(0).text()).contains("unsupported_version").contains("version 9 is not supported")
                .contains("speaks version 1");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void everythingElseIsHttpEvenWhenItArrivesOneByteAtATime() {
        open();
        byte[] request = "GET /v1/kv/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : request) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        StringBuilder out = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            out.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        assertThat(out.toString()).startsWith("HTTP/1.1 404").contains("key 'nope' not found");
    }

    @Test
    void unavailableCarriesTheHttpStatusAndTheSameJsonAsHttp() {
        backend.forced = new ClientResult.Unavailable(ConsistencyLevel.QUORUM, 2, 1);
        send(Unpooled.wrappedBuffer(preamble(), get(3, "k", 1)));
        Answer answer = answers().get(0);
        assertThat(answer.httpStatus()).isEqualTo(503);
        assertThat(answer.text()).contains("\"error\":\"unavailable\"").contains("2 replicas needed, 1 alive");
        assertThat(observed).containsExactly("get:unavailable");
    }
}
