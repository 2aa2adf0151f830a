package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.server.Nodes;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;

/**
 * The native protocol's SCAN on real nodes (loopback, free ports): every live row once in token order,
 * page after page of whole partitions, the same rows as the HTTP scan; from a partition's token or a
 * token; selected columns; three nodes at QUORUM; malformed requests answered 400 naming what is wrong.
 */
@Timeout(120)
class NativeScanTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    private ServerConfig config(String name, int internode, int seedPort, int rf) throws IOException {
        return ServerConfig.load(null, Map.of("internode_port", Integer.toString(internode),
                "http_port", Integer.toString(FreePorts.loopback()), "data_directory", dir.resolve(name).toString(),
                "replication_factor", Integer.toString(rf), "gossip_interval_ms", "100", "ring_delay_ms", "300",
                "seeds", "127.0.0.1:" + seedPort, "native_transport_port", "0"));
    }

    private static String host(ServerNode node) {
        return node.httpAddress().getHostString() + ":" + node.httpAddress().getPort();
    }

    private static RingClient client(ServerNode... nodes) {
        List<String> hosts = new ArrayList<>();
        for (ServerNode node : nodes) {
            hosts.add(host(node));
        }
        return new RingClient(hosts, RingClient.Options.defaults());
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void createSchema(RingClient client, int rf) throws IOException {
        client.postJson("/v1/schema/keyspaces", JSON.readTree("{\"name\":\"app\",\"replication_factor\":" + rf
                + "}"), null, false);
        client.postJson("/v1/schema/keyspaces/app/tables", JSON.readTree("{\"name\":\"events\","
                + "\"partition_key\":[{\"name\":\"user\",\"type\":\"text\"}],"
                + "\"clustering\":[{\"name\":\"at\",\"type\":\"int\",\"order\":\"DESC\"}],"
                + "\"static\":[{\"name\":\"home\",\"type\":\"text\"}],"
                + "\"columns\":[{\"name\":\"body\",\"type\":\"text\"}]}"), null, false);
    }

    private static void write(RingClient client, String user, Integer at, String column, String value, String cl)
            throws IOException {
        if (at == null) { // a static value alone: ROW_WRITE names a whole row, HTTP a partition's statics
            client.postJson("/v1/rows/app/events", JSON.readTree("{\"cl\":\"" + cl + "\",\"rows\":[{\"user\":\""
                    + user + "\",\"" + column + "\":\"" + value + "\"}]}"), null, false);
            return;
        }
        Map<String, byte[]> columns = new LinkedHashMap<>();
        columns.put(column, text(value));
        client.writeRow("app", "events", List.of(text(user)), List.of(int32(at)), columns, true, cl);
    }

    private static byte[] int32(int v) {
        return java.nio.ByteBuffer.allocate(4).putInt(v).array();
    }

    /** A page's rows as "user/at[@home][=body]" (at 0: a partition with its static value only). */
    private static List<String> rows(RingClient.ScanPage page) {
        List<String> out = new ArrayList<>();
        for (List<byte[]> row : page.rows()) {
            Map<String, byte[]> named = new HashMap<>();
            for (int i = 0; i < page.columns().size(); i++) {
                named.put(page.columns().get(i), row.get(i));
            }
            byte[] at = named.get("at");
            out.add(text(named.get("user")) + "/" + (at == null ? 0 : java.nio.ByteBuffer.wrap(at).getInt())
                    + (named.get("home") != null ? "@" + text(named.get("home")) : "")
                    + (named.get("body") != null ? "=" + text(named.get("body")) : ""));
        }
        return out;
    }

    private static List<List<String>> pages(RingClient client, RingClient.ScanStart start, int limit, String cl) {
        List<List<String>> pages = new ArrayList<>();
        RingClient.ScanStart next = start;
        while (pages.size() < 200) {
            RingClient.ScanPage page = client.scan("app", "events", next, limit, List.of(), cl);
            pages.add(rows(page));
            if (page.paging() == null) {
                return pages;
            }
            next = RingClient.ScanStart.after(page.paging());
        }
        throw new AssertionError("the scan did not end within 200 pages");
    }

    /** The HTTP scan's rows from the ring's start, in the form of {@link #rows}. */
    private static List<String> httpScan(RingClient client) throws IOException {
        JsonNode answer = client.postJson("/v1/rows/app/events/scan", JSON.readTree("{\"limit\":10000}"), null,
                true);
        List<String> out = new ArrayList<>();
        answer.path("rows").forEach(r -> out.add(r.path("user").asText() + "/" + r.path("at").asInt()
                + (r.has("home") ? "@" + r.path("home").asText() : "")
                + (r.has("body") ? "=" + r.path("body").asText() : "")));
        return out;
    }

    @Test
    void aScanGivesEveryLiveRowOnceInTokenOrderWholePartitionsPageAfterPage() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = Nodes.start(config("one", port, port, 1)); RingClient client = client(node)) {
            createSchema(client, 1);
            List<String> users = new ArrayList<>();
            for (int u = 0; u < 30; u++) {
                String user = String.format("u%02d", u);
                users.add(user);
                write(client, user, 1, "body", "b" + u, "ONE");
                write(client, user, 2, "body", "c" + u, "ONE");
                if (u % 4 == 0) {
                    write(client, user, null, "home", "h" + u, "ONE");
                }
            }
            client.postJson("/v1/rows/app/events/delete", JSON.readTree("{\"partition\":{\"user\":\"u05\"}}"), null,
                    false);
            client.postJson("/v1/rows/app/events/delete", JSON.readTree("{\"partition\":{\"user\":\"u07\"},"
                    + "\"row\":{\"at\":2}}"), null, false);
            write(client, "solo", null, "home", "s", "ONE");
            users.remove("u05");
            users.add("solo");
            Map<String, Long> tokens = new HashMap<>();
            for (String user : users) {
                tokens.put(user, client.ring(text(user)).path("token").asLong());
            }
            users.sort(Comparator.comparing(tokens::get));
            List<String> expected = new ArrayList<>();
            for (String user : users) {
                int u = user.equals("solo") ? -1 : Integer.parseInt(user.substring(1));
                String home = u < 0 ? "@s" : u % 4 == 0 ? "@h" + u : "";
                if (u < 0) {
                    expected.add("solo/0" + home);
                    continue;
                }
                if (u != 7) {
                    expected.add(user + "/2" + home + "=c" + u); // DESC clustering: at 2 first
                }
                expected.add(user + "/1" + home + "=b" + u);
            }
            List<List<String>> pages = pages(client, RingClient.ScanStart.ringStart(), 3, "ONE");
            assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(expected);
            assertThat(httpScan(client)).as("the HTTP scan reads the same rows").isEqualTo(expected);
            for (int i = 0; i < pages.size() - 1; i++) { // a page holds its limit, and ends at a partition's end
                assertThat(pages.get(i).size()).as("page " + i + ": " + pages.get(i)).isBetween(3, 4);
                String last = pages.get(i).get(pages.get(i).size() - 1).split("/")[0];
                assertThat(pages.get(i + 1)).as("page " + (i + 1)).noneMatch(r -> r.startsWith(last + "/"));
            }
            String tenth = users.get(10);
            List<String> fromTenth = expected.subList(expected.indexOf(expected.stream()
                    .filter(r -> r.startsWith(tenth + "/")).findFirst().orElseThrow()), expected.size());
            assertThat(pages(client, RingClient.ScanStart.partition(List.of(text(tenth))), 5, "ONE").stream()
                    .flatMap(List::stream).toList()).isEqualTo(fromTenth);
            assertThat(pages(client, RingClient.ScanStart.token(tokens.get(tenth)), 1000, "ONE").get(0))
                    .isEqualTo(fromTenth);
            RingClient.ScanPage some = client.scan("app", "events", RingClient.ScanStart.ringStart(), 1,
                    List.of("home"), "ONE");
            assertThat(some.columns()).containsExactly("user", "at", "home");
            refusals(client);
        }
    }

    private static void refusals(RingClient client) {
        assertThatThrownBy(() -> client.scan("app", "events", RingClient.ScanStart.ringStart(), 1, List.of("nope"),
                "ONE")).isInstanceOf(RingClientException.class).hasMessageContaining("no column 'nope'");
        assertThatThrownBy(() -> client.scan("app", "events", RingClient.ScanStart.ringStart(), 0, List.of(), "ONE"))
                .isInstanceOf(RingClientException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> client.scan("app", "nope", RingClient.ScanStart.ringStart(), 1, List.of(), "ONE"))
                .isInstanceOf(RingClientException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> client.scan("app", "events", RingClient.ScanStart.after(new byte[] {0}), 1,
                List.of(), "ONE")).isInstanceOf(RingClientException.class).hasMessageContaining("paging state");
        assertThatThrownBy(() -> client.scan("app", "events", RingClient.ScanStart.partition(List.of(text("a"),
                text("b"))), 1, List.of(), "ONE")).isInstanceOf(RingClientException.class)
                .hasMessageContaining("partition key");
        assertThatThrownBy(() -> client.scan("app", "events", new RingClient.ScanStart(9, null, 0, null), 1,
                List.of(), "ONE")).isInstanceOf(RingClientException.class).hasMessageContaining("start kind 9");
    }

    @Test
    void threeNodesScanAtQuorumThroughAnyNode() throws Exception {
        int seed = FreePorts.loopback();
        try (ServerNode a = Nodes.start(config("a", seed, seed, 3));
             ServerNode b = Nodes.start(config("b", FreePorts.loopback(), seed, 3));
             ServerNode c = Nodes.start(config("c", FreePorts.loopback(), seed, 3))) {
            await("three members in every ring", () -> List.of(a, b, c).stream().allMatch(n ->
                    n.nodeThread().call(() -> n.node().ring().members().size()).join() == 3));
            try (RingClient anyNode = client(a, b, c)) {
                createSchema(anyNode, 3); // each statement may reach another node: each waits for agreement
            }
            // a schema change returns once every live node holds it
            assertThat(List.of(a, b, c)).allMatch(n ->
                    n.nodeThread().call(() -> n.node().schema().table("app", "events") != null).join());
            try (RingClient viaB = client(b); RingClient viaC = client(c)) {
                for (int u = 0; u < 12; u++) {
                    write(viaB, "q" + u, 1, "body", "v" + u, "QUORUM");
                }
                List<String> all = pages(viaC, RingClient.ScanStart.ringStart(), 4, "QUORUM").stream()
                        .flatMap(List::stream).toList();
                assertThat(all).hasSize(12).doesNotHaveDuplicates();
                assertThat(all).allMatch(r -> r.matches("q(\\d+)/1=v\\1"));
                List<Long> tokens = new ArrayList<>();
                for (String row : all) {
                    tokens.add(viaC.ring(text(row.split("/")[0])).path("token").asLong());
                }
                assertThat(tokens).isSorted();
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval, not synchronisation
        }
    }
}
