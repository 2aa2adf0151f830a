package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.server.Nodes;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;

/** One real node in this JVM on free loopback ports: serves, shuts down gracefully, recovers from disk. */
@Timeout(60)
class ServerNodeTest {
    @TempDir
    Path dir;

    private ServerConfig config(int internode, int http) {
        return ServerConfig.load(null, Map.of("internode_port", Integer.toString(internode),
                "http_port", Integer.toString(http), "data_directory", dir.toString(), "replication_factor", "1",
                "gossip_interval_ms", "100", "native_transport_port", "0"));
    }

    @Test
    void servesShutsDownGracefullyAndRecoversEveryAcknowledgedWriteFromDisk() throws Exception {
        ServerConfig config = config(FreePorts.loopback(), FreePorts.loopback());
        String http = config.httpAddress().toString();
        try (ServerNode node = Nodes.start(config);
             RingClient client = new RingClient(List.of(http), RingClient.Options.defaults())) {
            assertThat(node.httpAddress().getPort()).as("serves on the configured port")
                    .isEqualTo(config.httpAddress().port());
            for (int i = 0; i < 200; i++) {
                client.put(("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8), "ALL");
            }
            client.delete("key-7".getBytes(StandardCharsets.UTF_8), "ONE");
            JsonNode cluster = client.cluster();
            assertThat(cluster.path("members")).hasSize(1);
            assertThat(cluster.path("members").get(0).path("state").asText()).isEqualTo("NORMAL");
            assertThat(cluster.path("members").get(0).path("http").asText()).isEqualTo(http);
            String metrics = metrics(client, http);
            assertThat(metrics).contains("ringdb_client_requests_total{operation=\"put\",outcome=\"ok\"} 200.0")
                    .contains("ringdb_client_request_latency_seconds{operation=\"put\",quantile=\"0.99\"}")
                    .contains("ringdb_storage_memtable_bytes").contains("ringdb_storage_partition_cache_hits ")
                    .contains("ringdb_hints_pending 0")
                    .contains("ringdb_internode_dropped_messages{cause=\"send_queue_full\"}")
                    .contains("ringdb_client_connections ").contains("ringdb_client_refused_connections 0")
                    .contains("ringdb_client_request_bytes_in_flight ")
                    .contains("ringdb_client_pending_outbound_bytes_max ");
            assertThat(metrics.lines().filter(line -> line.startsWith("ringdb_storage_partition_cache_capacity_bytes "))
                    .map(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).toList())
                    .as("auto: an eighth of the heap").containsExactly((double) (Runtime.getRuntime().maxMemory() / 8));
        }
        try (ServerNode node = Nodes.start(config);
             RingClient client = new RingClient(List.of(http), RingClient.Options.defaults())) {
            assertThat(node.httpAddress().getPort()).as("serves on the configured port")
                    .isEqualTo(config.httpAddress().port());
            for (int i = 0; i < 200; i++) {
                var value = client.get(("key-" + i).getBytes(StandardCharsets.UTF_8), "ONE");
                if (i == 7) {
                    assertThat(value).as("the delete survived the restart").isEmpty();
                } else {
                    assertThat(value).as("key-" + i).isPresent();
                    assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i);
                }
            }
        }
    }

    private static String metrics(RingClient client, String http) {
        try {
            return new String(new URL("http://" + http + "/metrics").openStream().readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RingClientException(0, "io", e.getMessage(), e);
        }
    }

    /** One raw HTTP/1.1 exchange on a fresh socket; returns the whole answer. */
    private static String raw(ServerConfig config, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(config.httpAddress().host(), config.httpAddress().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String formPost(ServerConfig config, String path, String type, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + config.httpAddress() + "\r\nContent-Type: " + type
                + "\r\nOrigin: http://" + config.httpAddress() + "\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    void crossSiteFormPostsToTheApiAndTheDashboardAreRefusedAndChangeNothing() throws Exception {
        ServerConfig config = config(FreePorts.loopback(), FreePorts.loopback());
        ServerNode node = Nodes.start(config);
        try {
            String put = "{\"action\":\"put\",\"params\":{\"key\":\"victim\",\"value\":\"x\",\"cl\":\"ONE\"}}";
            assertThat(raw(config, formPost(config, "/api/dashboard/action", "text/plain", put)))
                    .startsWith("HTTP/1.1 403").contains("may be a form of another web site");
            assertThat(raw(config, formPost(config, "/v1/kv/victim", "application/x-www-form-urlencoded", "a=b")))
                    .startsWith("HTTP/1.1 403");
            assertThat(raw(config, "PUT /v1/kv/victim HTTP/1.1\r\nHost: " + config.httpAddress()
                    + "\r\nOrigin: https://evil.example\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"))
                    .startsWith("HTTP/1.1 403").contains("cross-origin request refused");
            assertThat(raw(config, "GET /v1/cluster HTTP/1.1\r\nHost: rebound.evil.example:"
                    + config.httpAddress().port() + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403");
            assertThat(raw(config, "GET /v1/kv/victim HTTP/1.1\r\nHost: " + config.httpAddress()
                    + "\r\nConnection: close\r\n\r\n")).as("nothing was written").startsWith("HTTP/1.1 404");
            try (RingClient client = new RingClient(List.of(config.httpAddress().toString()),
                    RingClient.Options.defaults())) {
                assertThat(client.post(config.httpAddress().toString(), "/v1/admin/flush").toString())
                        .as("the client's admin POST passes").contains("job");
            }
        } finally {
            node.close();
        }
    }

    @Test
    void theDashboardShowsThisNodesViewAndActsThroughIt() throws Exception {
        ServerConfig config = config(FreePorts.loopback(), FreePorts.loopback());
        String http = "http://" + config.httpAddress();
        try (ServerNode node = Nodes.start(config)) {
            assertThat(node.httpAddress().getPort()).as("serves on the configured port")
                    .isEqualTo(config.httpAddress().port());
            HttpClient client = HttpClient.newHttpClient();
            String page = client.send(HttpRequest.newBuilder(URI.create(http + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).containsIgnoringCase("<html");
            String put = client.send(HttpRequest.newBuilder(URI.create(http + "/api/dashboard/action"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"put\","
                            + "\"params\":{\"key\":\"shown\",\"value\":\"on the page\",\"cl\":\"ONE\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(put).contains("\"ok\":true");
            JsonNode lookup = new ObjectMapper().readTree(client.send(
                    HttpRequest.newBuilder(URI.create(http + "/api/dashboard/lookup?key=shown")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(lookup.path("replicas").get(0).path("value").asText()).isEqualTo("on the page");
            JsonNode state = new ObjectMapper().readTree(client.send(
                    HttpRequest.newBuilder(URI.create(http + "/api/dashboard/state")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(state.path("kind").asText()).isEqualTo("real");
            assertThat(state.path("nodes").get(0).path("id").asText()).isEqualTo(config.nodeId().id());
            String fail = client.send(HttpRequest.newBuilder(URI.create(http + "/api/dashboard/action"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"fail\",\"params\":{\"node\":\"x\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(fail).contains("only in the simulator");
        }
    }

    @Test
    void aClientTimestampFarAheadOfTheClockIsABadRequest() throws Exception {
        ServerConfig config = config(FreePorts.loopback(), FreePorts.loopback());
        String http = "http://" + config.httpAddress();
        ServerNode node = Nodes.start(config);
        try {
            HttpClient client = HttpClient.newHttpClient();
            long farAhead = System.currentTimeMillis() * 1000 + 2 * 86_400_000_000L;
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(
                    URI.create(http + "/v1/kv/k?cl=ONE&timestamp=" + farAhead))
                    .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("max_client_timestamp_ahead_ms");
            HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(
                    URI.create(http + "/v1/kv/k?cl=ONE&timestamp=" + System.currentTimeMillis() * 1000))
                    .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 299);
        } finally {
            node.close();
        }
    }

    @Test
    void aTakenPortIsAClearStartError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerConfig config = config(taken.getLocalPort(), FreePorts.loopback());
            assertThatThrownBy(() -> Nodes.start(config))
                    .hasMessageContaining(
                            "cannot listen for internode connections on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
