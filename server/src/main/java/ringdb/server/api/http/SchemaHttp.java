package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaChange;
import ringdb.core.catalog.SchemaException;
import ringdb.core.catalog.SchemaService;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientOperations.AdminAnswer;
import ringdb.server.api.JsonResponses;

/**
 * The schema part of the HTTP row API ({@code /v1/schema/...}): create, describe and drop keyspaces
 * and tables, alter tables. Bodies and answers are JSON (docs/server.md, "Tables"); a statement the
 * schema refuses is answered 400 (409 when it already exists, 404 when a described name does not
 * exist) with the reason.
 */
final class SchemaHttp {
    static final String PREFIX = "/v1/schema/keyspaces";

    private final ClientOperations operations;

    SchemaHttp(ClientOperations operations) {
        this.operations = operations;
    }

    /** Serves {@code method path} ({@code path} starts with {@link #PREFIX}). */
    CompletableFuture<AdminAnswer> handle(String method, String path, Map<String, String> params, JsonNode body) {
        String rest = path.substring(PREFIX.length());
        String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/", -1);
        boolean ifExists = Boolean.parseBoolean(params.getOrDefault("if_exists", "false"));
        if (parts.length == 0 && method.equals("GET")) {
            return operations.schema().thenApply(schema -> ok(keyspaces(schema)));
        }
        if (parts.length == 0 && method.equals("POST")) {
            return createKeyspace(RowsJson.object(body, "the body"));
        }
        if (parts.length == 1 && method.equals("GET")) {
            return operations.schema().thenApply(schema -> describeKeyspace(schema, parts[0]));
        }
        if (parts.length == 1 && method.equals("DELETE")) {
            return run((s, t) -> SchemaStatements.dropKeyspace(s, parts[0], ifExists, t));
        }
        if (parts.length == 2 && parts[1].equals("tables") && method.equals("POST")) {
            return createTable(parts[0], RowsJson.object(body, "the body"));
        }
        if (parts.length == 3 && parts[1].equals("tables") && method.equals("GET")) {
            return operations.schema().thenApply(schema -> {
                TableMetadata table = schema.table(parts[0], parts[2]);
                return table == null ? notFound(schema, parts[0], parts[2]) : ok(table(table));
            });
        }
        if (parts.length == 3 && parts[1].equals("tables") && method.equals("DELETE")) {
            return run((s, t) -> SchemaStatements.dropTable(s, parts[0], parts[2], ifExists, t));
        }
        if (parts.length == 4 && parts[1].equals("tables") && parts[3].equals("alter") && method.equals("POST")) {
            return alterTable(parts[0], parts[2], RowsJson.object(body, "the body"));
        }
        return CompletableFuture.completedFuture(new AdminAnswer(404, JsonResponses.errorBody("not_found",
                "no such schema endpoint: " + method + " " + path + "; the API has GET|POST " + PREFIX + ", GET|DELETE "
                + PREFIX + "/{keyspace}, POST " + PREFIX + "/{keyspace}/tables, GET|DELETE " + PREFIX
                + "/{keyspace}/tables/{table}, POST " + PREFIX + "/{keyspace}/tables/{table}/alter")));
    }

    private CompletableFuture<AdminAnswer> createKeyspace(JsonNode body) {
        String name = RowsJson.text(body, "name");
        int rf = body.path("replication_factor").asInt(0);
        boolean ifNotExists = body.path("if_not_exists").asBoolean(false);
        if (!body.path("replication_factor").canConvertToInt()) {
            throw new InvalidRequestException("'replication_factor' must be a whole number, e.g. 3");
        }
        Replication replication = Replication.simple(rf);
        return run((s, t) -> SchemaStatements.createKeyspace(s, name, replication, ifNotExists, t));
    }

    private CompletableFuture<AdminAnswer> createTable(String keyspace, JsonNode body) {
        List<TableDefinition.Column> partitionKey = columns(body.path("partition_key"), "partition_key", true);
        List<TableDefinition.Clustering> clustering = new ArrayList<>();
        for (JsonNode c : RowsJson.array(body.path("clustering"), "clustering", false)) {
            String order = c.path("order").asText("ASC").toUpperCase(Locale.ROOT);
            if (!order.equals("ASC") && !order.equals("DESC")) {
                throw new InvalidRequestException("clustering column order must be ASC or DESC, got '"
                        + c.path("order").asText() + "'");
            }
            clustering.add(new TableDefinition.Clustering(RowsJson.text(c, "name"),
                    CqlTypes.parse(RowsJson.text(c, "type")), order.equals("DESC")));
        }
        TableDefinition definition = new TableDefinition(keyspace, RowsJson.text(body, "name"), partitionKey,
                clustering, columns(body.path("static"), "static", false), columns(body.path("columns"), "columns",
                false), body.path("default_ttl").asInt(0),
                body.has("gc_grace_seconds") ? body.path("gc_grace_seconds").asInt() : null);
        boolean ifNotExists = body.path("if_not_exists").asBoolean(false);
        return run((s, t) -> SchemaStatements.createTable(s, definition, ifNotExists, t));
    }

    private static List<TableDefinition.Column> columns(JsonNode node, String field, boolean required) {
        List<TableDefinition.Column> out = new ArrayList<>();
        for (JsonNode c : RowsJson.array(node, field, required)) {
            out.add(new TableDefinition.Column(RowsJson.text(c, "name"), CqlTypes.parse(RowsJson.text(c, "type"))));
        }
        return out;
    }

