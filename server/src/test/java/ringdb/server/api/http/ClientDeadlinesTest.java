package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.FakeClientOperations;
import ringdb.server.api.RequestObserver;
import ringdb.server.config.HostPort;
import ringdb.server.transport.SocketTransport;
import ringdb.server.net.FreePorts;

/**
 * The client port's deadlines on real loopback sockets: a client that trickles a request in one
 * byte at a time (slowloris) is answered a timeout and cut once the read deadline passed, while
 * other clients keep being served; idle HTTP and native connections are closed; accepted sockets
 * use TCP keepalive.
 */
@Timeout(60)
class ClientDeadlinesTest {
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final long READ_DEADLINE_MILLIS = 600;
    /** Pause between two bytes of the slow client: the whole request would take several seconds. */
    private static final int TRICKLE_MILLIS = 40;

    private final FakeClientOperations backend = new FakeClientOperations(1024);
    private EventLoopGroup group;
    private HttpServer server;

    private InetSocketAddress start(ClientTimeouts timeouts) throws IOException {
        backend.values.put("k", "v".getBytes(StandardCharsets.UTF_8));
        group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        server = HttpServer.start(new HostPort("127.0.0.1", FreePorts.loopback()), group, backend,
                RequestObserver.NONE, timeouts, path -> false, null, ConnectionLimits.unlimited());
        return server.boundAddress();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anHttpRequestTricklingInIsAnswered408AndCutWhileOthersAreServed() throws IOException {
        InetSocketAddress address = start(new ClientTimeouts(60_000, 0, READ_DEADLINE_MILLIS));
        byte[] request = ("PUT /v1/kv/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(200)
                + "\r\nContent-Length: 5\r\n\r\nvalue").getBytes(StandardCharsets.US_ASCII);
        Trickle slow = trickle(address, request, () -> assertOtherClientsServed(address));
        assertThat(slow.answer()).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"")
                .contains("client_request_read_timeout_ms").contains("connection: close");
        assertThat(slow.closedByNode()).as("the node closed the connection after the 408").isTrue();
        assertThat(slow.bytesSent()).as("the slow client was cut before it finished its request")
                .isLessThan(request.length);
        assertThat(slow.elapsedMillis()).isGreaterThanOrEqualTo(READ_DEADLINE_MILLIS);
        assertThat(backend.values).doesNotContainKey("slow");
        assertThat(server.readDeadlinesExpired()).isEqualTo(1);
    }

    @Test
    void aNativeFrameTricklingInIsAnsweredATimeoutOnTheConnectionStreamAndCut() throws IOException {
        InetSocketAddress address = start(new ClientTimeouts(60_000, 0, READ_DEADLINE_MILLIS));
        byte[] key = "k".repeat(200).getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(NativeProtocol.PREAMBLE.length + 14 + key.length);
        frame.put(NativeProtocol.PREAMBLE).putInt(NativeProtocol.HEADER_BYTES + 5 + key.length).putInt(7)
                .put(NativeProtocol.GET).put((byte) 0).putInt(key.length).put(key);
        Trickle slow = trickle(address, frame.array(), () -> assertOtherClientsServed(address));
        ByteBuffer answer = ByteBuffer.wrap(slow.answer().getBytes(StandardCharsets.ISO_8859_1));
        assertThat(answer.getInt()).isEqualTo(answer.capacity() - NativeProtocol.LENGTH_BYTES);
        assertThat(answer.getInt()).as("stream").isEqualTo(NativeProtocol.CONNECTION_STREAM);
        assertThat(answer.get()).isEqualTo(NativeProtocol.ERROR);
        assertThat(answer.getShort()).as("status").isEqualTo((short) 408);
        assertThat(StandardCharsets.UTF_8.decode(answer).toString()).contains("\"error\":\"request_timeout\"");
        assertThat(slow.closedByNode()).isTrue();
        assertThat(slow.bytesSent()).isLessThan(frame.capacity());
    }

