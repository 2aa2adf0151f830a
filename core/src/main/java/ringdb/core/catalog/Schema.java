package ringdb.core.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.SchemaSerializer;
import ringdb.core.schema.TableMetadata;

/**
 * The schema a node holds: every keyspace and table definition it has learnt, and every drop, as a
 * state that merges ({@link #merge}) commutatively, associatively and idempotently, so nodes that
 * learnt the same statements in any order hold equal schemas with equal {@link #digest}s.
 *
 * <p>Per keyspace name: the latest definition (by timestamp, ties by serialized bytes) and the
 * latest drop; the keyspace exists while its definition is later than its drop. Per table name:
 * every version by table id (versions of one id merge with {@link TableMetadata#merge}) and the
 * latest drop; a version exists while it was created after the latest drop of its name and of its
 * keyspace, and of the existing versions of one name the one created last is the table (ties: the
 * greater serialized definition). A table created again after a drop has a new id (its incarnation
 * is that drop), so no data of the dropped table shows under it. The built-in keyspace and the
 * key-value table ({@link BuiltinTables}) always exist and are not part of the state. Immutable.
 */
public final class Schema {
    /** Timestamp meaning "never dropped". */
    static final long NEVER = 0;
    private static final String KEYSPACE_RECORD = "ks:";
    private static final String TABLE_RECORD = "table:";

    /** A keyspace name's state: its latest definition (null if none) and latest drop. */
    record KeyspaceState(KeyspaceMetadata definition, long droppedAtMicros) {
        boolean exists() {
            return definition != null && definition.timestampMicros() > droppedAtMicros;
        }
    }

    /** A table name's state: every version by id and the latest drop. */
    record TableState(SortedMap<UUID, TableMetadata> versions, long droppedAtMicros) {
        TableState {
            versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
        }
    }

    private final int builtinReplicationFactor;
    private final TreeMap<String, KeyspaceState> keyspaces;
    private final TreeMap<String, TableState> tables; // by "keyspace.table"
    private byte[] digest; // computed once: the state never changes

    private Schema(int builtinReplicationFactor, TreeMap<String, KeyspaceState> keyspaces,
                   TreeMap<String, TableState> tables) {
        this.builtinReplicationFactor = builtinReplicationFactor;
        this.keyspaces = keyspaces;
        this.tables = tables;
    }

    /** A schema with only the built-in keyspace (replication factor {@code builtinReplicationFactor}) and table. */
    public static Schema empty(int builtinReplicationFactor) {
        return new Schema(builtinReplicationFactor, new TreeMap<>(), new TreeMap<>());
    }

    // ---- what exists ----

    /** The keyspace as it exists now, or null. */
    public KeyspaceMetadata keyspace(String name) {
        if (name.equals(BuiltinTables.KEYSPACE)) {
            return BuiltinTables.keyspace(builtinReplicationFactor);
        }
        KeyspaceState state = keyspaces.get(name);
        return state != null && state.exists() ? state.definition() : null;
    }

    /** Every existing keyspace, the built-in one first, then by name. */
    public List<KeyspaceMetadata> keyspaces() {
        List<KeyspaceMetadata> out = new ArrayList<>();
        out.add(BuiltinTables.keyspace(builtinReplicationFactor));
        keyspaces.forEach((name, state) -> {
            if (state.exists()) {
                out.add(state.definition());
            }
        });
        return out;
    }

    /** The table as it exists now, or null (also when its keyspace does not exist). */
    public TableMetadata table(String keyspace, String name) {
        if (keyspace.equals(BuiltinTables.KEYSPACE)) {
            return name.equals(BuiltinTables.KEY_VALUE_TABLE) ? BuiltinTables.keyValue() : null;
        }
        if (keyspace(keyspace) == null) {
            return null;
        }
        TableState state = tables.get(keyspace + "." + name);
        return state == null ? null : visible(state, keyspaceDrop(keyspace));
    }

    /** The existing table with this id, or null: a table dropped (or replaced by a newer incarnation) has none. */
    public TableMetadata table(UUID id) {
        if (id.equals(BuiltinTables.keyValue().id())) {
            return BuiltinTables.keyValue();
        }
        for (TableState state : tables.values()) {
            TableMetadata any = state.versions().get(id);
            if (any != null) {
                TableMetadata current = table(any.keyspace(), any.name());
                return current != null && current.id().equals(id) ? current : null;
            }
        }
        return null;
    }

