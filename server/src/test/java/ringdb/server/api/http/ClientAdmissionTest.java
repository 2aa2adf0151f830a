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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.FakeClientOperations;
import ringdb.server.api.RequestObserver;
import ringdb.server.config.HostPort;
import ringdb.server.transport.SocketTransport;
import ringdb.server.net.FreePorts;

/**
 * Admission control on the client port, on real loopback sockets: connections past
 * {@code native_transport_max_connections} (or its per-address form) are answered "overloaded" in
 * their own protocol and closed, while the connections already open keep being served.
 */
@Timeout(60)
class ClientAdmissionTest {
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int FLOOD = 40;

    private final FakeClientOperations backend = new FakeClientOperations(1024);
    private final List<Socket> open = new ArrayList<>();
    private EventLoopGroup group;
    private HttpServer server;

    private InetSocketAddress start(ConnectionLimits limits) throws IOException {
        backend.values.put("k", "v".getBytes(StandardCharsets.UTF_8));
        group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        server = HttpServer.start(new HostPort("127.0.0.1", FreePorts.loopback()), group, backend,
                RequestObserver.NONE, 60_000, path -> false, null, limits);
        return server.boundAddress();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aFloodPastTheConnectionLimitIsRefusedWhileOpenConnectionsAreServed() throws IOException {
        InetSocketAddress address = start(new ConnectionLimits(2, ConnectionLimits.UNLIMITED));
        Socket first = nativeConnection(address, null);
        Socket second = nativeConnection(address, null);
        assertThat(nativeGet(first, 1)).isEqualTo(NativeProtocol.VALUE);
        assertThat(nativeGet(second, 1)).isEqualTo(NativeProtocol.VALUE);
        for (int i = 0; i < FLOOD; i++) {
            String http = RawClient.http(address, "/v1/kv/k", TIMEOUT_MILLIS);
            assertThat(http).as("HTTP connection %d past the limit", i).startsWith("HTTP/1.1 503")
                    .contains("\"error\":\"overloaded\"").contains("\"limit\":2")
                    .contains("limit of 2 client connections (native_transport_max_connections)");
            byte[] answer = RawClient.exchange(address, nativeGetBytes(true, 1), TIMEOUT_MILLIS)
                    .getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer frame = ByteBuffer.wrap(answer);
            assertThat(frame.getInt()).isEqualTo(answer.length - NativeProtocol.LENGTH_BYTES);
            assertThat(frame.getInt()).as("stream").isEqualTo(NativeProtocol.CONNECTION_STREAM);
            assertThat(frame.get()).isEqualTo(NativeProtocol.ERROR);
            assertThat(frame.getShort()).as("status").isEqualTo((short) 503);
            assertThat(new String(answer, frame.position(), frame.remaining(), StandardCharsets.UTF_8))
                    .contains("\"error\":\"overloaded\"").contains("native_transport_max_connections");
            assertThat(nativeGet(first, 2 + i)).as("the open connection is served during the flood")
                    .isEqualTo(NativeProtocol.VALUE);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connectionCount() > 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until the node has seen the refused clients close
        }
        assertThat(server.connectionCount()).as("refused connections are closed, not kept").isEqualTo(2);
        second.close();
        String admitted = "";
        while (!admitted.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
            admitted = RawClient.http(address, "/v1/kv/k", TIMEOUT_MILLIS); // until the close is seen
        }
        assertThat(admitted).as("a closed connection frees its place").startsWith("HTTP/1.1 200");
    }

    @Test
    void connectionsPerSourceAddressAreLimitedApartFromOtherAddresses() throws IOException {
        InetSocketAddress address = start(new ConnectionLimits(ConnectionLimits.UNLIMITED, 1));
        Socket first = nativeConnection(address, null);
        assertThat(nativeGet(first, 1)).isEqualTo(NativeProtocol.VALUE);
        String refused = RawClient.http(address, "/v1/kv/k", TIMEOUT_MILLIS);
        assertThat(refused).startsWith("HTTP/1.1 503").contains("\"limit\":1")
                .contains("client connections from 127.0.0.1 (native_transport_max_connections_per_ip)");
        Socket other = nativeConnection(address, new InetSocketAddress("127.0.0.2", 0));
        assertThat(nativeGet(other, 1)).as("another source address is admitted").isEqualTo(NativeProtocol.VALUE);
        assertThat(nativeGet(first, 2)).isEqualTo(NativeProtocol.VALUE);
    }

    private Socket nativeConnection(InetSocketAddress address, InetSocketAddress from) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        if (from != null) {
            socket.bind(from);
        }
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.getOutputStream().write(NativeProtocol.PREAMBLE);
        return socket;
    }

    /** Sends a GET of "k" on {@code stream} and returns the answer's status, checking its stream. */
    private static byte nativeGet(Socket socket, int stream) throws IOException {
        socket.getOutputStream().write(nativeGetBytes(false, stream));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int length = in.readInt();
        byte[] rest = new byte[length];
        in.readFully(rest);
        ByteBuffer frame = ByteBuffer.wrap(rest);
        assertThat(frame.getInt()).as("stream").isEqualTo(stream);
        return frame.get();
    }

    private static byte[] nativeGetBytes(boolean preamble, int stream) {
        ByteBuffer bytes = ByteBuffer.allocate(NativeProtocol.PREAMBLE.length + 15);
        if (preamble) {
            bytes.put(NativeProtocol.PREAMBLE);
        }
        bytes.putInt(NativeProtocol.HEADER_BYTES + 6).putInt(stream).put(NativeProtocol.GET).put((byte) 0).putInt(1)
                .put((byte) 'k');
        return Arrays.copyOf(bytes.array(), bytes.position());
    }
}
