package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.api.FakeClientOperations;
import ringdb.server.config.HostPort;
import ringdb.server.transport.SocketTransport;
import ringdb.server.net.FreePorts;

/**
 * A client that sends requests on the client port and never reads the answers, on a real loopback
 * socket: the node stops reading from it once a water mark of answers is queued, instead of
 * absorbing them, and keeps serving other connections.
 */
@Timeout(120)
class ClientBackpressureTest {
    /** The key's length and the value's: each request and each answer is about a KiB. */
    private static final String KEY = "k".repeat(1000);
    private static final int VALUE_BYTES = 1000;
    /** One answer and its framing (HTTP headers, native header, Netty's per-write overhead), rounded up. */
    private static final int ANSWER_BYTES_MAX = 2048;
    /** Requests the greedy client sends in all: some 50 MB of answers, far more than socket buffers hold. */
    private static final int REQUESTS = 50_000;
    private static final int BATCH = 500;

    private final FakeClientOperations backend = new FakeClientOperations(64 * 1024);
    private final AtomicInteger served = new AtomicInteger();
    private EventLoopGroup group;
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        backend.values.put(KEY, new byte[VALUE_BYTES]);
        group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        server = HttpServer.start(new HostPort("127.0.0.1", FreePorts.loopback()), group, backend,
                (operation, outcome, nanos) -> served.incrementAndGet(), 60_000, path -> false, null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aNativeClientThatNeverReadsGetsAtMostAWaterMarkOfAnswersQueued() throws Exception {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        ByteBuffer batch = ByteBuffer.allocate(BATCH * (14 + key.length));
        for (int i = 0; i < BATCH; i++) {
            batch.putInt(NativeProtocol.HEADER_BYTES + 5 + key.length).putInt(i + 1).put(NativeProtocol.GET)
                    .put((byte) 0).putInt(key.length).put(key);
        }
        greedyClientIsHeldBackWhileOthersAreServed(NativeProtocol.PREAMBLE, batch.array());
    }

    @Test
    void anHttpClientThatPipelinesAndNeverReadsGetsAtMostAWaterMarkOfAnswersQueued() throws Exception {
        String request = "GET /v1/kv/" + KEY + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        byte[] batch = request.repeat(BATCH).getBytes(StandardCharsets.US_ASCII);
        greedyClientIsHeldBackWhileOthersAreServed(new byte[0], batch);
    }

    private void greedyClientIsHeldBackWhileOthersAreServed(byte[] preamble, byte[] batch) throws Exception {
        InetSocketAddress address = server.boundAddress();
        AtomicInteger sent = new AtomicInteger();
        Socket greedy = new Socket();
        try {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(address, 5_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = greedy.getOutputStream();
                    out.write(preamble);
                    for (int i = 0; i < REQUESTS / BATCH; i++) {
                        out.write(batch);
                        sent.addAndGet(BATCH);
                    }
                } catch (IOException e) {
                    // the test closed the socket while the write was held back: expected
                }
            }, "greedy-client");
            writer.setDaemon(true);
            writer.start();
            long largest = observeLargestPending(TimeUnit.SECONDS.toNanos(30), HttpServer.WRITE_BUFFER_LOW_BYTES);
            assertThat(largest).as("the node queued answers to the greedy client up to a water mark")
                    .isGreaterThanOrEqualTo(HttpServer.WRITE_BUFFER_LOW_BYTES);
            assertThat(otherClientServedWithin(Duration.ofSeconds(30))).as("another connection is served").isTrue();
            largest = Math.max(largest, observeLargestPending(TimeUnit.MILLISECONDS.toNanos(500), Long.MAX_VALUE));
            assertThat(largest).as("answers queued for one connection stay under the high water mark plus one answer")
                    .isLessThanOrEqualTo(HttpServer.WRITE_BUFFER_HIGH_BYTES + ANSWER_BYTES_MAX);
            assertThat(writer.isAlive()).as("the node stopped reading, so the greedy client's writes block").isTrue();
            assertThat(served.get()).as("the node served a bounded part of what was sent")
                    .isLessThan(REQUESTS / 2).isLessThanOrEqualTo(sent.get() + BATCH);
            greedy.close(); // unblocks the writer
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
        } finally {
            greedy.close();
        }
    }

    /** Samples the largest queue of answers until {@code windowNanos} passed or it reached {@code enough}. */
    private long observeLargestPending(long windowNanos, long enough) {
        long deadline = System.nanoTime() + windowNanos;
        long largest = 0;
        while (System.nanoTime() < deadline && largest < enough) {
            largest = Math.max(largest, server.largestPendingOutboundBytes());
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // sampling interval, not synchronisation
        }
        return largest;
    }

    private boolean otherClientServedWithin(Duration timeout) throws IOException {
        String answer = RawClient.http(server.boundAddress(), "/v1/cluster", (int) timeout.toMillis());
        return answer.startsWith("HTTP/1.1 200") && answer.contains("cluster_name");
    }
}
