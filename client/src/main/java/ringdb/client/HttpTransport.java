package ringdb.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import ringdb.core.data.Limits;

/**
 * A small HTTP/1.1 client with persistent connections pooled per node. The calling thread does the
 * I/O itself on a blocking socket (no event loop to hand the request to and the answer back from,
 * which on a small machine costs more than the request); Netty's HTTP codec, run in an
 * {@link EmbeddedChannel} per connection, encodes requests and parses answers.
 *
 * <p>A request takes an idle connection (or opens one) and gives it back when the answer is
 * complete. Before an idle connection is reused, a non-blocking read checks that the node has not
 * closed it (its idle timeout, or a restart), so a request is never written into a dead connection.
 *
 * <p>Threading: thread-safe; {@link #exchange} blocks the calling thread until the answer, the
 * timeout or a failure. Failures are {@link RingClientException}s with error "unreachable" (the
 * request was never sent), "client_timeout" or "io" (the outcome is unknown).
 */
final class HttpTransport implements AutoCloseable {
    /** Largest answer accepted (a value of the ceiling plus headers). */
    static final int RESPONSE_BYTES_MAX = Limits.HTTP_RESPONSE_BYTES_MAX;
    private static final int READ_BUFFER_BYTES = 16 * 1024;

    /** An answer: status, body, and the X-Ringdb-Timestamp header (0 when absent). */
    record Response(int status, byte[] body, long timestampMicros) {
    }

    private final int connectTimeoutMillis;
    private final Map<String, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    HttpTransport(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /** One persistent connection: the socket, its streams, and the codec that frames HTTP on it. */
    private static final class Connection {
        final SocketChannel channel;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final EmbeddedChannel codec =
                new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(RESPONSE_BYTES_MAX));
        final byte[] readBuffer = new byte[READ_BUFFER_BYTES];
        private final ByteBuffer probe = ByteBuffer.allocate(1);

        Connection(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.socket = channel.socket();
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Whether the node has neither closed this idle connection nor sent anything unasked. */
        boolean usable() {
            try {
                channel.configureBlocking(false);
                int read = channel.read(probe);
                probe.clear();
                channel.configureBlocking(true);
                return read == 0;
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // already gone
            }
            codec.finishAndReleaseAll();
        }
    }

    /** Sends one request to {@code node} ("host:port") and waits up to {@code timeoutMillis} for the answer. */
    Response exchange(String node, HttpMethod method, String pathAndQuery, byte[] body, long timeoutMillis) {
        Connection connection = acquire(node);
        boolean reusable = false;
        try {
            send(connection, node, method, pathAndQuery, body);
            FullHttpResponse response = receive(connection, node, timeoutMillis);
            try {
                reusable = HttpUtil.isKeepAlive(response);
                return toResponse(response);
            } finally {
                response.release();
            }
        } finally {
            if (reusable && !closed) {
                idle.computeIfAbsent(node, n -> new ConcurrentLinkedDeque<>()).offerFirst(connection);
            } else {
                connection.close();
            }
        }
    }

    /** Marks requests as a program's: nodes refuse POSTs without it that a web form could have sent. */
    static final String REQUEST_HEADER = "X-Ringdb-Request";

    private static void send(Connection connection, String node, HttpMethod method, String pathAndQuery, byte[] body) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, pathAndQuery, content);
        request.headers().set(HttpHeaderNames.HOST, node);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        request.headers().set(REQUEST_HEADER, "1"); // a program, not a form of some web page: see the node's API
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        connection.codec.writeOutbound(request);
        try {
            ByteBuf encoded;
            while ((encoded = connection.codec.readOutbound()) != null) {
                try {
                    encoded.readBytes(connection.out, encoded.readableBytes());
                } finally {
                    encoded.release();
                }
            }
            connection.out.flush();
        } catch (IOException e) {
            throw new RingClientException(0, "io", "request to " + node + " failed: " + e, e);
        }
    }

    private static FullHttpResponse receive(Connection connection, String node, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (true) {
                Object decoded = connection.codec.readInbound();
                if (decoded instanceof FullHttpResponse response) {
                    if (!response.decoderResult().isSuccess()) {
                        Throwable cause = response.decoderResult().cause();
                        response.release();
                        throw new RingClientException(0, "io", "malformed answer from " + node + ": "
                                + (cause == null ? "unparseable" : cause.getMessage()), cause);
                    }
                    return response;
                }
                if (decoded != null) {
                    ReferenceCountUtil.release(decoded);
                    throw new RingClientException(0, "io",
                            "unexpected answer from " + node + ": " + decoded.getClass().getSimpleName());
                }
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    throw new SocketTimeoutException();
                }
                connection.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
                int read = connection.in.read(connection.readBuffer);
                if (read < 0) {
                    throw new IOException("connection closed before the answer");
                }
                connection.codec.writeInbound(Unpooled.copiedBuffer(connection.readBuffer, 0, read));
                connection.codec.checkException();
            }
        } catch (SocketTimeoutException e) {
            throw new RingClientException(0, "client_timeout",
                    "no answer from " + node + " within " + timeoutMillis + " ms", e);
        } catch (RingClientException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RingClientException(0, "io", "request to " + node + " failed: " + e, e);
        }
    }

    private static Response toResponse(FullHttpResponse response) {
        byte[] body = new byte[response.content().readableBytes()];
        response.content().readBytes(body);
        String timestamp = response.headers().get("X-Ringdb-Timestamp");
        long micros;
        try {
            micros = timestamp == null ? 0 : Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            micros = 0;
        }
        return new Response(response.status().code(), body, micros);
    }

    private Connection acquire(String node) {
        if (closed) {
            throw new RingClientException(0, "unreachable", "the client is closed");
        }
        ConcurrentLinkedDeque<Connection> connections = idle.computeIfAbsent(node, n -> new ConcurrentLinkedDeque<>());
        Connection connection;
        while ((connection = connections.pollFirst()) != null) {
            if (connection.usable()) {
                return connection;
            }
            connection.close();
        }
        return connect(node);
    }

    private Connection connect(String node) {
        return ClientSockets.connect(node, connectTimeoutMillis, Connection::new);
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(connections -> {
            Connection connection;
            while ((connection = connections.pollFirst()) != null) {
                connection.close();
            }
        });
    }
}
