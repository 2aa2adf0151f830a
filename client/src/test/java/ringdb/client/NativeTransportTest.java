package ringdb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.protocol.NativeProtocol;

/** The client's native-protocol connections against a scripted server on 127.0.0.1. */
@Timeout(30)
class NativeTransportTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ScriptedServer server;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    /** A request frame as the scripted server reads it. */
    private record Frame(int stream, byte opcode, byte[] body) {
        /** The key of a GET (cl:u8 keyLength:u32 key). */
        String getKey() {
            return new String(body, 5, body.length - 5, StandardCharsets.UTF_8);
        }
    }

    /** How the scripted server treats each accepted connection, after checking the preamble. */
    private interface Script {
        void serve(DataInputStream in, DataOutputStream out, Socket socket, int connectionNumber) throws IOException;
    }

    private String serve(Script script) throws IOException {
        server = new ScriptedServer((socket, number) -> {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] preamble = in.readNBytes(NativeProtocol.PREAMBLE.length);
            assertThat(preamble).isEqualTo(NativeProtocol.PREAMBLE);
            script.serve(in, new DataOutputStream(socket.getOutputStream()), socket, number);
        });
        toClose.add(server);
        return server.address();
    }

    private static Frame read(DataInputStream in) throws IOException {
        int length = in.readInt();
        int stream = in.readInt();
        byte opcode = in.readByte();
        return new Frame(stream, opcode, in.readNBytes(length - NativeProtocol.HEADER_BYTES));
    }

    /** Answers {@code frame} with a VALUE holding its key, timestamped with the key's length. */
    private static void echo(DataOutputStream out, Frame frame) throws IOException {
        byte[] value = frame.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(NativeProtocol.HEADER_BYTES + 8 + value.length);
        out.writeInt(frame.stream());
        out.writeByte(NativeProtocol.VALUE);
        out.writeLong(value.length);
        out.write(value);
        out.flush();
    }

    private NativeTransport transport() {
        NativeTransport transport = new NativeTransport(2_000, 1_000);
        toClose.add(transport);
        return transport;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manyThreadsShareOneConnectionAndEachGetsItsOwnAnswerWhateverTheOrder() throws Exception {
        int threads = 16;
        String node = serve((in, out, socket, number) -> {
            while (true) {
                List<Frame> batch = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    batch.add(read(in));
                }
                for (int i = batch.size() - 1; i >= 0; i--) {
                    echo(out, batch.get(i)); // answered in the reverse of the order they came in
                }
            }
        });
        NativeTransport transport = transport();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> seen = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        String key = "t" + thread + "-k" + i;
                        HttpTransport.Response response =
                                transport.exchange(node, NativeProtocol.GET, "ONE", utf8(key), null, null, 10_000);
                        assertThat(response.timestampMicros()).isEqualTo(key.length());
                        seen.add(new String(response.body(), StandardCharsets.UTF_8));
                    }
                    return seen;
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    expected.add("t" + t + "-k" + i);
                }
                assertThat(results.get(t).get(20, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void requestsInFlightWhenTheNodeClosesFailAsIoAndTheNextOneReconnects() throws Exception {
        CountDownLatch requestRead = new CountDownLatch(1);
        String node = serve((in, out, socket, number) -> {
            if (number == 1) {
                read(in);
                requestRead.countDown();
                socket.close(); // a restart: the request's outcome is unknown
                return;
            }
            while (true) {
                echo(out, read(in));
            }
        });
        NativeTransport transport = transport();
        assertThatThrownBy(
                () -> transport.exchange(node, NativeProtocol.PUT, "QUORUM", utf8("k"), utf8("v"), null, 10_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> {
                    assertThat(e.error()).isEqualTo("io");
                    assertThat(e.getMessage()).contains("closed the connection");
                });
        assertThat(requestRead.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(transport.exchange(node, NativeProtocol.GET, "ONE", utf8("again"), null, null, 10_000).status())
                .isEqualTo(200);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void noAnswerIsAClientTimeoutAndALateAnswerDoesNotConfuseTheNextRequest() throws Exception {
        String node = serve((in, out, socket, number) -> {
            Frame slow = read(in);
            Frame next = read(in);
            echo(out, slow); // after the client gave up on it
            echo(out, next);
            while (true) {
                echo(out, read(in));
            }
        });
        NativeTransport transport = transport();
        assertThatThrownBy(() -> transport.exchange(node, NativeProtocol.GET, "ONE", utf8("slow"), null, null, 200))
                .isInstanceOfSatisfying(RingClientException.class,
                        e -> assertThat(e.error()).isEqualTo("client_timeout"));
        HttpTransport.Response next =
                transport.exchange(node, NativeProtocol.GET, "ONE", utf8("next"), null, null, 10_000);
        assertThat(new String(next.body(), StandardCharsets.UTF_8)).isEqualTo("next");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void answersSplitAnywhereAndAnswersLargerThanTheReadBufferArriveWhole() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        String node = serve((in, out, socket, number) -> {
            while (true) {
                Frame frame = read(in);
                byte[] value = frame.getKey().equals("large") ? large : utf8(frame.getKey());
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                DataOutputStream framed = new DataOutputStream(answer);
                framed.writeInt(NativeProtocol.HEADER_BYTES + 8 + value.length);
                framed.writeInt(frame.stream());
                framed.writeByte(NativeProtocol.VALUE);
                framed.writeLong(value.length);
                framed.write(value);
                byte[] bytes = answer.toByteArray();
                for (int at = 0; at < bytes.length; ) { // 1 byte, then 2, 3, ... each sent on its own
                    int piece = Math.min(bytes.length - at, Math.max(1, at < 64 ? at + 1 : 65_000));
                    out.write(bytes, at, piece);
                    out.flush();
                    at += piece;
                }
            }
        });
        NativeTransport transport = transport();
        for (String key : List.of("small", "large", "after", "large", "last")) {
            HttpTransport.Response response =
                    transport.exchange(node, NativeProtocol.GET, "ONE", utf8(key), null, null, 10_000);
            assertThat(response.body()).isEqualTo(key.equals("large") ? large : utf8(key));
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void anAnswerLongerThanTheLimitFailsTheConnectionAsAnIoError() throws Exception {
        String node = serve((in, out, socket, number) -> {
            Frame frame = read(in);
            out.writeInt(HttpTransport.RESPONSE_BYTES_MAX + 1);
            out.writeInt(frame.stream());
            out.flush();
            in.read();
        });
        assertThatThrownBy(() -> transport().exchange(node, NativeProtocol.GET, "ONE", utf8("a"), null, null, 5_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> {
                    assertThat(e.error()).isEqualTo("io");
                    assertThat(e.getMessage()).contains("malformed answer: frame length "
                            + (HttpTransport.RESPONSE_BYTES_MAX + 1));
                });
    }

    @Test
    void aRefusedConnectionIsUnreachableAndAGarbledAnswerIsAnIoError() throws Exception {
        ScriptedServer.RefusingPort port = new ScriptedServer.RefusingPort();
        String refusing = port.address();
        toClose.add(port);
        NativeTransport transport = transport();
        assertThatThrownBy(
                () -> transport.exchange(refusing, NativeProtocol.PUT, "ONE", utf8("a"), utf8("b"), null, 2_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> assertThat(e.error()).isEqualTo("unreachable"));
        String node = serve((in, out, socket, number) -> {
            Frame frame = read(in);
            out.writeInt(NativeProtocol.HEADER_BYTES + 1);
            out.writeInt(frame.stream());
            out.writeByte(77); // no such answer
            out.writeByte(0);
            out.flush();
            in.read();
        });
        assertThatThrownBy(() -> transport.exchange(node, NativeProtocol.GET, "ONE", utf8("a"), null, null, 5_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> {
                    assertThat(e.error()).isEqualTo("io");
                    assertThat(e.getMessage()).contains("unknown status 77");
                });
    }

    @Test
    void aNodeThatStopsReadingFailsTheRequestInsteadOfBlockingItsWriterForever() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String node = serve((in, out, socket, number) -> {
            try {
                release.await(); // accepts, then never reads: the client's socket buffers fill up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        NativeTransport transport = transport();
        byte[] large = new byte[32 * 1024 * 1024];
        try {
            assertThatThrownBy(() -> transport.exchange(node, NativeProtocol.PUT, "ONE", utf8("big"), large, null, 500))
                    .isInstanceOfSatisfying(RingClientException.class, e -> {
                        assertThat(e.error()).isEqualTo("io");
                        assertThat(e.getMessage()).contains("the node stopped reading");
                    });
        } finally {
            release.countDown();
        }
    }

    @Test
    void anUnknownConsistencyLevelIsRefusedBeforeAnythingIsSent() throws Exception {
        String node = serve((in, out, socket, number) -> in.read());
        NativeTransport transport = transport();
        assertThatThrownBy(() -> transport.exchange(node, NativeProtocol.GET, "FOUR", utf8("a"), null, null, 2_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("unknown consistency level 'FOUR'; expected ONE, TWO, THREE, "
                            + "QUORUM or ALL");
                });
        assertThat(server.connections()).isZero();
    }

    @Test
    void twoAndThreeTravelAsConsistencyCodesThreeAndFour() throws Exception {
        List<Integer> codes = new java.util.concurrent.CopyOnWriteArrayList<>();
        String node = serve((in, out, socket, number) -> {
            for (int i = 0; i < 2; i++) {
                Frame frame = read(in);
                codes.add((int) frame.body()[0]);
                echo(out, frame);
            }
        });
        NativeTransport transport = transport();
        transport.exchange(node, NativeProtocol.GET, "TWO", utf8("a"), null, null, 2_000);
        transport.exchange(node, NativeProtocol.GET, "three", utf8("b"), null, null, 2_000);
        assertThat(codes).containsExactly(3, 4);
    }
}
