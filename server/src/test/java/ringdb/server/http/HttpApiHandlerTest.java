package ringdb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;

class HttpApiHandlerTest {
    private static final int VALUE_LIMIT = 1024;

    private final FakeBackend backend = new FakeBackend();
    private final List<String> observed = new ArrayList<>();
    private EmbeddedChannel channel;

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

    /** A backend answering from a map; answers can be held back to test ordering. */
    static final class FakeBackend implements HttpBackend {
        final Map<String, byte[]> values = new HashMap<>();
        ClientResult forced;
        final List<Runnable> held = new ArrayList<>();
        boolean hold;

        private void answer(Consumer<ClientResult> done, ClientResult result) {
            ClientResult actual = forced != null ? forced : result;
            if (hold) {
                held.add(() -> done.accept(actual));
            } else {
                done.accept(actual);
            }
        }

        @Override
        public void put(byte[] key, byte[] value, ConsistencyLevel cl, long ts, Consumer<ClientResult> done) {
            values.put(new String(key, StandardCharsets.UTF_8), value);
            answer(done, new ClientResult.Written(1234, cl.blockFor(2)));
        }

        @Override
        public void delete(byte[] key, ConsistencyLevel cl, long ts, Consumer<ClientResult> done) {
            values.remove(new String(key, StandardCharsets.UTF_8));
            answer(done, new ClientResult.Written(1235, 1));
        }

        @Override
        public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
            byte[] value = values.get(new String(key, StandardCharsets.UTF_8));
            answer(done, value == null ? new ClientResult.NotFound() : new ClientResult.Found(value, 1234));
        }

        @Override
        public CompletableFuture<JsonNode> cluster() {
            return CompletableFuture.completedFuture(JsonResponses.object().put("cluster_name", "test"));
        }

        @Override
        public CompletableFuture<JsonNode> ring(byte[] key) {
            return CompletableFuture.completedFuture(JsonResponses.object().put("key", new String(key, StandardCharsets.UTF_8)));
        }

        @Override
        public CompletableFuture<String> metrics() {
            return CompletableFuture.completedFuture("ringdb_up 1\n");
        }

        @Override
        public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(operation + " is not supported"));
        }

        @Override
        public int valueSizeBytesMax() {
            return VALUE_LIMIT;
        }
    }

    private void open() {
        channel = new EmbeddedChannel(new HttpServerCodec(4096, 4096, 4096), new ValueSizeAggregator(VALUE_LIMIT),
                new HttpApiHandler(backend, (op, outcome, nanos) -> observed.add(op + ":" + outcome), path -> false));
    }

    private String exchange(String raw) {
        if (channel == null) {
            open();
        }
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        return drain();
    }

    private String drain() {
        StringBuilder out = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            out.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return out.toString();
    }

    private static String request(String method, String path, String body) {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void putThenGetReturnsTheRawValueWithItsTimestamp() {
        assertThat(exchange(request("PUT", "/v1/kv/user%2F1?cl=QUORUM", "hello"))).startsWith("HTTP/1.1 200 OK")
                .contains("\"timestamp_micros\":1234").contains("\"acks\":2");
        String get = exchange(request("GET", "/v1/kv/user%2F1", ""));
        assertThat(get).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("x-ringdb-timestamp: 1234").endsWith("\r\n\r\nhello");
        assertThat(backend.values).containsKey("user/1");
        assertThat(observed).containsExactly("put:ok", "get:ok");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void missingKeyIs404WithAJsonMessage() {
        assertThat(exchange(request("GET", "/v1/kv/nope", ""))).startsWith("HTTP/1.1 404")
                .contains("\"error\":\"not_found\"").contains("key 'nope' not found");
    }

    @Test
    void badConsistencyLevelTimestampAndKeyAre400AndTheConnectionStaysOpen() {
        assertThat(exchange(request("PUT", "/v1/kv/k?cl=TWO", "v"))).startsWith("HTTP/1.1 400")
                .contains("unknown consistency level 'TWO'; expected ONE, QUORUM or ALL");
        assertThat(exchange(request("PUT", "/v1/kv/k?timestamp=soon", "v"))).startsWith("HTTP/1.1 400")
                .contains("timestamp must be a whole number");
        assertThat(exchange(request("GET", "/v1/kv/bad%zzkey", ""))).startsWith("HTTP/1.1 400")
                .contains("malformed percent-escape");
        assertThat(exchange(request("GET", "/v1/kv/", ""))).startsWith("HTTP/1.1 400").contains("key must not be empty");
        assertThat(channel.isOpen()).isTrue();
        assertThat(backend.values).isEmpty();
    }

    @Test
    void oversizedBodyIs413NamingTheLimitAndClosesTheConnection() {
        String answer = exchange(request("PUT", "/v1/kv/big", "x".repeat(VALUE_LIMIT + 1)));
        assertThat(answer).startsWith("HTTP/1.1 413").contains("value limit of 1024 bytes");
        assertThat(channel.isOpen()).isFalse();
        assertThat(backend.values).isEmpty();
    }

    @Test
    void malformedRequestIs400AndClosesTheConnection() {
        String answer = exchange("THIS IS NOT HTTP\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"error\":\"malformed\"");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void unavailableAndTimeoutSayHowManyReplicasWereNeeded() {
        backend.forced = new ClientResult.Unavailable(ConsistencyLevel.QUORUM, 2, 1);
        assertThat(exchange(request("PUT", "/v1/kv/k?cl=QUORUM", "v"))).startsWith("HTTP/1.1 503")
                .contains("2 replicas needed, 1 alive").contains("\"required\":2").contains("\"alive\":1");
        backend.forced = new ClientResult.Timeout(ConsistencyLevel.ALL, 2, 1);
        assertThat(exchange(request("GET", "/v1/kv/k?cl=ALL", ""))).startsWith("HTTP/1.1 504")
                .contains("2 replica answers needed, 1 received");
    }

    @Test
    void pipelinedAnswersAreWrittenInRequestOrderWhateverOrderTheNodeAnswers() {
        backend.hold = true;
        String answers = exchange(request("PUT", "/v1/kv/a", "1") + request("GET", "/v1/kv/missing", ""));
        assertThat(answers).isEmpty();
        backend.held.get(1).run();
        assertThat(drain()).as("the second answer waits for the first").isEmpty();
        backend.held.get(0).run();
        String both = drain();
        assertThat(both.indexOf("200 OK")).isLessThan(both.indexOf("404 Not Found"));
    }

    @Test
    void unknownPathAndWrongMethodSayWhatExists() {
        assertThat(exchange(request("GET", "/v2/stuff", ""))).startsWith("HTTP/1.1 404").contains("/v1/kv/{key}");
        assertThat(exchange(request("PATCH", "/v1/kv/k", ""))).startsWith("HTTP/1.1 405").contains("use PUT, GET or DELETE");
        assertThat(exchange(request("POST", "/v1/cluster", ""))).startsWith("HTTP/1.1 405");
        assertThat(exchange(request("POST", "/v1/admin/decommission", ""))).startsWith("HTTP/1.1 501")
                .contains("decommission is not supported");
        assertThat(exchange(request("GET", "/v1/ring", ""))).startsWith("HTTP/1.1 400").contains("missing query parameter 'key'");
        assertThat(exchange(request("GET", "/metrics", ""))).startsWith("HTTP/1.1 200").contains("ringdb_up 1");
    }
}
