package ringdb.server.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;
import ringdb.server.api.JsonResponses;

/**
 * The JSON of the row API's writes and deletes turned into {@link PartitionUpdate} calls (docs/server.md,
 * "Tables and rows"): a row object names its primary key columns and the columns it sets; a member
 * {@code "c+"} adds to a non-frozen collection (set elements, list elements appended, map entries),
 * {@code "+c"} prepends to a list and {@code "c-"} removes set elements or map keys. A member that is
 * exactly a column's name is always that column. Every value is validated by {@link PartitionUpdate},
 * whose refusals name the column, its type and any limit.
 */
final class RowWrites {
    private RowWrites() {
    }

    // ---- values ----

    /** A JSON value of {@code type} for {@code column}, serialized; a refusal names the column and the type. */
    static byte[] value(ColumnMetadata column, CqlType type, JsonNode json) {
        try {
            Object plain = JsonResponses.JSON.treeToValue(json, Object.class);
            byte[] bytes = type.fromJson(plain);
            type.validate(column.name(), bytes);
            return bytes;
        } catch (JsonProcessingException | RuntimeException e) {
            String message = e.getMessage();
            String what = type == column.type() ? type.cqlName() : type.cqlName() + " (an element of "
                    + column.type().cqlName() + ")";
            throw new InvalidRequestException(message != null && message.contains("'" + column.name() + "'")
                    ? message : "column '" + column.name() + "' is " + what + ": " + message);
        }
    }

    static PartitionKey partitionKey(TableMetadata table, JsonNode values) {
        List<byte[]> components = new ArrayList<>();
        for (ColumnMetadata c : table.partitionKey()) {
            JsonNode v = values.path(c.name());
            if (v.isMissingNode() || v.isNull()) {
                throw new InvalidRequestException("missing partition key column '" + c.name() + "' of "
                        + table.keyspace() + "." + table.name());
            }
            components.add(value(c, c.type(), v));
        }
        return new PartitionKey(components);
    }

    /** The clustering values given, a prefix of the clustering columns; {@code full} requires all of them. */
    static Clustering clustering(TableMetadata table, JsonNode values, boolean full) {
        List<byte[]> out = new ArrayList<>();
        for (ColumnMetadata c : table.clustering()) {
            JsonNode v = values.path(c.name());
            if (v.isMissingNode() || v.isNull()) {
                if (full) {
                    throw new InvalidRequestException("missing clustering column '" + c.name() + "' of "
                            + table.keyspace() + "." + table.name());
                }
                break;
            }
            out.add(value(c, c.type(), v));
        }
        return new Clustering(out);
    }

    static Slice slice(TableMetadata table, JsonNode request) {
        Clustering from = request.has("from") ? clustering(table, RowsJson.object(request.path("from"), "'from'"),
                false) : Clustering.EMPTY;
        Clustering to = request.has("to") ? clustering(table, RowsJson.object(request.path("to"), "'to'"), false)
                : Clustering.EMPTY;
        return new Slice(from, RowsJson.bool(request, "from_inclusive", true), to,
                RowsJson.bool(request, "to_inclusive", true));
    }

    // ---- writes ----

    /** A column member of a row: the column and what to do with the value. */
    private record Member(ColumnMetadata column, Operation operation, JsonNode json) {
    }

    private enum Operation { SET, ADD, PREPEND, REMOVE }

    private static Member member(TableMetadata table, String name, JsonNode json) {
        ColumnMetadata exact = table.column(name);
        if (exact != null) {
            return new Member(exact, Operation.SET, json);
        }
        if (name.length() > 1) {
            String bare = null;
            Operation operation = null;
            if (name.endsWith("+")) {
                bare = name.substring(0, name.length() - 1);
                operation = Operation.ADD;
            } else if (name.endsWith("-")) {
                bare = name.substring(0, name.length() - 1);
                operation = Operation.REMOVE;
            } else if (name.startsWith("+")) {
                bare = name.substring(1);
                operation = Operation.PREPEND;
            }
            if (bare != null && table.column(bare) != null) {
                return new Member(table.column(bare), operation, json);
            }
        }
        return new Member(table.columnOrThrow(name), Operation.SET, json); // throws: no such column
    }