    /**
     * Whether the table with this id is dropped: a version of it is known and was created at or before
     * the latest drop of its name or of its keyspace. Drops only move later, so once true this stays
     * true in every later or merged schema. False for an id not known (not learnt yet), for an existing
     * table, and for a version that exists but lost to a newer version of its name.
     */
    public boolean isDropped(UUID id) {
        for (TableState state : tables.values()) {
            TableMetadata any = state.versions().get(id);
            if (any != null) {
                return any.createdAtMicros() <= Math.max(state.droppedAtMicros(), keyspaceDrop(any.keyspace()));
            }
        }
        return false;
    }

    /** The ids of every dropped table ({@link #isDropped}), in id order. */
    public SortedSet<UUID> droppedTableIds() {
        SortedSet<UUID> out = new TreeSet<>();
        for (TableState state : tables.values()) {
            for (TableMetadata version : state.versions().values()) {
                if (version.createdAtMicros() <= Math.max(state.droppedAtMicros(), keyspaceDrop(version.keyspace()))) {
                    out.add(version.id());
                }
            }
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /** The existing tables of a keyspace, by name. */
    public List<TableMetadata> tables(String keyspace) {
        List<TableMetadata> out = new ArrayList<>();
        if (keyspace.equals(BuiltinTables.KEYSPACE)) {
            out.add(BuiltinTables.keyValue());
            return out;
        }
        String prefix = keyspace + ".";
        for (Map.Entry<String, TableState> e : tables.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            TableMetadata t = table(keyspace, e.getKey().substring(prefix.length()));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private long keyspaceDrop(String keyspace) {
        KeyspaceState state = keyspaces.get(keyspace);
        return state == null ? NEVER : state.droppedAtMicros();
    }

    private static TableMetadata visible(TableState state, long keyspaceDropMicros) {
        long drop = Math.max(state.droppedAtMicros(), keyspaceDropMicros);
        TableMetadata best = null;
        for (TableMetadata t : state.versions().values()) {
            if (t.createdAtMicros() > drop && (best == null || later(t, best))) {
                best = t;
            }
        }
        return best;
    }

    private static boolean later(TableMetadata a, TableMetadata b) {
        if (a.createdAtMicros() != b.createdAtMicros()) {
            return a.createdAtMicros() > b.createdAtMicros();
        }
        return Arrays.compareUnsigned(SchemaSerializer.serialize(a), SchemaSerializer.serialize(b)) > 0;
    }

    /** The latest drop of a table name or of its keyspace: the incarnation a new table of that name gets. */
    long incarnationFor(String keyspace, String name) {
        TableState state = tables.get(keyspace + "." + name);
        return Math.max(state == null ? NEVER : state.droppedAtMicros(), keyspaceDrop(keyspace));
    }

    /** The latest timestamp of any definition or drop held; a statement is stamped after it. */
    long latestTimestampMicros() {
        long latest = NEVER;
        for (KeyspaceState k : keyspaces.values()) {
            latest = Math.max(latest, k.droppedAtMicros());
            latest = k.definition() == null ? latest : Math.max(latest, k.definition().timestampMicros());
        }
        for (TableState t : tables.values()) {
            latest = Math.max(latest, t.droppedAtMicros());
            for (TableMetadata v : t.versions().values()) {
                latest = Math.max(latest, latest(v));
            }
        }
        return latest;
    }

    private static long latest(TableMetadata t) {
        long latest = Math.max(t.createdAtMicros(), t.params().timestampMicros());
        for (var c : t.addedColumns().values()) {
            latest = Math.max(latest, c.addedAtMicros());
        }
        for (long dropped : t.droppedColumns().values()) {
            latest = Math.max(latest, dropped);
        }
        return latest;
    }

    /** True when no statement was ever applied (only the built-ins exist). */
    public boolean isEmpty() {
        return keyspaces.isEmpty() && tables.isEmpty();
    }

    // ---- changing ----

    Schema withKeyspace(KeyspaceMetadata definition) {
        TreeMap<String, KeyspaceState> next = new TreeMap<>(keyspaces);
        next.merge(definition.name(), new KeyspaceState(definition, NEVER), Schema::mergeKeyspace);
        return new Schema(builtinReplicationFactor, next, tables);
    }

    Schema withKeyspaceDropped(String name, long micros) {
        TreeMap<String, KeyspaceState> next = new TreeMap<>(keyspaces);
        next.merge(name, new KeyspaceState(null, micros), Schema::mergeKeyspace);
        return new Schema(builtinReplicationFactor, next, tables);
    }

    Schema withTable(TableMetadata table) {
        TreeMap<String, TableState> next = new TreeMap<>(tables);
        next.merge(table.keyspace() + "." + table.name(), new TableState(new TreeMap<>(Map.of(table.id(), table)),
                NEVER), Schema::mergeTable);
        return new Schema(builtinReplicationFactor, keyspaces, next);
    }

    Schema withTableDropped(String keyspace, String name, long micros) {
        TreeMap<String, TableState> next = new TreeMap<>(tables);
        next.merge(keyspace + "." + name, new TableState(new TreeMap<>(), micros), Schema::mergeTable);
        return new Schema(builtinReplicationFactor, keyspaces, next);
    }

    /** What every node reaches from these two schemas: commutative, associative, idempotent. */
    public Schema merge(Schema other) {
        TreeMap<String, KeyspaceState> ks = new TreeMap<>(keyspaces);
        other.keyspaces.forEach((name, state) -> ks.merge(name, state, Schema::mergeKeyspace));
        TreeMap<String, TableState> ts = new TreeMap<>(tables);
        other.tables.forEach((name, state) -> ts.merge(name, state, Schema::mergeTable));
        return new Schema(builtinReplicationFactor, ks, ts);
    }

    private static KeyspaceState mergeKeyspace(KeyspaceState a, KeyspaceState b) {
        KeyspaceMetadata definition = a.definition();
        if (definition == null || (b.definition() != null && laterKeyspace(b.definition(), definition))) {
            definition = b.definition();
        }
        return new KeyspaceState(definition, Math.max(a.droppedAtMicros(), b.droppedAtMicros()));
    }

    private static boolean laterKeyspace(KeyspaceMetadata a, KeyspaceMetadata b) {
        if (a.timestampMicros() != b.timestampMicros()) {
            return a.timestampMicros() > b.timestampMicros();
        }
        return Arrays.compareUnsigned(SchemaSerializer.serialize(a), SchemaSerializer.serialize(b)) > 0;
    }

    private static TableState mergeTable(TableState a, TableState b) {
        TreeMap<UUID, TableMetadata> versions = new TreeMap<>(a.versions());
        b.versions().forEach((id, t) -> versions.merge(id, t, TableMetadata::merge));
        return new TableState(versions, Math.max(a.droppedAtMicros(), b.droppedAtMicros()));
    }

    // ---- records, digest, wire form ----

    /**
     * The state as records, one per keyspace name ({@code "ks:<name>"}) and per table name
     * ({@code "table:<keyspace>.<table>"}), in key order: how the node stores it and sends it.
     */
    public SortedMap<String, byte[]> records() {
        TreeMap<String, byte[]> out = new TreeMap<>();
        keyspaces.forEach((name, state) -> out.put(KEYSPACE_RECORD + name, encode(state)));
        tables.forEach((name, state) -> out.put(TABLE_RECORD + name, encode(state)));
        return out;
    }

    /** The schema these records hold, merged into {@code this}. Throws IllegalArgumentException for a bad record. */
    public Schema withRecords(Map<String, byte[]> records) {
        Schema out = this;
        for (Map.Entry<String, byte[]> record : records.entrySet()) {
            out = out.merge(fromRecord(record.getKey(), record.getValue()));
        }
        return out;
    }

    private Schema fromRecord(String key, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        try {
            if (key.startsWith(KEYSPACE_RECORD)) {
                long dropped = in.getLong();
                KeyspaceMetadata definition = in.get() == 0 ? null
                        : SchemaSerializer.deserializeKeyspace(bytes(in));
                end(in, key);
                TreeMap<String, KeyspaceState> ks = new TreeMap<>();
                ks.put(key.substring(KEYSPACE_RECORD.length()), new KeyspaceState(definition, dropped));
                return new Schema(builtinReplicationFactor, ks, new TreeMap<>());
            }
            if (key.startsWith(TABLE_RECORD)) {
                long dropped = in.getLong();
                TreeMap<UUID, TableMetadata> versions = new TreeMap<>();
                for (int count = in.getInt(); count > 0; count--) {
                    TableMetadata t = SchemaSerializer.deserializeTable(bytes(in));
                    versions.put(t.id(), t);
                }
                end(in, key);
                TreeMap<String, TableState> ts = new TreeMap<>();
                ts.put(key.substring(TABLE_RECORD.length()), new TableState(versions, dropped));
                return new Schema(builtinReplicationFactor, new TreeMap<>(), ts);
            }
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("schema record " + key + " ends early (" + value.length + " bytes)");
        }
        throw new IllegalArgumentException("unknown schema record " + key);
    }

    private static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
    }

    private static void end(ByteBuffer in, String key) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after schema record " + key);
        }
    }

    private static byte[] encode(KeyspaceState state) {
        byte[] definition = state.definition() == null ? null : SchemaSerializer.serialize(state.definition());
        ByteBuffer out = ByteBuffer.allocate(8 + 1 + (definition == null ? 0 : 4 + definition.length));
        out.putLong(state.droppedAtMicros());
        out.put((byte) (definition == null ? 0 : 1));
        if (definition != null) {
            out.putInt(definition.length).put(definition);
        }
        return out.array();
    }

    private static byte[] encode(TableState state) {
        List<byte[]> versions = new ArrayList<>();
        int size = 8 + 4;
        for (TableMetadata t : state.versions().values()) {
            byte[] b = SchemaSerializer.serialize(t);
            versions.add(b);
            size += 4 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putLong(state.droppedAtMicros()).putInt(versions.size());
        versions.forEach(b -> out.putInt(b.length).put(b));
        return out.array();
    }

    /**
     * SHA-256 over every record (key and value, in key order): equal exactly when two nodes hold the
     * same state. The definitions' own bytes are {@link SchemaSerializer}'s deterministic form.
     */
    public byte[] digest() {
        if (digest == null) {
            digest = computeDigest();
        }
        return digest.clone();
    }

    private byte[] computeDigest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
        for (Map.Entry<String, byte[]> record : records().entrySet()) {
            byte[] key = record.getKey().getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(key.length).array());
            sha.update(key);
            sha.update(ByteBuffer.allocate(4).putInt(record.getValue().length).array());
            sha.update(record.getValue());
        }
        return sha.digest();
    }

