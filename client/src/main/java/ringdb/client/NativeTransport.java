package ringdb.client;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import ringdb.core.protocol.NativeProtocol;

/**
 * Key-value requests over the native protocol ({@code docs/formats/native-protocol.md}): one
 * multiplexed connection per node, shared by every calling thread, opened on first use and again
 * after it fails.
 *
 * <p>Threading: thread-safe; {@link #exchange} blocks the calling thread until the answer, the
 * timeout or a failure. Failures are {@link RingClientException}s with error "unreachable" (the
 * request was never sent), "client_timeout" or "io" (the outcome is unknown).
 */
final class NativeTransport implements AutoCloseable {
    /** How often the watchdog looks for writes that make no progress. */
    private static final long WATCH_MILLIS = 200;
    private static final int ONE_CODE = NativeProtocol.consistencyCode("ONE");
    private static final int QUORUM_CODE = NativeProtocol.consistencyCode("QUORUM");

    private final int connectTimeoutMillis;
    private final long writeStallNanos;
    private final ClientTls tls;
    private final ClientCredentials credentials;
    private final Map<String, NativeConnection> connections = new ConcurrentHashMap<>();
    private ScheduledExecutorService watchdog; // started with the first connection; guarded by this
    private volatile boolean closed;

    /**
     * {@code writeStallMillis}: a connection whose socket write is still blocked after this long is
     * failed (a blocking write has no timeout of its own, and its caller would wait forever).
     */
    NativeTransport(int connectTimeoutMillis, long writeStallMillis) {
        this(connectTimeoutMillis, writeStallMillis, null);
    }

    /** {@code tls}: TLS on every connection (null: plaintext). */
    NativeTransport(int connectTimeoutMillis, long writeStallMillis, ClientTls tls) {
        this(connectTimeoutMillis, writeStallMillis, tls, null);
    }

    /** As above; each new connection first logs in with {@code credentials} (null: no login). */
    NativeTransport(int connectTimeoutMillis, long writeStallMillis, ClientTls tls, ClientCredentials credentials) {
        this.credentials = credentials;
        this.tls = tls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.writeStallNanos = TimeUnit.MILLISECONDS.toNanos(writeStallMillis);
    }

    /** Starts the watchdog unless it runs (a client that never speaks this protocol has no thread for it). */
    private void startWatchdogLocked() {
        if (watchdog != null) {
            return;
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ringdb-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(this::failStalledWrites, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void failStalledWrites() {
        long now = System.nanoTime();
        connections.values().forEach(connection -> connection.failIfWriteStalled(now, writeStallNanos));
    }

    /**
     * Sends one request to {@code node} ("host:port"): {@code opcode} is GET, PUT or DELETE,
     * {@code timestampMicros} null for the coordinator's, {@code value} only for PUT.
     */
    HttpTransport.Response exchange(String node, byte opcode, String consistency, byte[] key, byte[] value,
                                    Long timestampMicros, long timeoutMillis) {
        return exchange(node, opcode, body(opcode, consistency, key, value, timestampMicros), timeoutMillis);
    }

    /** Sends one request whose body is built already ({@code opcode} any request opcode). */
    HttpTransport.Response exchange(String node, byte opcode, byte[] body, long timeoutMillis) {
        NativeConnection connection = connection(node);
        try {
            return connection.exchange(opcode, body, timeoutMillis);
        } catch (RingClientException e) {
            if (!e.error().equals("unreachable") || connection.alive()) {
                throw e;
            }
            // The connection died before the request went out: one more try on a fresh one.
            return connection(node).exchange(opcode, body, timeoutMillis);
        }
    }

    /** The wire byte of a consistency level; throws a 400 {@link RingClientException} when unknown. */
    static int consistencyCode(String consistency) {
        // The names as ConsistencyLevel spells them, without the trimming and case folding of the general parse
        int code = switch (consistency) {
            case "ONE" -> ONE_CODE;
            case "QUORUM" -> QUORUM_CODE;
            default -> NativeProtocol.consistencyCode(consistency);
        };
        if (code < 0) {
            throw new RingClientException(400, "invalid", "unknown consistency level '" + consistency
                    + "'; expected ONE, TWO, THREE, QUORUM or ALL");
        }
        return code;
    }

    private static byte[] body(byte opcode, String consistency, byte[] key, byte[] value, Long timestampMicros) {
        int code = consistencyCode(consistency);
        boolean write = opcode != NativeProtocol.GET;
        int size = 1 + (write ? 1 : 0) + (timestampMicros != null ? 8 : 0) + 4 + key.length
                + (value == null ? 0 : value.length);
        ByteBuffer body = ByteBuffer.allocate(size);
        body.put((byte) code);
        if (write) {
            body.put(timestampMicros != null ? NativeProtocol.FLAG_TIMESTAMP : 0);
            if (timestampMicros != null) {
                body.putLong(timestampMicros);
            }
        }
        body.putInt(key.length).put(key);
        if (value != null) {
            body.put(value);
        }
        return body.array();
    }

    private NativeConnection connection(String node) {
        if (closed) {
            throw new RingClientException(0, "unreachable", "the client is closed");
        }
        NativeConnection current = connections.get(node);
        if (current != null && current.alive()) {
            return current;
        }
        synchronized (this) {
            current = connections.get(node);
            if (current != null && current.alive()) {
                return current;
            }
            NativeConnection fresh = connect(node);
            if (credentials != null) {
                login(node, fresh);
            }
            connections.put(node, fresh);
            startWatchdogLocked();
            return fresh;
        }
    }

    /** AUTH on a new connection; a refusal closes it and is thrown (status 401, error "unauthorized"). */
    private void login(String node, NativeConnection connection) {
        HttpTransport.Response answer;
        try {
            answer = connection.exchange(NativeProtocol.AUTH, credentials.nativeAuthBody(),
                    Math.max(connectTimeoutMillis, 10_000));
        } catch (RingClientException e) {
            connection.shutdown();
            throw e;
        }
        if (answer.status() != 200) {
            connection.shutdown();
            throw new RingClientException(answer.status(), "unauthorized", node + " refused the login of "
                    + credentials.user() + ": " + NativeAnswers.message(answer));
        }
    }

    private NativeConnection connect(String node) {
        return ClientSockets.connect(node, connectTimeoutMillis, channel -> {
            Socket raw = channel.socket();
            if (tls == null) {
                return new NativeConnection(node, raw, raw);
            }
            SSLSocket secure = (SSLSocket) tls.context().getSocketFactory().createSocket(raw,
                    ClientSockets.host(node), ClientSockets.port(node), true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.setSoTimeout(connectTimeoutMillis);
            try {
                secure.startHandshake();
            } catch (IOException e) {
                throw new IOException("TLS handshake failed: " + e.getMessage(), e);
            }
            secure.setSoTimeout(0);
            return new NativeConnection(node, secure, raw);
        });
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (watchdog != null) {
                watchdog.shutdownNow();
            }
            connections.values().forEach(NativeConnection::shutdown);
            connections.clear();
        }
    }
}
