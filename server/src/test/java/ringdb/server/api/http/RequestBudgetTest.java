package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.FakeClientOperations;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.config.HostPort;
import ringdb.server.transport.SocketTransport;
import ringdb.server.net.FreePorts;

/**
 * The node-wide budget of request bytes in flight, on real loopback sockets: while the node holds
 * requests that fill it, further requests (native and HTTP) are answered Overloaded at once; once
 * those are answered, service resumes.
 */
@Timeout(60)
class RequestBudgetTest {
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int VALUE_BYTES = 1000;
    /** Two native PUTs of {@link #VALUE_BYTES} fit; a third does not. */
    private static final long BUDGET_BYTES = 2 * (VALUE_BYTES + 100);

    private final FakeClientOperations backend = new FakeClientOperations(64 * 1024);
    private EventLoopGroup group;
    private HttpServer server;

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
    void requestsPastTheBudgetAreAnsweredOverloadedAtOnceAndServiceResumes() throws Exception {
        backend.hold = true; // the node sits on the requests it admitted: their bytes stay in flight
        group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        server = HttpServer.start(new HostPort("127.0.0.1", FreePorts.loopback()), group, backend,
                RequestObserver.NONE, 60_000, path -> false, null, new ConnectionLimits(ConnectionLimits.UNLIMITED,
                        ConnectionLimits.UNLIMITED, new RequestBytesBudget(BUDGET_BYTES)));
        InetSocketAddress address = server.boundAddress();
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(NativeProtocol.PREAMBLE);
            for (int stream = 1; stream <= 3; stream++) {
                socket.getOutputStream().write(put(stream));
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Frame refused = read(in);
            assertThat(refused.stream()).as("the third request, past the budget, is answered first").isEqualTo(3);
            assertThat(refused.status()).isEqualTo(NativeProtocol.ERROR);
            assertThat(refused.httpStatus()).isEqualTo(503);
            assertThat(refused.json()).contains("\"error\":\"overloaded\"")
                    .contains("native_transport_max_request_data_in_flight_bytes");

            String http = RawClient.exchange(address, ("PUT /v1/kv/h HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nContent-Length: " + VALUE_BYTES + "\r\n\r\n" + "v".repeat(VALUE_BYTES))
                    .getBytes(StandardCharsets.US_ASCII), TIMEOUT_MILLIS);
            assertThat(http).startsWith("HTTP/1.1 503").contains("\"error\":\"overloaded\"")
                    .contains("budget of " + BUDGET_BYTES + " request bytes in flight");

            group.next().submit(() -> { // the node answers what it held, on its own thread
                backend.hold = false;
                backend.held.forEach(Runnable::run);
                backend.held.clear();
            }).syncUninterruptibly();
            assertThat(read(in).status()).isEqualTo(NativeProtocol.WRITTEN);
            assertThat(read(in).status()).isEqualTo(NativeProtocol.WRITTEN);
            for (int stream = 4; stream <= 8; stream++) {
                socket.getOutputStream().write(put(stream));
                Frame answer = read(in);
                assertThat(answer.stream()).isEqualTo(stream);
                assertThat(answer.status()).as("service resumed once the budget drained")
                        .isEqualTo(NativeProtocol.WRITTEN);
            }
            assertThat(RawClient.http(address, "/v1/kv/k4", TIMEOUT_MILLIS)).startsWith("HTTP/1.1 200");
        }
    }

    private record Frame(int stream, byte status, byte[] body) {
        int httpStatus() {
            return ByteBuffer.wrap(body).getShort() & 0xffff;
        }

        String json() {
            return new String(body, 2, body.length - 2, StandardCharsets.UTF_8);
        }
    }

    private static Frame read(DataInputStream in) throws IOException {
        int length = in.readInt();
        int stream = in.readInt();
        byte status = in.readByte();
        byte[] body = new byte[length - NativeProtocol.HEADER_BYTES];
        in.readFully(body);
        return new Frame(stream, status, body);
    }

    private static byte[] put(int stream) {
        byte[] key = ("k" + stream).getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(NativeProtocol.LENGTH_BYTES + NativeProtocol.HEADER_BYTES + 6
                + key.length + VALUE_BYTES);
        frame.putInt(frame.capacity() - NativeProtocol.LENGTH_BYTES).putInt(stream).put(NativeProtocol.PUT)
                .put((byte) 0).put((byte) 0).putInt(key.length).put(key).put(new byte[VALUE_BYTES]);
        return frame.array();
    }
}