    /** {@link #digest} in lower-case hex, as gossip carries it. */
    public String digestHex() {
        return HexFormat.of().formatHex(digest());
    }

    /** The changes a client sees between {@code before} and {@code after}, keyspaces first, by name. */
    public static List<SchemaChange> changes(Schema before, Schema after) {
        List<SchemaChange> out = new ArrayList<>();
        TreeMap<String, Boolean> names = new TreeMap<>();
        before.keyspaces.keySet().forEach(n -> names.put(n, true));
        after.keyspaces.keySet().forEach(n -> names.put(n, true));
        for (String name : names.keySet()) {
            change(out, before.keyspace(name), after.keyspace(name), SchemaChange.Target.KEYSPACE, name, null);
        }
        TreeMap<String, Boolean> tableNames = new TreeMap<>();
        before.tables.keySet().forEach(n -> tableNames.put(n, true));
        after.tables.keySet().forEach(n -> tableNames.put(n, true));
        for (String qualified : tableNames.keySet()) {
            int dot = qualified.indexOf('.');
            String ks = qualified.substring(0, dot);
            String table = qualified.substring(dot + 1);
            change(out, before.table(ks, table), after.table(ks, table), SchemaChange.Target.TABLE, ks, table);
        }
        return out;
    }

    private static void change(List<SchemaChange> out, Object before, Object after, SchemaChange.Target target,
                               String keyspace, String table) {
        if (before == null && after != null) {
            out.add(new SchemaChange(SchemaChange.Type.CREATED, target, keyspace, table));
        } else if (before != null && after == null) {
            out.add(new SchemaChange(SchemaChange.Type.DROPPED, target, keyspace, table));
        } else if (before != null && !before.equals(after)) {
            out.add(new SchemaChange(SchemaChange.Type.UPDATED, target, keyspace, table));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schema s && Arrays.equals(s.digest(), digest());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest());
    }

    @Override
    public String toString() {
        return "Schema[" + keyspaces.keySet() + ", " + tables.keySet() + "]";
    }
}
