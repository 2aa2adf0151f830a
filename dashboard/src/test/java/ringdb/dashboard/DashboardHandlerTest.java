package ringdb.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardHandlerTest {
    private final FixedSource source = new FixedSource();
    private final DashboardHandler handler = new DashboardHandler(source);
    private final EmbeddedChannel channel = new EmbeddedChannel(handler.channelHandler());
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        handler.close();
    }

    private FullHttpResponse get(String uri) {
        return send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
    }

    private FullHttpResponse post(String uri, String body) {
        return send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)));
    }

    private FullHttpResponse send(FullHttpRequest request) {
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        assertThat(response).as("response to " + request.uri()).isNotNull();
        return response;
    }

    private String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void servesThePageAndItsModulesFromTheJar() {
        FullHttpResponse page = get("/");
        assertThat(page.status().code()).isEqualTo(200);
        assertThat(page.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/html");
        assertThat(body(page)).contains("<svg id=\"ring\"", "/assets/app.js");
        for (String module : new String[] {"app.js", "ring.js", "charts.js", "panels.js", "spacetime.js", "dom.js"}) {
            FullHttpResponse asset = get("/assets/" + module);
            assertThat(asset.status().code()).as(module).isEqualTo(200);
            assertThat(asset.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/javascript");
            asset.release();
        }
    }

    @Test
    void refusesAssetNamesThatCouldReachOtherResources() {
        for (String uri : new String[] {"/assets/../DashboardHandler.class", "/assets/%2e%2e/x.js",
                "/assets/missing.js", "/assets/Style.CSS"}) {
            FullHttpResponse response = get(uri);
            assertThat(response.status().code()).as(uri).isEqualTo(404);
            response.release();
        }
    }

    @Test
    void stateIsTheSnapshotAsJson() throws Exception {
        JsonNode state = json.readTree(body(get("/api/dashboard/state")));
        assertThat(state.get("seed").asLong()).isEqualTo(42);
        assertThat(state.get("nodes")).hasSize(2);
        assertThat(state.get("tokens").get(0).get("token").asText()).isEqualTo("-5");
        assertThat(state.get("network").get("droppedByCause").get("DROPPED_RANDOM").asLong()).isEqualTo(2);
    }

    @Test
    void lookupAnswersAndBadKeysGetAClearError() throws Exception {
        JsonNode found = json.readTree(body(get("/api/dashboard/lookup?key=user%3A1")));
        assertThat(found.get("key").asText()).isEqualTo("user:1");
        FullHttpResponse empty = get("/api/dashboard/lookup?key=");
        assertThat(empty.status().code()).isEqualTo(400);
        assertThat(body(empty)).contains("key must not be empty");
    }

    @Test
    void actionsArePassedOnWithTheirParameters() throws Exception {
        JsonNode result = json.readTree(body(post("/api/dashboard/action",
                "{\"action\":\"put\",\"params\":{\"key\":\"k\",\"value\":\"v\",\"cl\":\"QUORUM\"}}")));
        assertThat(result.get("ok").asBoolean()).isTrue();
        assertThat(source.actionsSeen).containsExactly("put{key=k, value=v, cl=QUORUM}");
    }

    @Test
    void malformedActionsGetAMessageThatSaysWhatIsWrong() {
        FullHttpResponse notJson = post("/api/dashboard/action", "{oops");
        assertThat(notJson.status().code()).isEqualTo(400);
        assertThat(body(notJson)).contains("not JSON");
        FullHttpResponse noName = post("/api/dashboard/action", "{\"params\":{}}");
        assertThat(body(noName)).contains("\\\"action\\\"");
        FullHttpResponse unknown = post("/api/dashboard/action", "{\"action\":\"explode\"}");
        assertThat(unknown.status().code()).isEqualTo(400);
        assertThat(body(unknown)).contains("unknown action 'explode'");
        FullHttpResponse wrongMethod = get("/api/dashboard/action");
        assertThat(wrongMethod.status().code()).isEqualTo(400);
        assertThat(body(wrongMethod)).contains("use POST");
    }

    @Test
    void passesOnRequestsThatAreNotTheDashboards() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/kv/abc");
        channel.writeInbound(request);
        FullHttpRequest passedOn = channel.readInbound();
        assertThat(passedOn).isSameAs(request);
        Object nothingWritten = channel.readOutbound();
        assertThat(nothingWritten).isNull();
        passedOn.release();
    }

    @Test
    void aStreamIsNotCutByTheServersReadTimeout() {
        EmbeddedChannel mounted = new EmbeddedChannel(
                new ReadTimeoutHandler(5), handler.channelHandler());
        mounted.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/dashboard/stream"));
        assertThat(mounted.pipeline().get(ReadTimeoutHandler.class)).isNull();
        mounted.finishAndReleaseAll();
    }

    @Test
    void streamSendsTheStateAtOnceAndThenOnlyWhenItChanges() {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/dashboard/stream"));
        HttpResponse head = channel.readOutbound();
        assertThat(head.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/event-stream");
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
        HttpContent first = channel.readOutbound();
        String event = first.content().toString(StandardCharsets.UTF_8);
        first.release();
        assertThat(event).startsWith("event: state\ndata: {").endsWith("}\n\n").contains("\"version\":1");
        channel.advanceTimeBy(DashboardHandler.STREAM_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        Object unchanged = channel.readOutbound();
        assertThat(unchanged).as("no event while the state is unchanged").isNull();
        source.state = FixedSource.state(2);
        channel.advanceTimeBy(DashboardHandler.STREAM_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        HttpContent second = channel.readOutbound();
        assertThat(second.content().toString(StandardCharsets.UTF_8)).contains("\"version\":2");
        second.release();
    }
}
