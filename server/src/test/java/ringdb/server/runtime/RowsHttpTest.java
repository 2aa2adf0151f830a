package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.Nodes;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;

/**
 * The HTTP row API on real nodes (loopback, free ports): schema statements, row writes, reads of a
 * partition, a row and slices with paging, deletes of a column, a row, a range and a partition, the
 * 400s that say what is wrong, a restart that keeps schema and rows, and three nodes writing and
 * reading rows at QUORUM through different nodes; scans of a table over the ring.
 */
@Timeout(120)
class RowsHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    private record Answer(int status, JsonNode body) {
    }

    private ServerConfig config(String name, int internode, int seedPort, int rf) throws IOException {
        return ServerConfig.load(null, Map.of("internode_port", Integer.toString(internode),
                "http_port", Integer.toString(FreePorts.loopback()), "data_directory", dir.resolve(name).toString(),
                "replication_factor", Integer.toString(rf), "gossip_interval_ms", "100", "ring_delay_ms", "300",
                "seeds", "127.0.0.1:" + seedPort, "native_transport_port", "0"));
    }

    private Answer call(ServerNode node, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + node.httpAddress().getHostString()
                + ":" + node.httpAddress().getPort() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static final String TABLE = "{\"name\":\"events\","
            + "\"partition_key\":[{\"name\":\"user\",\"type\":\"text\"}],"
            + "\"clustering\":[{\"name\":\"at\",\"type\":\"int\",\"order\":\"DESC\"}],"
            + "\"static\":[{\"name\":\"home\",\"type\":\"text\"}],"
            + "\"columns\":[{\"name\":\"body\",\"type\":\"text\"},{\"name\":\"n\",\"type\":\"bigint\"}]}";

    private void createSchema(ServerNode node, int rf) throws Exception {
        Answer ks = call(node, "POST", "/v1/schema/keyspaces", "{\"name\":\"app\",\"replication_factor\":" + rf + "}");
        assertThat(ks.status()).as(ks.body().toString()).isEqualTo(201);
        Answer table = call(node, "POST", "/v1/schema/keyspaces/app/tables", TABLE);
        assertThat(table.status()).as(table.body().toString()).isEqualTo(201);
    }

    private static List<Integer> ats(Answer read) {
        List<Integer> out = new ArrayList<>();
        read.body().path("rows").forEach(row -> out.add(row.path("at").asInt()));
        return out;
    }

    @Test
    void rowsAreWrittenReadSlicedPagedAndDeletedAndSurviveARestart() throws Exception {
        int port = FreePorts.loopback();
        ServerConfig config = config("one", port, port, 1);
        try (ServerNode node = Nodes.start(config)) {
            createSchema(node, 1);
            assertThat(call(node, "POST", "/v1/schema/keyspaces/app/tables", TABLE).status()).isEqualTo(409);
            Answer described = call(node, "GET", "/v1/schema/keyspaces/app/tables/events", null);
            assertThat(described.body().path("clustering").get(0).path("order").asText()).isEqualTo("DESC");
            StringBuilder rows = new StringBuilder("{\"rows\":[");
            for (int at = 1; at <= 5; at++) {
                rows.append(at > 1 ? "," : "").append("{\"user\":\"ann\",\"at\":").append(at)
                        .append(",\"body\":\"e").append(at).append("\",\"n\":").append(at * 10).append('}');
            }
            rows.append(",{\"user\":\"ann\",\"home\":\"paris\"}]}");
            Answer written = call(node, "POST", "/v1/rows/app/events", rows.toString());
            assertThat(written.status()).as(written.body().toString()).isEqualTo(200);

            Answer partition = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"}}");
            assertThat(ats(partition)).as(partition.body().toString()).containsExactly(5, 4, 3, 2, 1);
            assertThat(partition.body().path("static").path("home").asText()).isEqualTo("paris");
            assertThat(partition.body().path("rows").get(0).path("n").asLong()).isEqualTo(50);

            Answer one = call(node, "POST", "/v1/rows/app/events/query",
                    "{\"partition\":{\"user\":\"ann\"},\"row\":{\"at\":3}}");
            assertThat(ats(one)).containsExactly(3);
            // in clustering order (DESC) from 4 down to 2, the end excluded, oldest first
            Answer slice = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"},"
                    + "\"from\":{\"at\":4},\"to\":{\"at\":2},\"to_inclusive\":false,\"reversed\":true}");
            assertThat(ats(slice)).containsExactly(3, 4);
            Answer page = call(node, "POST", "/v1/rows/app/events/query",
                    "{\"partition\":{\"user\":\"ann\"},\"limit\":2}");
            assertThat(ats(page)).containsExactly(5, 4);
            Answer next = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"},"
                    + "\"limit\":2,\"paging\":\"" + page.body().path("paging").asText() + "\"}");
            assertThat(ats(next)).containsExactly(3, 2);

            assertThat(call(node, "POST", "/v1/rows/app/events/delete", "{\"partition\":{\"user\":\"ann\"},"
                    + "\"row\":{\"at\":5},\"columns\":[\"body\"]}").status()).isEqualTo(200);
            assertThat(call(node, "POST", "/v1/rows/app/events/delete", "{\"partition\":{\"user\":\"ann\"},"
                    + "\"row\":{\"at\":4}}").status()).isEqualTo(200);
            assertThat(call(node, "POST", "/v1/rows/app/events/delete", "{\"partition\":{\"user\":\"ann\"},"
                    + "\"from\":{\"at\":2},\"to\":{\"at\":1}}").status()).isEqualTo(200);
            Answer after = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"}}");
            assertThat(ats(after)).as(after.body().toString()).containsExactly(5, 3);
            assertThat(after.body().path("rows").get(0).has("body")).isFalse();

            Answer unknownTable = call(node, "POST", "/v1/rows/app/nope", "{\"rows\":[]}");
            assertThat(unknownTable.status()).isEqualTo(400);
            assertThat(unknownTable.body().path("message").asText()).isEqualTo("keyspace app has no table nope");
            Answer unknownColumn = call(node, "POST", "/v1/rows/app/events",
                    "{\"rows\":[{\"user\":\"ann\",\"at\":1,\"colour\":\"red\"}]}");
            assertThat(unknownColumn.status()).isEqualTo(400);
            assertThat(unknownColumn.body().path("message").asText()).contains("no column 'colour'");
            Answer badType = call(node, "POST", "/v1/rows/app/events",
                    "{\"rows\":[{\"user\":\"ann\",\"at\":\"soon\",\"body\":\"x\"}]}");
            assertThat(badType.status()).isEqualTo(400);
            assertThat(badType.body().path("message").asText()).contains("'at'").contains("int");
        }
        try (ServerNode node = Nodes.start(config)) {
            Answer after = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"}}");
            assertThat(after.status()).as(after.body().toString()).isEqualTo(200);
            assertThat(ats(after)).containsExactly(5, 3);
            assertThat(call(node, "POST", "/v1/rows/app/events/delete", "{\"partition\":{\"user\":\"ann\"}}")
                    .status()).isEqualTo(200);
            assertThat(ats(call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"}}")))
                    .isEmpty();
            assertThat(call(node, "DELETE", "/v1/schema/keyspaces/app/tables/events", null).status()).isEqualTo(201);
            assertThat(call(node, "GET", "/v1/schema/keyspaces/app/tables/events", null).status()).isEqualTo(404);
        }
    }

    private static final String THINGS = "{\"name\":\"things\","
            + "\"partition_key\":[{\"name\":\"id\",\"type\":\"text\"}],"
            + "\"clustering\":[{\"name\":\"k\",\"type\":\"int\"}],"
            + "\"static\":[{\"name\":\"owner\",\"type\":\"text\"},{\"name\":\"labels\",\"type\":\"set<text>\"}],"
            + "\"columns\":[{\"name\":\"body\",\"type\":\"text\"},{\"name\":\"tags\",\"type\":\"set<text>\"},"
            + "{\"name\":\"items\",\"type\":\"list<int>\"},{\"name\":\"prefs\",\"type\":\"map<text, int>\"},"
            + "{\"name\":\"frozen_tags\",\"type\":\"frozen<set<text>>\"}]}";

    private Answer query(ServerNode node, String body) throws Exception {
        Answer answer = call(node, "POST", "/v1/rows/app/things/query", body);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return answer;
    }

    private void write(ServerNode node, String body) throws Exception {
        write(node, "/v1/rows/app/things", body);
    }

    private void write(ServerNode node, String path, String body) throws Exception {
        Answer answer = call(node, "POST", path, body);
        assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(200);
    }

    private String refused(ServerNode node, String path, String body) throws Exception {
        Answer answer = call(node, "POST", path, body);
        assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(400);
        return answer.body().path("message").asText();
    }

    private JsonNode row(ServerNode node, int k) throws Exception {
        Answer read = query(node, "{\"partition\":{\"id\":\"p\"},\"row\":{\"k\":" + k + "},\"metadata\":true}");
        return read.body().path("rows").isEmpty() ? null : read.body().path("rows").get(0);
    }

    @Test
    void collectionsStaticColumnsTtlsAndTimestampsGoThroughTheRowModel() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = Nodes.start(config("things", port, port, 1))) {
            createSchema(node, 1);
            assertThat(call(node, "POST", "/v1/schema/keyspaces/app/tables", THINGS).status()).isEqualTo(201);
            write(node, "{\"rows\":[{\"id\":\"p\",\"k\":1,\"body\":\"hi\",\"tags\":[\"b\",\"a\"],"
                    + "\"items\":[3,1],\"prefs\":{\"x\":1},\"frozen_tags\":[\"z\",\"y\"],"
                    + "\"owner\":\"ann\",\"labels\":[\"l1\"]}]}");
            Answer whole = query(node, "{\"partition\":{\"id\":\"p\"}}");
            JsonNode one = whole.body().path("rows").get(0);
            assertThat(one.path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
            assertThat(one.path("items").toString()).isEqualTo("[3,1]");
            assertThat(one.path("prefs").toString()).isEqualTo("{\"x\":1}");
            assertThat(one.path("frozen_tags").toString()).isEqualTo("[\"y\",\"z\"]");
            assertThat(whole.body().path("static").toString()).isEqualTo("{\"labels\":[\"l1\"],\"owner\":\"ann\"}");

            // element by element: set add/remove, list append/prepend, map put/remove, a static set
            write(node, "{\"update\":true,\"rows\":[{\"id\":\"p\",\"k\":1,\"tags+\":[\"c\"],\"tags-\":[\"a\"],"
                    + "\"items+\":[4],\"+items\":[0],\"prefs+\":{\"y\":2},\"prefs-\":[\"x\"],\"labels+\":[\"l2\"]}]}");
            Answer changed = query(node, "{\"partition\":{\"id\":\"p\"}}");
            one = changed.body().path("rows").get(0);
            assertThat(one.path("tags").toString()).isEqualTo("[\"b\",\"c\"]");
            assertThat(one.path("items").toString()).isEqualTo("[0,3,1,4]");
            assertThat(one.path("prefs").toString()).isEqualTo("{\"y\":2}");
            assertThat(changed.body().path("static").path("labels").toString()).isEqualTo("[\"l1\",\"l2\"]");
            assertListElementsByIndex(node);
            // an overwrite replaces the collection, null deletes it
            write(node, "{\"update\":true,\"rows\":[{\"id\":\"p\",\"k\":1,\"tags\":[\"q\"],\"prefs\":null}]}");
            one = row(node, 1);
            assertThat(one.path("tags").toString()).isEqualTo("[\"q\"]");
            assertThat(one.has("prefs")).isFalse();

            // timestamp and TTL per write, seen in the metadata; an older write loses
            write(node, "{\"timestamp\":5000000,\"ttl\":3600,\"rows\":[{\"id\":\"p\",\"k\":2,\"body\":\"new\"}]}");
            write(node, "{\"timestamp\":4000000,\"rows\":[{\"id\":\"p\",\"k\":2,\"body\":\"old\"}]}");
            Answer two = query(node, "{\"partition\":{\"id\":\"p\"},\"row\":{\"k\":2},\"metadata\":true}");
            assertThat(two.body().path("rows").get(0).path("body").asText()).isEqualTo("new");
            JsonNode meta = two.body().path("metadata").get(0).path("body");
            assertThat(meta.path("timestamp").asLong()).isEqualTo(5_000_000L);
            assertThat(meta.path("ttl").asInt()).isEqualTo(3600);
            write(node, "{\"ttl\":1,\"rows\":[{\"id\":\"p\",\"k\":3,\"body\":\"brief\"}]}");
            // (not read while it lives: on a loaded host a second passes before the read; k=2 shows a TTL'd row lives)
            await("the row written with a TTL of 1 s expires", () -> {
                try {
                    return row(node, 3) == null;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            // column deletes: a regular column of a row, a static column of the partition
            assertThat(call(node, "POST", "/v1/rows/app/things/delete", "{\"partition\":{\"id\":\"p\"},"
                    + "\"row\":{\"k\":1},\"columns\":[\"body\",\"items\"]}").status()).isEqualTo(200);
            assertThat(call(node, "POST", "/v1/rows/app/things/delete", "{\"partition\":{\"id\":\"p\"},"
                    + "\"columns\":[\"owner\"]}").status()).isEqualTo(200);
            Answer deleted = query(node, "{\"partition\":{\"id\":\"p\"}}");
            one = deleted.body().path("rows").get(0);
            assertThat(one.has("body")).isFalse();
            assertThat(one.has("items")).isFalse();
            assertThat(one.path("tags").toString()).isEqualTo("[\"q\"]");
            assertThat(deleted.body().path("static").has("owner")).isFalse();
            assertThat(deleted.body().path("static").path("labels")).hasSize(2);

            // a row of more cells than a read first asks for (about 9 entries a row): read again with more
            StringBuilder fifty = new StringBuilder("{\"rows\":[{\"id\":\"wide\",\"k\":1,\"tags\":[");
            for (int i = 0; i < 50; i++) {
                fifty.append(i == 0 ? "" : ",").append("\"t").append(100 + i).append('"');
            }
            write(node, fifty.append("]},{\"id\":\"wide\",\"k\":2,\"body\":\"two\"}]}").toString());
            Answer wide = query(node, "{\"partition\":{\"id\":\"wide\"},\"limit\":1}");
            assertThat(wide.body().path("rows").get(0).path("tags")).hasSize(50);
            Answer rest = query(node, "{\"partition\":{\"id\":\"wide\"},\"limit\":1,\"paging\":\""
                    + wide.body().path("paging").asText() + "\"}");
            assertThat(ats(rest, "k")).containsExactly(2);

            assertRefusals(node);
            assertThat(row(node, 1).path("tags").toString()).as("nothing refused was written").isEqualTo("[\"q\"]");
        }
    }

    /**
     * List elements set and deleted by index ({@code "items[i]"}), as CQL's {@code l[i] = v} and
     * {@code DELETE l[i]}; an index the list does not have, or a list that is null, refused as Cassandra
     * refuses it, and nothing of a refused request written.
     */
    private void assertListElementsByIndex(ServerNode node) throws Exception {
        assertThat(row(node, 1).path("items").toString()).isEqualTo("[0,3,1,4]");
        write(node, "{\"update\":true,\"rows\":[{\"id\":\"p\",\"k\":1,\"items[1]\":30}]}");
        assertThat(row(node, 1).path("items").toString()).isEqualTo("[0,30,1,4]");
        String deleteFirst = "{\"partition\":{\"id\":\"p\"},\"row\":{\"k\":1},\"columns\":[\"items[0]\"]}";
        assertThat(call(node, "POST", "/v1/rows/app/things/delete", deleteFirst).status()).isEqualTo(200);
        assertThat(row(node, 1).path("items").toString()).isEqualTo("[30,1,4]");
        write(node, "{\"update\":true,\"rows\":[{\"id\":\"p\",\"k\":1,\"items[2]\":null}]}");
        assertThat(row(node, 1).path("items").toString()).isEqualTo("[30,1]");

        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"items[5]\":9}]}"))
                .isEqualTo("List index 5 out of bound, list has size 2");
        assertThat(refused(node, "/v1/rows/app/things/delete", "{\"partition\":{\"id\":\"p\"},\"row\":{\"k\":1},"
                + "\"columns\":[\"items[2]\"]}")).isEqualTo("List index 2 out of bound, list has size 2");
        assertThat(refused(node, "/v1/rows/app/things/delete", "{\"partition\":{\"id\":\"p\"},\"row\":{\"k\":9},"
                + "\"columns\":[\"items[0]\"]}")).isEqualTo("Attempted to delete an element from a list which is null");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":9,\"items[0]\":1}]}"))
                .isEqualTo("Attempted to set an element on a list which is null");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"tags[0]\":\"x\"}]}"))
                .contains("'tags'").contains("set<text>").contains("non-frozen list by its index");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"items[0]\":\"x\"}]}"))
                .contains("'items'").contains("int");
        assertThat(refused(node, "/v1/rows/app/things/delete", "{\"partition\":{\"id\":\"p\"},"
                + "\"columns\":[\"items[0]\"]}")).contains("'row'");
        // the refused index (0 of a two-element list, with a bad value beside it) wrote nothing
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"items[0]\":7,"
                + "\"items[9]\":8}]}")).isEqualTo("List index 9 out of bound, list has size 2");
        assertThat(row(node, 1).path("items").toString()).isEqualTo("[30,1]");
    }

    /** Refusals of bad collections, columns, keys, TTLs, limits and paging states, each naming what is wrong. */
    private void assertRefusals(ServerNode node) throws Exception {
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"items+\":[\"x\"]}]}"))
                .contains("'items'").contains("int");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"body+\":[\"x\"]}]}"))
                .contains("'body'").contains("non-frozen collection");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"items-\":[1]}]}"))
                .contains("'items'").contains("list<int>");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,"
                + "\"frozen_tags+\":[\"x\"]}]}")).contains("'frozen_tags'").contains("frozen<set<text>>");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"k\":1,\"tags\":7}]}"))
                .contains("'tags'").contains("set<text>");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"colour\":1}]}"))
                .contains("no column 'colour'");
        assertThat(refused(node, "/v1/rows/app/things", "{\"rows\":[{\"id\":\"p\",\"body\":\"x\"}]}"))
                .contains("missing clustering column 'k'");
        assertThat(refused(node, "/v1/rows/app/things", "{\"ttl\":-5,\"rows\":[{\"id\":\"p\",\"k\":1}]}"))
                .contains("'ttl'");
        StringBuilder many = new StringBuilder("{\"rows\":[{\"id\":\"p\",\"k\":1,\"tags+\":[");
        for (int i = 0; i <= ringdb.core.data.Limits.COLLECTION_ELEMENTS_MAX; i++) {
            many.append(i == 0 ? "" : ",").append("\"\"");
        }
        assertThat(refused(node, "/v1/rows/app/things", many.append("]}]}").toString()))
                .contains("COLLECTION_ELEMENTS_MAX").contains("'tags'");
        assertThat(refused(node, "/v1/rows/app/things/query", "{\"partition\":{\"id\":\"p\"},"
                + "\"columns\":[\"nope\"]}")).contains("no column 'nope'");
        assertThat(refused(node, "/v1/rows/app/things/query", "{\"partition\":{\"id\":\"p\"},"
                + "\"paging\":\"zz\"}")).contains("'paging'");
        assertThat(refused(node, "/v1/rows/app/things/query", "{\"partition\":{\"id\":\"p\"},"
                + "\"paging\":\"017fffffff00\"}")).as("a value longer than the state itself").contains("'paging'");
    }

    @Test
    void slicesWithEveryBoundPageForwardAndReversedReturningEachRowOnce() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = Nodes.start(config("slices", port, port, 1))) {
            createSchema(node, 1);
            assertThat(call(node, "POST", "/v1/schema/keyspaces/app/tables", THINGS).status()).isEqualTo(201);
            StringBuilder rows = new StringBuilder("{\"rows\":[{\"id\":\"p\",\"owner\":\"ann\"}");
            for (int k = 1; k <= 20; k++) {
                rows.append(",{\"id\":\"p\",\"k\":").append(k).append(",\"body\":\"b").append(k).append("\"}");
            }
            write(node, rows.append("]}").toString());
            // a range delete of (12, 15] (exclusive start) leaves 12 and 16
            assertThat(call(node, "POST", "/v1/rows/app/things/delete", "{\"partition\":{\"id\":\"p\"},"
                    + "\"from\":{\"k\":12},\"from_inclusive\":false,\"to\":{\"k\":15}}").status()).isEqualTo(200);
            for (boolean reversed : new boolean[] {false, true}) {
                for (boolean fromInclusive : new boolean[] {false, true}) {
                    for (boolean toInclusive : new boolean[] {false, true}) {
                        List<Integer> expected = new ArrayList<>();
                        for (int k = fromInclusive ? 3 : 4; k <= (toInclusive ? 18 : 17); k++) {
                            if (k <= 12 || k > 15) {
                                expected.add(k);
                            }
                        }
                        if (reversed) {
                            java.util.Collections.reverse(expected);
                        }
                        String slice = "{\"partition\":{\"id\":\"p\"},\"from\":{\"k\":3},\"from_inclusive\":"
                                + fromInclusive + ",\"to\":{\"k\":18},\"to_inclusive\":" + toInclusive
                                + ",\"reversed\":" + reversed + ",\"limit\":4";
                        List<Integer> seen = new ArrayList<>();
                        String paging = null;
                        for (int pages = 0; pages < 10; pages++) {
                            Answer page = query(node, slice + (paging == null ? "" : ",\"paging\":\"" + paging + "\"")
                                    + "}");
                            assertThat(page.body().path("rows").size()).isLessThanOrEqualTo(4);
                            assertThat(page.body().has("static")).as("the static row comes with the first page only")
                                    .isEqualTo(paging == null);
                            seen.addAll(ats(page, "k"));
                            paging = page.body().path("paging").isNull() ? null : page.body().path("paging").asText();
                            if (paging == null) {
                                break;
                            }
                        }
                        assertThat(paging).as("the last page says so").isNull();
                        assertThat(seen).as(slice).isEqualTo(expected);
                    }
                }
            }
        }
    }

    private static List<Integer> ats(Answer read, String column) {
        List<Integer> out = new ArrayList<>();
        read.body().path("rows").forEach(row -> out.add(row.path(column).asInt()));
        return out;
    }

    @Test
    void limitsAreEnforcedBeforeAnythingIsWrittenAndEachRefusalNamesItsLimit() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = Nodes.start(config("limits", port, port, 1))) {
            createSchema(node, 1);
            String bigUser = "u".repeat(ringdb.core.data.Limits.PARTITION_KEY_BYTES_MAX + 1);
            Answer tooBig = call(node, "POST", "/v1/rows/app/events", "{\"rows\":[{\"user\":\"" + bigUser
                    + "\",\"at\":1,\"body\":\"x\"}]}");
            assertThat(tooBig.status()).isEqualTo(400);
            assertThat(tooBig.body().path("message").asText()).contains("PARTITION_KEY_BYTES_MAX");
            String atLimit = bigUser.substring(1);
            Answer fits = call(node, "POST", "/v1/rows/app/events", "{\"rows\":[{\"user\":\"" + atLimit
                    + "\",\"at\":1,\"body\":\"x\"}]}");
            assertThat(fits.status()).as("a partition key at the limit; its storage key is past 64 KiB")
                    .isEqualTo(200);
            Answer read = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"" + atLimit
                    + "\"}}");
            assertThat(read.body().path("rows")).hasSize(1);
            Answer bigValue = call(node, "POST", "/v1/rows/app/events", "{\"rows\":[{\"user\":\"ann\",\"at\":1,"
                    + "\"body\":\"" + "b".repeat(1024 * 1024 + 1) + "\"}]}");
            assertThat(bigValue.status()).as("the body is larger than a value may be").isEqualTo(413);
            assertThat(bigValue.body().path("message").asText()).contains("max_value_size_bytes");

            assertThat(call(node, "POST", "/v1/schema/keyspaces/app/tables", "{\"name\":\"notes\","
                    + "\"partition_key\":[{\"name\":\"id\",\"type\":\"int\"}],"
                    + "\"clustering\":[{\"name\":\"title\",\"type\":\"text\"}]}").status()).isEqualTo(201);
            Answer longTitle = call(node, "POST", "/v1/rows/app/notes", "{\"rows\":[{\"id\":1,\"title\":\""
                    + "t".repeat(ringdb.core.data.Limits.CLUSTERING_BYTES_MAX + 1) + "\"}]}");
            assertThat(longTitle.status()).isEqualTo(400);
            assertThat(longTitle.body().path("message").asText()).contains("CLUSTERING_BYTES_MAX");
            Answer nothing = call(node, "POST", "/v1/rows/app/events/query", "{\"partition\":{\"user\":\"ann\"}}");
            assertThat(nothing.body().path("rows")).as("nothing refused was written").isEmpty();
        }
    }

    /**
     * A page holds the rows it asks for even when each row has many more cells than columns (a set of 40
     * elements is 40 entries): the read asks the replicas again for as many entries as the rows took.
     */
    @Test
    void aPageHoldsTheRowsAskedWhenRowsHaveManyCells() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = Nodes.start(config("wide", port, port, 1))) {
            createSchema(node, 1);
            Answer table = call(node, "POST", "/v1/schema/keyspaces/app/tables", "{\"name\":\"tagged\","
                    + "\"partition_key\":[{\"name\":\"p\",\"type\":\"text\"}],"
                    + "\"clustering\":[{\"name\":\"c\",\"type\":\"int\"}],"
                    + "\"columns\":[{\"name\":\"tags\",\"type\":\"set<int>\"},{\"name\":\"v\",\"type\":\"text\"}]}");
            assertThat(table.status()).as(table.body().toString()).isEqualTo(201);
            StringBuilder tags = new StringBuilder("[");
            for (int t = 0; t < 40; t++) {
                tags.append(t == 0 ? "" : ",").append(t);
            }
            String set = tags.append(']').toString();
            for (int from = 0; from < 150; from += 50) {
                StringBuilder rows = new StringBuilder("{\"rows\":[");
                for (int c = from; c < from + 50; c++) {
                    rows.append(c == from ? "" : ",").append("{\"p\":\"a\",\"c\":").append(c).append(",\"tags\":")
                            .append(set).append(",\"v\":\"x\"}");
                }
                write(node, "/v1/rows/app/tagged", rows.append("]}").toString());
            }
            Answer first = call(node, "POST", "/v1/rows/app/tagged/query",
                    "{\"partition\":{\"p\":\"a\"},\"limit\":100}");
            assertThat(first.body().path("rows").size()).as(first.body().path("paging").toString()).isEqualTo(100);
            assertThat(first.body().path("rows").get(99).path("tags").size()).isEqualTo(40);
            Answer rest = call(node, "POST", "/v1/rows/app/tagged/query", "{\"partition\":{\"p\":\"a\"},\"limit\":100,"
                    + "\"paging\":\"" + first.body().path("paging").asText() + "\"}");
            assertThat(rest.body().path("rows").size()).isEqualTo(50);
            assertThat(rest.body().path("rows").get(0).path("c").asInt()).isEqualTo(100);
            assertThat(rest.body().path("paging").isNull()).isTrue();
            Answer few = call(node, "POST", "/v1/rows/app/tagged/query", "{\"partition\":{\"p\":\"a\"},\"limit\":7}");
            assertThat(few.body().path("rows").size()).isEqualTo(7);
        }
    }

    /** Every row of a scan page after page of {@code limit} rows, each page's rows as "user/at" (0: static only). */
    private List<List<String>> scanPages(ServerNode node, String start, int limit) throws Exception {
        List<List<String>> pages = new ArrayList<>();
        String paging = null;
        while (pages.size() < 200) {
            Answer page = call(node, "POST", "/v1/rows/app/events/scan", "{\"limit\":" + limit + start
                    + (paging == null ? "" : ",\"paging\":\"" + paging + "\"") + "}");
            assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
            List<String> rows = new ArrayList<>();
            page.body().path("rows").forEach(r -> rows.add(r.path("user").asText() + "/" + r.path("at").asInt()
                    + (r.has("home") ? "@" + r.path("home").asText() : "")));
            pages.add(rows);
            if (page.body().path("paging").isNull()) {
                return pages;
            }
            paging = page.body().path("paging").asText();
        }
        throw new AssertionError("the scan did not end within 200 pages");
    }

    @Test
    void aScanReturnsEveryLiveRowOnceInTokenOrderWholePartitionsPageAfterPage() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = Nodes.start(config("scan", port, port, 1))) {
            createSchema(node, 1);
            List<String> expected = new ArrayList<>();
            for (int u = 0; u < 40; u++) {
                String user = String.format("u%02d", u);
                write(node, "/v1/rows/app/events", "{\"rows\":[{\"user\":\"" + user + "\",\"at\":1,\"body\":\"b\"},"
                        + "{\"user\":\"" + user + "\",\"at\":2,\"body\":\"c\"}"
                        + (u % 4 == 0 ? ",{\"user\":\"" + user + "\",\"home\":\"h" + u + "\"}" : "") + "]}");
            }
            write(node, "/v1/rows/app/events/delete", "{\"partition\":{\"user\":\"u05\"}}");
            write(node, "/v1/rows/app/events/delete", "{\"partition\":{\"user\":\"u07\"},\"row\":{\"at\":2}}");
            // a partition with its static value alone is one row, as in CQL
            write(node, "/v1/rows/app/events", "{\"rows\":[{\"user\":\"solo\",\"home\":\"s\"}]}");
            List<String> users = new ArrayList<>();
            for (int u = 0; u < 40; u++) {
                users.add(String.format("u%02d", u));
            }
            users.add("solo");
            users.remove("u05");
            Map<String, Long> tokens = new java.util.HashMap<>();
            for (String user : users) {
                tokens.put(user, call(node, "GET", "/v1/ring?key=" + user, null).body().path("token").asLong());
            }
            users.sort(java.util.Comparator.comparing(tokens::get));
            for (String user : users) {
                String home = user.equals("solo") ? "@s" : Integer.parseInt(user.substring(1)) % 4 == 0
                        ? "@h" + Integer.parseInt(user.substring(1)) : "";
                if (user.equals("solo")) {
                    expected.add("solo/0" + home);
                    continue;
                }
                if (!user.equals("u07")) { // its row at 2 was deleted
                    expected.add(user + "/2" + home); // DESC clustering: at 2 first
                }
                expected.add(user + "/1" + home);
            }
            List<List<String>> pages = scanPages(node, "", 3);
            assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(expected);
            for (int i = 0; i < pages.size() - 1; i++) { // a page holds its limit, and ends at a partition's end
                assertThat(pages.get(i).size()).as("page " + i + ": " + pages.get(i)).isBetween(3, 4);
                String last = pages.get(i).get(pages.get(i).size() - 1).split("/")[0];
                assertThat(pages.get(i + 1)).as("page " + (i + 1)).noneMatch(r -> r.startsWith(last + "/"));
            }
            // from a partition's token on, that partition included; a token alone too
            String tenth = users.get(10);
            List<String> fromTenth = expected.subList(expected.indexOf(expected.stream()
                    .filter(r -> r.startsWith(tenth + "/")).findFirst().orElseThrow()), expected.size());
            assertThat(scanPages(node, ",\"from\":{\"user\":\"" + tenth + "\"}", 5).stream().flatMap(List::stream)
                    .toList()).isEqualTo(fromTenth);
            assertThat(scanPages(node, ",\"token\":" + tokens.get(tenth), 1000).get(0)).isEqualTo(fromTenth);
            Answer some = call(node, "POST", "/v1/rows/app/events/scan", "{\"columns\":[\"n\"],\"limit\":1}");
            assertThat(some.body().path("rows").get(0).has("body")).as(some.body().toString()).isFalse();
            assertThat(refused(node, "/v1/rows/app/events/scan", "{\"from\":{\"user\":\"a\"},\"token\":1}"))
                    .contains("'from'").contains("'token'");
            assertThat(refused(node, "/v1/rows/app/events/scan", "{\"paging\":\"00\"}")).contains("'paging'");
            assertThat(refused(node, "/v1/rows/app/events/scan", "{\"columns\":[\"nope\"]}"))
                    .contains("no column 'nope'");
            assertThat(refused(node, "/v1/rows/app/events/scan", "{\"limit\":0}")).contains("'limit'");
        }
    }

    @Test
    void threeNodesTakeTheSchemaFromOneAndWriteAndReadRowsAtQuorumThroughAnyNode() throws Exception {
        int seed = FreePorts.loopback();
        try (ServerNode a = Nodes.start(config("a", seed, seed, 3));
             ServerNode b = Nodes.start(config("b", FreePorts.loopback(), seed, 3));
             ServerNode c = Nodes.start(config("c", FreePorts.loopback(), seed, 3))) {
            await("three members in every ring", () -> List.of(a, b, c).stream().allMatch(n ->
                    n.nodeThread().call(() -> n.node().ring().members().size()).join() == 3));
            String before = ownSchemaVersion(a);
            createSchema(a, 3);
            await("every node knows the table", () -> List.of(b, c).stream().allMatch(n ->
                    n.nodeThread().call(() -> n.node().schema().table("app", "events") != null).join()));
            // each node shows the schema it holds in /v1/cluster, which clients compare for agreement
            String after = ownSchemaVersion(a);
            assertThat(after).isNotEmpty().isNotEqualTo(before);
            assertThat(List.of(ownSchemaVersion(b), ownSchemaVersion(c))).containsOnly(after);
            Answer written = call(b, "POST", "/v1/rows/app/events", "{\"cl\":\"QUORUM\",\"rows\":["
                    + "{\"user\":\"bob\",\"at\":1,\"body\":\"one\"},{\"user\":\"bob\",\"at\":2,\"body\":\"two\"}]}");
            assertThat(written.status()).as(written.body().toString()).isEqualTo(200);
            Answer read = call(c, "POST", "/v1/rows/app/events/query",
                    "{\"cl\":\"QUORUM\",\"partition\":{\"user\":\"bob\"}}");
            assertThat(ats(read)).as(read.body().toString()).containsExactly(2, 1);
            assertThat(read.body().path("rows").get(1).path("body").asText()).isEqualTo("one");
            // an update of one column through another node leaves the other column as it was
            call(a, "POST", "/v1/rows/app/events", "{\"cl\":\"QUORUM\",\"update\":true,"
                    + "\"rows\":[{\"user\":\"bob\",\"at\":1,\"n\":7}]}");
            Answer updated = call(b, "POST", "/v1/rows/app/events/query",
                    "{\"cl\":\"QUORUM\",\"partition\":{\"user\":\"bob\"},\"row\":{\"at\":1}}");
            assertThat(updated.body().path("rows").get(0).path("body").asText()).isEqualTo("one");
            assertThat(updated.body().path("rows").get(0).path("n").asLong()).isEqualTo(7);
            Answer scanned = call(c, "POST", "/v1/rows/app/events/scan", "{\"cl\":\"QUORUM\"}");
            assertThat(ats(scanned)).as(scanned.body().toString()).containsExactly(2, 1);
        }
    }

    private String ownSchemaVersion(ServerNode node) throws Exception {
        for (JsonNode member : call(node, "GET", "/v1/cluster", null).body().path("members")) {
            if (member.path("self").asBoolean()) {
                return member.path("schema_version").asText();
            }
        }
        throw new AssertionError("no member is the node itself");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval, not synchronisation
        }
    }
}