    @Test
    void requestsThatArriveInTimeAreServedOnAConnectionKeptOpen() throws IOException {
        InetSocketAddress address = start(new ClientTimeouts(60_000, 0, READ_DEADLINE_MILLIS));
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            byte[] get = "GET /v1/kv/k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * READ_DEADLINE_MILLIS);
            int answered = 0;
            while (System.nanoTime() < deadline) { // longer than the read deadline in all, each request quick
                socket.getOutputStream().write(get);
                assertThat(readHttpAnswer(socket.getInputStream())).startsWith("HTTP/1.1 200");
                answered++;
            }
            assertThat(answered).isGreaterThan(1);
            assertThat(server.readDeadlinesExpired()).isZero();
            assertThat(server.allConnectionsUseKeepAlive()).as("SO_KEEPALIVE on accepted sockets").isTrue();
        }
    }

    @Test
    void anIdleHttpKeepAliveConnectionIsClosed() throws IOException {
        InetSocketAddress address = start(new ClientTimeouts(400, 0, 0));
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            long start = System.nanoTime(); // the node's last read is after this
            socket.getOutputStream().write("GET /v1/kv/k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHttpAnswer(socket.getInputStream())).startsWith("HTTP/1.1 200").contains("keep-alive");
            assertThat(socket.getInputStream().read()).as("end of stream once idle").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(390);
        }
    }

    @Test
    void anIdleNativeConnectionIsClosedOnlyWhenTheIdleTimeoutIsSet() throws IOException {
        InetSocketAddress address = start(new ClientTimeouts(60_000, 400, 0));
        long start = System.nanoTime(); // the connection's last traffic is after this
        try (Socket socket = nativeConnectionAnsweringOneGet(address)) {
            assertThat(socket.getInputStream().read()).as("end of stream once idle").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(390);
        }
        stop();
        address = start(new ClientTimeouts(60_000, 0, 0));
        try (Socket socket = nativeConnectionAnsweringOneGet(address)) {
            socket.setSoTimeout(1_500);
            assertThat(readsUntilTimeout(socket)).as("still open after 1.5 s idle: no idle timeout by default")
                    .isTrue();
        }
    }

    private static boolean readsUntilTimeout(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    private Socket nativeConnectionAnsweringOneGet(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        ByteBuffer get = ByteBuffer.allocate(NativeProtocol.PREAMBLE.length + 15);
        get.put(NativeProtocol.PREAMBLE).putInt(NativeProtocol.HEADER_BYTES + 6).putInt(1).put(NativeProtocol.GET)
                .put((byte) 0).putInt(1).put((byte) 'k');
        socket.getOutputStream().write(get.array());
        byte[] header = socket.getInputStream().readNBytes(NativeProtocol.LENGTH_BYTES + NativeProtocol.HEADER_BYTES);
        ByteBuffer answer = ByteBuffer.wrap(header);
        int length = answer.getInt();
        assertThat(answer.getInt()).isEqualTo(1);
        assertThat(answer.get()).isEqualTo(NativeProtocol.VALUE);
        socket.getInputStream().readNBytes(length - NativeProtocol.HEADER_BYTES);
        return socket;
    }

    /** The slow client's view: what it received, whether the node closed, how much it had sent, when. */
    private record Trickle(String answer, boolean closedByNode, int bytesSent, long elapsedMillis) {
    }

    /**
     * Sends {@code request} one byte at a time, pacing the bytes by reads with a short timeout (the
     * same read notices the node's answer and its close); runs {@code meanwhile} once, mid-trickle.
     */
    private static Trickle trickle(InetSocketAddress address, byte[] request, Runnable meanwhile) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TRICKLE_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            long start = System.nanoTime();
            long giveUp = start + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS + READ_DEADLINE_MILLIS);
            int sent = 0;
            boolean closed = false;
            byte[] buffer = new byte[4096];
            while (!closed && System.nanoTime() < giveUp) {
                if (sent < request.length && received.size() == 0) {
                    try {
                        out.write(request[sent]);
                        sent++;
                    } catch (IOException e) {
                        closed = true; // the node's side is gone
                    }
                    if (sent == 3) {
                        meanwhile.run();
                    }
                }
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        closed = true;
                    } else {
                        received.write(buffer, 0, n);
                    }
                } catch (SocketTimeoutException e) {
                    // nothing from the node yet: send the next byte
                }
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new Trickle(received.toString(StandardCharsets.ISO_8859_1), closed, sent, elapsedMillis);
        }
    }

    private static void assertOtherClientsServed(InetSocketAddress address) {
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(RawClient.http(address, "/v1/kv/k", TIMEOUT_MILLIS)).startsWith("HTTP/1.1 200");
            }
        } catch (IOException e) {
            throw new AssertionError("another client was not served while the slow one trickled", e);
        }
    }

    /** Reads one HTTP answer with a Content-Length body. */
    private static String readHttpAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside an answer's header: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int at = text.toLowerCase(Locale.ROOT).indexOf("content-length:");
        int end = text.indexOf("\r\n", at);
        int length = Integer.parseInt(text.substring(at + "content-length:".length(), end).trim());
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