    /**
     * Adds one row object of a write to {@code update}: the row marker when {@code insert} (not for a
     * write of static columns alone, which names no row), then each member's column.
     */
    static void row(PartitionUpdate update, JsonNode row, boolean insert) {
        TableMetadata table = update.table();
        List<Member> members = new ArrayList<>();
        boolean regular = false;
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            Member m = member(table, field.getKey(), field.getValue());
            if (m.operation() == Operation.SET && m.column().kind().isPrimaryKey()) {
                continue;
            }
            members.add(m);
            regular |= m.column().kind() == ColumnKind.REGULAR;
        }
        boolean clusteringGiven = table.clustering().isEmpty() || row.has(table.clustering().get(0).name());
        Clustering clustering = regular || clusteringGiven || members.isEmpty()
                ? clustering(table, row, true) : null;
        if (insert && clustering != null) {
            update.insert(clustering);
        }
        for (Member m : members) {
            apply(update, m.column().kind() == ColumnKind.STATIC ? null : clustering, m, m.json());
        }
    }

    private static void apply(PartitionUpdate update, Clustering row, Member m, JsonNode json) {
        ColumnMetadata c = m.column();
        if (m.operation() == Operation.SET) {
            update.set(row, c.name(), json.isNull() ? null : value(c, c.type(), json));
            return;
        }
        if (!(c.type() instanceof CollectionType type) || !type.isMultiCell()) {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName() + ": '"
                    + c.name() + "+', '+" + c.name() + "' and '" + c.name() + "-' change the elements of a"
                    + " non-frozen collection; set the whole value with '" + c.name() + "'");
        }
        switch (m.operation()) {
            case PREPEND -> update.prependToList(row, c.name(), elements(c, ((ListType) listOf(c)).element(), json));
            case ADD -> add(update, row, c, type, json);
            default -> remove(update, row, c, type, json);
        }
    }

    private static CqlType listOf(ColumnMetadata c) {
        if (!(c.type() instanceof ListType)) {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName()
                    + ": only a list is prepended to ('+" + c.name() + "')");
        }
        return c.type();
    }

    private static void add(PartitionUpdate update, Clustering row, ColumnMetadata c, CollectionType type,
                            JsonNode json) {
        if (type instanceof ListType list) {
            update.appendToList(row, c.name(), elements(c, list.element(), json));
        } else if (type instanceof SetType set) {
            update.addToSet(row, c.name(), elements(c, set.element(), json));
        } else {
            MapType map = (MapType) type;
            if (!json.isObject()) {
                throw new InvalidRequestException("'" + c.name() + "+' must be a JSON object of the entries to put"
                        + " in " + c.type().cqlName());
            }
            List<Map.Entry<byte[], byte[]>> pairs = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : json.properties()) {
                pairs.add(new AbstractMap.SimpleImmutableEntry<>(
                        value(c, map.key(), JsonResponses.JSON.getNodeFactory().textNode(e.getKey())),
                        value(c, map.value(), e.getValue())));
            }
            update.putInMap(row, c.name(), pairs);
        }
    }

    private static void remove(PartitionUpdate update, Clustering row, ColumnMetadata c, CollectionType type,
                               JsonNode json) {
        if (type instanceof SetType set) {
            update.removeFromSet(row, c.name(), elements(c, set.element(), json));
        } else if (type instanceof MapType map) {
            update.removeFromMap(row, c.name(), elements(c, map.key(), json));
        } else {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName() + ": elements are"
                    + " removed from a set or a map ('" + c.name() + "-'); a list element is not named by its value");
        }
    }

    private static List<byte[]> elements(ColumnMetadata c, CqlType element, JsonNode json) {
        if (!json.isArray()) {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName()
                    + ": its elements are given as a JSON array");
        }
        List<byte[]> out = new ArrayList<>();
        for (JsonNode e : json) {
            if (e.isNull()) {
                throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName()
                        + ": a collection holds no null element");
            }
            out.add(value(c, element, e));
        }
        return out;
    }

    // ---- deletes ----

    /**
     * Adds a delete request to {@code update}: the partition (only {@code partition}), static columns
     * ({@code columns} without a row), cells of a row ({@code row} and {@code columns}), a row (a full
     * clustering), the rows beginning with a clustering prefix, or a slice ({@code from}/{@code to}).
     */
    static void delete(PartitionUpdate update, JsonNode request) {
        TableMetadata table = update.table();
        List<JsonNode> columns = RowsJson.array(request.path("columns"), "columns", false);
        boolean hasRow = request.has("row");
        boolean hasSlice = request.has("from") || request.has("to");
        if (hasRow && hasSlice) {
            throw new InvalidRequestException("a delete names a 'row' or a slice ('from'/'to'), not both");
        }
        if (hasSlice) {
            update.deleteRange(slice(table, request));
            return;
        }
        Clustering row = hasRow ? clustering(table, RowsJson.object(request.path("row"), "'row'"), false) : null;
        boolean full = row != null && row.size() == table.clustering().size();
        if (!columns.isEmpty()) {
            deleteColumns(update, table, row, full, columns);
        } else if (row == null) {
            update.deletePartition();
        } else if (full) {
            update.deleteRow(row);
        } else {
            update.deleteRange(Slice.prefix(row));
        }
    }

    private static void deleteColumns(PartitionUpdate update, TableMetadata table, Clustering row, boolean full,
                                      List<JsonNode> columns) {
        for (JsonNode name : columns) {
            if (!name.isTextual()) {
                throw new InvalidRequestException("'columns' must be an array of column names");
            }
            ColumnMetadata c = table.columnOrThrow(name.asText());
            if (c.kind() == ColumnKind.REGULAR && !full) {
                throw new InvalidRequestException("column '" + c.name() + "' is a regular column: deleting it needs"
                        + " the row's full clustering in 'row'");
            }
            update.deleteColumn(c.kind() == ColumnKind.STATIC ? null : row, c.name());
        }
    }
}