    private CompletableFuture<AdminAnswer> alterTable(String keyspace, String table, JsonNode body) {
        List<SchemaService.Statement> steps = new ArrayList<>();
        for (JsonNode c : RowsJson.array(body.path("add"), "add", false)) {
            String name = RowsJson.text(c, "name");
            var type = CqlTypes.parse(RowsJson.text(c, "type"));
            boolean isStatic = c.path("static").asBoolean(false);
            steps.add((s, t) -> SchemaStatements.addColumn(s, keyspace, table, name, type, isStatic, false, t));
        }
        for (JsonNode c : RowsJson.array(body.path("drop"), "drop", false)) {
            String name = c.asText();
            steps.add((s, t) -> SchemaStatements.dropColumn(s, keyspace, table, name, false, t));
        }
        Integer ttl = body.has("default_ttl") ? body.path("default_ttl").asInt() : null;
        Integer gcGrace = body.has("gc_grace_seconds") ? body.path("gc_grace_seconds").asInt() : null;
        if (ttl != null || gcGrace != null) {
            steps.add((s, t) -> SchemaStatements.alterOptions(s, keyspace, table, ttl, gcGrace, t));
        }
        if (steps.isEmpty()) {
            throw new InvalidRequestException("an alter needs 'add', 'drop', 'default_ttl' or 'gc_grace_seconds'");
        }
        // one statement: every step is stamped after the one before it
        return run((s, t) -> {
            Schema out = s;
            long micros = t;
            for (SchemaService.Statement step : steps) {
                out = step.apply(out, micros++);
            }
            return out;
        });
    }

    private CompletableFuture<AdminAnswer> run(SchemaService.Statement statement) {
        CompletableFuture<AdminAnswer> answer = new CompletableFuture<>();
        operations.changeSchema(statement, (changes, failure) -> {
            if (failure instanceof SchemaException e) {
                answer.complete(new AdminAnswer(e.kind() == SchemaException.Kind.ALREADY_EXISTS ? 409 : 400,
                        JsonResponses.errorBody(e.kind().name().toLowerCase(Locale.ROOT), e.getMessage())));
            } else if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                ObjectNode body = JsonResponses.object();
                ArrayNode list = body.putArray("changes");
                for (SchemaChange change : changes) {
                    ObjectNode c = list.addObject();
                    c.put("type", change.type().name());
                    c.put("target", change.target().name());
                    c.put("keyspace", change.keyspace());
                    if (change.table() != null) {
                        c.put("table", change.table());
                    }
                }
                answer.complete(new AdminAnswer(changes.isEmpty() ? 200 : 201, body));
            }
        });
        return answer;
    }

    private static AdminAnswer ok(JsonNode body) {
        return new AdminAnswer(200, body);
    }

    private static AdminAnswer notFound(Schema schema, String keyspace, String table) {
        if (schema.keyspace(keyspace) == null) {
            return new AdminAnswer(404, JsonResponses.errorBody("unknown_keyspace", "keyspace " + keyspace
                    + " does not exist"));
        }
        return new AdminAnswer(404, JsonResponses.errorBody("unknown_table", "keyspace " + keyspace + " has no table "
                + table));
    }

    private static JsonNode keyspaces(Schema schema) {
        ObjectNode body = JsonResponses.object();
        ArrayNode list = body.putArray("keyspaces");
        for (KeyspaceMetadata k : schema.keyspaces()) {
            list.add(keyspace(schema, k));
        }
        return body;
    }

    private static AdminAnswer describeKeyspace(Schema schema, String name) {
        KeyspaceMetadata k = schema.keyspace(name);
        return k == null ? notFound(schema, name, null) : ok(keyspace(schema, k));
    }

    private static ObjectNode keyspace(Schema schema, KeyspaceMetadata k) {
        ObjectNode out = JsonResponses.object();
        out.put("name", k.name());
        ObjectNode replication = out.putObject("replication");
        replication.put("class", k.replication().strategy() == Replication.Strategy.SIMPLE ? "SimpleStrategy"
                : "NetworkTopologyStrategy");
        replication.put("replication_factor", k.replication().replicationFactor());
        ArrayNode tables = out.putArray("tables");
        for (TableMetadata t : schema.tables(k.name())) {
            tables.add(t.name());
        }
        return out;
    }

    /** A table's definition as the API describes it (and takes it in a create). */
    static ObjectNode table(TableMetadata t) {
        ObjectNode out = JsonResponses.object();
        out.put("keyspace", t.keyspace());
        out.put("name", t.name());
        out.put("id", t.id().toString());
        ArrayNode pk = out.putArray("partition_key");
        t.partitionKey().forEach(c -> column(pk, c));
        ArrayNode ck = out.putArray("clustering");
        t.clustering().forEach(c -> column(ck, c).put("order", c.descending() ? "DESC" : "ASC"));
        ArrayNode statics = out.putArray("static");
        ArrayNode regular = out.putArray("columns");
        for (ColumnMetadata c : t.columns()) {
            column(c.kind() == ColumnKind.STATIC ? statics : regular, c);
        }
        out.put("default_ttl", t.params().defaultTimeToLiveSeconds());
        out.put("gc_grace_seconds", t.params().gcGraceSeconds());
        return out;
    }

    private static ObjectNode column(ArrayNode list, ColumnMetadata c) {
        ObjectNode out = list.addObject();
        out.put("name", c.name());
        out.put("type", c.type().cqlName());
        return out;
    }
}
