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
import io.netty.handler.ssl.SslHandler;
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
import javax.net.ssl.SSLEngine;
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
    private final ClientTls tls;
    private final String authorization;
    private final Map<String, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    HttpTransport(int connectTimeoutMillis) {
        this(connectTimeoutMillis, null);
    }

    /** {@code tls}: HTTPS on every connection (null: plaintext). */
    HttpTransport(int connectTimeoutMillis, ClientTls tls) {
        this(connectTimeoutMillis, tls, null);
    }

    /** As above, sending {@code credentials} (null: none) as HTTP Basic on every request. */
    HttpTransport(int connectTimeoutMillis, ClientTls tls, ClientCredentials credentials) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.tls = tls;
        this.authorization = credentials == null ? null : credentials.basicHeader();
    }

    /**
     * One persistent connection: the socket, its streams, and the codec that frames HTTP on it
     * (with TLS, a Netty {@link SslHandler} in the same codec encrypts what it writes and decrypts
     * what it reads, so the blocking I/O below stays the same).
     */
    private static final class Connection {
        final SocketChannel channel;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final EmbeddedChannel codec;
        final boolean tls;
        final byte[] readBuffer = new byte[READ_BUFFER_BYTES];
        private final ByteBuffer probe;

        Connection(SocketChannel channel, SSLEngine engine, int handshakeTimeoutMillis) throws IOException {
            this.channel = channel;
            this.socket = channel.socket();
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.tls = engine != null;
            this.probe = ByteBuffer.allocate(tls ? READ_BUFFER_BYTES : 1);
            this.codec = tls
                    ? new EmbeddedChannel(new SslHandler(engine), new HttpClientCodec(),
                            new HttpObjectAggregator(RESPONSE_BYTES_MAX))
                    : new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(RESPONSE_BYTES_MAX));
            if (tls) {
                try {
                    handshake(handshakeTimeoutMillis);
                } catch (IOException | RuntimeException e) {
                    releaseCodec();
                    throw e;
                }
            }
        }

        /** Runs the TLS handshake over the blocking socket; throws an IOException saying why it failed. */
        private void handshake(int timeoutMillis) throws IOException {
            SslHandler ssl = codec.pipeline().get(SslHandler.class);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            try {
                while (!ssl.handshakeFuture().isDone()) {
                    writeOutbound();
                    long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (remainingMillis <= 0) {
                        throw new SocketTimeoutException("TLS handshake not done within " + timeoutMillis + " ms");
                    }
                    socket.setSoTimeout((int) remainingMillis);
                    int read = in.read(readBuffer);
                    if (read < 0) {
                        throw new IOException("the node closed the connection during the TLS handshake");
                    }
                    codec.writeInbound(Unpooled.copiedBuffer(readBuffer, 0, read));
                }
                codec.checkException();
                writeOutbound();
            } catch (RuntimeException e) { // the handshake's failure, as the codec reports it
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new IOException("TLS handshake failed: " + cause.getMessage(), e);
            }
            if (!ssl.handshakeFuture().isSuccess()) {
                throw new IOException("TLS handshake failed: " + ssl.handshakeFuture().cause().getMessage(),
                        ssl.handshakeFuture().cause());
            }
        }

        /** Writes what the codec has encoded (requests; with TLS also handshake and alert records). */
        void writeOutbound() throws IOException {
            ByteBuf encoded;
            while ((encoded = codec.readOutbound()) != null) {
                try {
                    encoded.readBytes(out, encoded.readableBytes());
                } finally {
                    encoded.release();
                }
            }
            out.flush();
        }

        /**
         * Whether the node has neither closed this idle connection nor sent anything unasked (with TLS,
         * records that carry no data, such as session tickets, are taken in by the codec).
         */
        boolean usable() {
            try {
                channel.configureBlocking(false);
                try {
                    while (true) {
                        probe.clear();
                        int read = channel.read(probe);
                        if (read <= 0) {
                            return read == 0 && codec.isActive() && codec.inboundMessages().isEmpty();
                        }
                        if (!tls) {
                            return false;
                        }
                        probe.flip();
                        codec.writeInbound(Unpooled.copiedBuffer(probe));
                    }
                } finally {
                    channel.configureBlocking(true);
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // already gone
            }
            releaseCodec();
        }

        private void releaseCodec() {
            try {
                codec.finishAndReleaseAll();
            } catch (RuntimeException e) {
                // the codec failed (a TLS alert, say): what it held is released all the same
            }
        }
    }

    /** Sends one request to {@code node} ("host:port") and waits up to {@code timeoutMillis} for the answer. */
    Response exchange(String node, HttpMethod method, String pathAndQuery, byte[] body, long timeoutMillis) {
        Connection connection = acquire(node);
        boolean reusable = false;
        try {
            send(connection, node, method, pathAndQuery, body, authorization);
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

    private static void send(Connection connection, String node, HttpMethod method, String pathAndQuery, byte[] body,
                             String authorization) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, pathAndQuery, content);
        request.headers().set(HttpHeaderNames.HOST, node);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        request.headers().set(REQUEST_HEADER, "1"); // a program, not a form of some web page: see the node's API
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        connection.codec.writeOutbound(request);
        try {
            connection.writeOutbound();
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
        return ClientSockets.connect(node, connectTimeoutMillis, channel -> new Connection(channel,
                tls == null ? null : tls.newEngine(ClientSockets.host(node), ClientSockets.port(node)),
                connectTimeoutMillis));
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
