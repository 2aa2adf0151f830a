package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
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
import ringdb.server.api.FakeClientOperations;
import ringdb.server.api.RequestBytesBudget;

class HttpApiHandlerTest {
    private static final int VALUE_LIMIT = 1024;

    private final FakeClientOperations backend = new FakeClientOperations(VALUE_LIMIT);
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
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Ringdb-Request: 1\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void putThenGetReturnsTheRawValueWithItsTimestamp() {
        assertThat(exchange(request("PUT", "/v1/kv/user%2F1?cl=QUORUM", "hello"))).startsWith("HTTP/1.1 200 OK")
                .contains("\"timestamp_micros\":1234").contains("\"acks\":2");
        String get = exchange(request("GET", "/v1/kv/user%2F1", ""));
        assertThat(get).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("x-ringdb-timestamp: 1234")
                .endsWith("\r\n\r\nhello");
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
        assertThat(exchange(request("PUT", "/v1/kv/k?cl=FIVE", "v"))).startsWith("HTTP/1.1 400")
                .contains("unknown consistency level 'FIVE'; expected ONE, TWO, THREE, QUORUM or ALL");
        assertThat(exchange(request("PUT", "/v1/kv/k?timestamp=soon", "v"))).startsWith("HTTP/1.1 400")
                .contains("timestamp must be a whole number");
        assertThat(exchange(request("GET", "/v1/kv/bad%zzkey", ""))).startsWith("HTTP/1.1 400")
                .contains("malformed percent-escape");
        assertThat(exchange(request("GET", "/v1/kv/", ""))).startsWith("HTTP/1.1 400")
                .contains("key must not be empty");
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
        assertThat(exchange(request("PATCH", "/v1/kv/k", ""))).startsWith("HTTP/1.1 405")
                .contains("use PUT, GET or DELETE");
        assertThat(exchange(request("POST", "/v1/cluster", ""))).startsWith("HTTP/1.1 405");
        assertThat(exchange(request("POST", "/v1/admin/decommission", ""))).startsWith("HTTP/1.1 501")
                .contains("decommission is not supported");
        assertThat(exchange(request("GET", "/v1/ring", ""))).startsWith("HTTP/1.1 400")
                .contains("missing query parameter 'key'");
        assertThat(exchange(request("GET", "/metrics", ""))).startsWith("HTTP/1.1 200").contains("ringdb_up 1");
    }

    private static String browser(String method, String path, String headers, String body) {
        return method + " " + path + " HTTP/1.1\r\n" + headers + "Content-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    @Test
    void aCrossSiteFormPostIsRefusedAndChangesNothing() {
        for (String type : new String[]{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                        "text/plain;charset=UTF-8"}) {
            String answer = exchange(browser("POST", "/v1/kv/victim", "Host: 127.0.0.1:8080\r\nContent-Type: "
                    + type + "\r\n", "evil"));
            assertThat(answer).startsWith("HTTP/1.1 403").contains("may be a form of another web site")
                    .contains("X-Ringdb-Request: 1");
        }
        assertThat(exchange(browser("POST", "/v1/admin/decommission", "Host: 127.0.0.1:8080\r\n", "")))
                .startsWith("HTTP/1.1 403").contains("a POST without a content type");
        assertThat(backend.values).as("nothing was written").doesNotContainKey("victim");
        assertThat(observed).containsOnly("post:forbidden", "admin:forbidden");
        // the same POST from a program: a non-form content type, or the header
        assertThat(exchange(browser("POST", "/v1/kv/mine", "Host: 127.0.0.1:8080\r\n"
                + "Content-Type: application/octet-stream\r\n", "v"))).startsWith("HTTP/1.1 200");
        assertThat(exchange(browser("POST", "/v1/kv/mine2", "Host: 127.0.0.1:8080\r\n"
                + "Content-Type: text/plain\r\nX-Ringdb-Request: 1\r\n", "v"))).startsWith("HTTP/1.1 200");
        assertThat(backend.values).containsKeys("mine", "mine2");
    }

    @Test
    void aForeignOriginIsRefusedAndTheNodesOwnIsNot() {
        String foreign = exchange(browser("PUT", "/v1/kv/k", "Host: 127.0.0.1:8080\r\n"
                + "Origin: https://evil.example\r\nContent-Type: application/octet-stream\r\n", "v"));
        assertThat(foreign).startsWith("HTTP/1.1 403").contains("cross-origin request refused: Origin "
                + "'https://evil.example' is not this node (Host '127.0.0.1:8080')");
        assertThat(exchange(browser("DELETE", "/v1/kv/k", "Host: 127.0.0.1:8080\r\nOrigin: null\r\n", "")))
                .startsWith("HTTP/1.1 403");
        assertThat(backend.values).doesNotContainKey("k");
        assertThat(exchange(browser("PUT", "/v1/kv/k", "Host: 127.0.0.1:8080\r\n"
                + "Origin: http://127.0.0.1:8080\r\nContent-Type: application/octet-stream\r\n", "v")))
                .startsWith("HTTP/1.1 200");
        assertThat(exchange(browser("GET", "/v1/kv/k", "Host: 127.0.0.1:8080\r\nOrigin: https://evil.example\r\n",
                ""))).as("reads are not state changes (the browser keeps their answers from other sites)")
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void aHostHeaderThatIsNotANameOfTheNodeIsRefused() {
        assertThat(exchange(browser("GET", "/v1/cluster", "Host: rebind.evil.example:8080\r\n", "")))
                .startsWith("HTTP/1.1 403").contains("Host 'rebind.evil.example:8080' is not a name of this node")
                .contains("http_allowed_hosts");
        assertThat(exchange(browser("GET", "/v1/cluster", "Host: localhost:8080\r\n", ""))).startsWith("HTTP/1.1 200");
        assertThat(exchange(browser("GET", "/v1/cluster", "Host: [::1]:8080\r\n", ""))).startsWith("HTTP/1.1 200");
        channel.finishAndReleaseAll();
        channel = new EmbeddedChannel(new HttpServerCodec(4096, 4096, 4096), new ValueSizeAggregator(VALUE_LIMIT),
                new HttpApiHandler(backend, (op, outcome, nanos) -> { }, path -> false, new AtomicInteger(),
                        RequestBytesBudget.unlimited(), CrossSiteGuard.allowing(List.of("db.example"))));
        assertThat(exchange(browser("GET", "/v1/cluster", "Host: DB.example:8080\r\n", "")))
                .as("a configured name").startsWith("HTTP/1.1 200");
        assertThat(exchange(browser("GET", "/v1/cluster", "Host: other.example\r\n", ""))).startsWith("HTTP/1.1 403");
    }
}
