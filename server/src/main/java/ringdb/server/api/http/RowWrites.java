package ringdb.server.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.rows.ColumnData;
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
 * {@code "+c"} prepends to a list and {@code "c-"} removes set elements or map keys; {@code "l[i]"}
 * sets (null: deletes) a list element by index, and names it in a delete's columns, on the list as
 * read before the write ({@link Lists}), as CQL's {@code l[i] = v} and {@code DELETE l[i]}. A member that is
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

    /** A column member of a row: the column, what to do with the value and, for {@code "l[i]"}, the index. */
    private record Member(ColumnMetadata column, Operation operation, JsonNode json, int index) {
        Member(ColumnMetadata column, Operation operation, JsonNode json) {
            this(column, operation, json, -1);
        }
    }

    private enum Operation { SET, ADD, PREPEND, REMOVE, SET_INDEX }

    /** A list named by index in a write or a delete: its partition, its row (empty for a static column), its column. */
    record IndexedList(PartitionKey partition, Clustering row, String column) {
    }

    /** The elements of the lists a request names by index, as read before it is written. */
    @FunctionalInterface
    interface Lists {
        List<ColumnData.Element> of(IndexedList list);
    }

    /** {@code name[index]}: the bare name and the index as written. */
    private static final Pattern INDEXED = Pattern.compile("(.+)\\[(-?[0-9]{1,10})]");

    /** The column and index of a member or column name {@code "l[i]"} of {@code table}; null when it is not one. */
    private static Member indexed(TableMetadata table, String name, JsonNode json) {
        Matcher m = INDEXED.matcher(name);
        if (!m.matches() || table.column(m.group(1)) == null) {
            return null;
        }
        ColumnMetadata c = table.column(m.group(1));
        if (!(c.type() instanceof ListType) || !c.type().isMultiCell()) {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName() + ": '" + name
                    + "' names an element of a non-frozen list by its index");
        }
        long index = Long.parseLong(m.group(2));
        if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE) {
            throw new InvalidRequestException("'" + name + "': a list index is an int");
        }
        return new Member(c, Operation.SET_INDEX, json, (int) index);
    }

    private static Member member(TableMetadata table, String name, JsonNode json) {
        ColumnMetadata exact = table.column(name);
        if (exact != null) {
            return new Member(exact, Operation.SET, json);
        }
        Member indexed = indexed(table, name, json);
        if (indexed != null) {
            return indexed;
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
    static void row(PartitionUpdate update, JsonNode row, boolean insert, Lists lists) {
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
            Clustering at = m.column().kind() == ColumnKind.STATIC ? null : clustering;
            if (m.operation() == Operation.SET_INDEX) {
                ColumnMetadata c = m.column();
                update.setListIndex(at, c.name(), lists.of(indexedList(update, at, c)), m.index(),
                        m.json().isNull() ? null : value(c, ((ListType) c.type()).element(), m.json()));
            } else {
                apply(update, at, m, m.json());
            }
        }
    }

    private static IndexedList indexedList(PartitionUpdate update, Clustering row, ColumnMetadata c) {
        return new IndexedList(update.partitionKey(), c.kind() == ColumnKind.STATIC || row == null ? Clustering.EMPTY
                : row, c.name());
    }

    /**
     * The lists {@code request} (a write's row, or a delete) names by index ({@code "l[i]"}), each of
     * {@code partition}: what must be read before it is written.
     */
    static List<IndexedList> indexedLists(TableMetadata table, PartitionKey partition, JsonNode request,
                                          boolean delete) {
        List<IndexedList> out = new ArrayList<>();
        if (delete) {
            for (JsonNode name : RowsJson.array(request.path("columns"), "columns", false)) {
                Member m = name.isTextual() ? indexed(table, name.asText(), null) : null;
                if (m != null) {
                    out.add(listOf(table, partition, m.column(), () -> clustering(table,
                            RowsJson.object(request.path("row"), "'row'"), true)));
                }
            }
            return out;
        }
        for (Map.Entry<String, JsonNode> field : request.properties()) {
            Member m = table.column(field.getKey()) == null ? indexed(table, field.getKey(), null) : null;
            if (m != null) {
                out.add(listOf(table, partition, m.column(), () -> clustering(table, request, true)));
            }
        }
        return out;
    }

    private static IndexedList listOf(TableMetadata table, PartitionKey partition, ColumnMetadata c,
                                      Supplier<Clustering> row) {
        return new IndexedList(partition, c.kind() == ColumnKind.STATIC || table.clustering().isEmpty()
                ? Clustering.EMPTY : row.get(), c.name());
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
    static void delete(PartitionUpdate update, JsonNode request, Lists lists) {
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
            deleteColumns(update, table, row, full, columns, lists);
        } else if (row == null) {
            update.deletePartition();
        } else if (full) {
            update.deleteRow(row);
        } else {
            update.deleteRange(Slice.prefix(row));
        }
    }

    private static void deleteColumns(PartitionUpdate update, TableMetadata table, Clustering row, boolean full,
                                      List<JsonNode> columns, Lists lists) {
        for (JsonNode name : columns) {
            if (!name.isTextual()) {
                throw new InvalidRequestException("'columns' must be an array of column names");
            }
            Member indexed = table.column(name.asText()) == null ? indexed(table, name.asText(), null) : null;
            ColumnMetadata c = indexed != null ? indexed.column() : table.columnOrThrow(name.asText());
            if (c.kind() == ColumnKind.REGULAR && !full) {
                throw new InvalidRequestException("column '" + c.name() + "' is a regular column: deleting it needs"
                        + " the row's full clustering in 'row'");
            }
            Clustering at = c.kind() == ColumnKind.STATIC ? null : row;
            if (indexed != null) {
                update.deleteListIndex(at, c.name(), lists.of(indexedList(update, at, c)), indexed.index());
            } else {
                update.deleteColumn(at, c.name());
            }
        }
    }
}
