package ringdb.core.schema;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import ringdb.core.schema.types.CqlTypes;

/**
 * The deterministic byte form of schema definitions (docs/data-model.md, "Schema serialization"):
 * equal definitions serialize to equal bytes on every node, so the bytes can be stored in system
 * tables and hashed into the schema digest that travels in gossip. Strings are u16 length plus
 * UTF-8; integers big-endian; maps in key order. The first byte is the format version.
 */
public final class SchemaSerializer {
    /** Format version of table and keyspace definitions. Never reuse a number. */
    public static final int VERSION = 1;

    private SchemaSerializer() {
    }

    public static byte[] serialize(KeyspaceMetadata keyspace) {
        return write(out -> {
            out.writeByte(VERSION);
            string(out, keyspace.name());
            out.writeLong(keyspace.timestampMicros());
            Replication r = keyspace.replication();
            out.writeByte(r.strategy().ordinal());
            out.writeInt(r.replicationFactor());
            TreeMap<String, Integer> dcs = r.sortedDatacenters();
            out.writeShort(dcs.size());
            for (Map.Entry<String, Integer> e : dcs.entrySet()) {
                string(out, e.getKey());
                out.writeInt(e.getValue());
            }
        });
    }

    public static KeyspaceMetadata deserializeKeyspace(byte[] bytes) {
        return read(bytes, in -> {
            version(in);
            String name = string(in);
            long timestamp = in.getLong();
            int strategyId = in.get();
            if (strategyId < 0 || strategyId >= Replication.Strategy.values().length) {
                throw new IllegalArgumentException("unknown replication strategy " + strategyId);
            }
            Replication.Strategy strategy = Replication.Strategy.values()[strategyId];
            int rf = in.getInt();
            Map<String, Integer> dcs = new TreeMap<>();
            for (int i = in.getShort(); i > 0; i--) {
                dcs.put(string(in), in.getInt());
            }
            return new KeyspaceMetadata(name, new Replication(strategy, rf, dcs), timestamp);
        });
    }

    public static byte[] serialize(TableMetadata table) {
        return write(out -> {
            out.writeByte(VERSION);
            string(out, table.keyspace());
            string(out, table.name());
            out.writeLong(table.id().getMostSignificantBits());
            out.writeLong(table.id().getLeastSignificantBits());
            out.writeLong(table.createdAtMicros());
            out.writeLong(table.incarnationMicros());
            TableParams p = table.params();
            out.writeInt(p.defaultTimeToLiveSeconds());
            out.writeInt(p.gcGraceSeconds());
            out.writeLong(p.timestampMicros());
            columns(out, table.partitionKey());
            columns(out, table.clustering());
            columns(out, table.addedColumns().values());
            out.writeShort(table.droppedColumns().size());
            for (Map.Entry<String, Long> e : table.droppedColumns().entrySet()) {
                string(out, e.getKey());
                out.writeLong(e.getValue());
            }
        });
    }

    public static TableMetadata deserializeTable(byte[] bytes) {
        return read(bytes, in -> {
            version(in);
            String keyspace = string(in);
            String name = string(in);
            UUID id = new UUID(in.getLong(), in.getLong());
            long created = in.getLong();
            long incarnation = in.getLong();
            TableParams params = new TableParams(in.getInt(), in.getInt(), in.getLong());
            List<ColumnMetadata> pk = columns(in);
            List<ColumnMetadata> ck = columns(in);
            Map<String, ColumnMetadata> added = new TreeMap<>();
            columns(in).forEach(c -> added.put(c.name(), c));
            Map<String, Long> dropped = new TreeMap<>();
            for (int i = in.getShort(); i > 0; i--) {
                dropped.put(string(in), in.getLong());
            }
            TableMetadata t = new TableMetadata(keyspace, name, created, incarnation, pk, ck, added, dropped, params);
            if (!t.id().equals(id)) {
                throw new IllegalArgumentException("table " + keyspace + "." + name + " claims id " + id
                        + " but its name and incarnation give " + t.id());
            }
            return t;
        });
    }

    /**
     * SHA-256 of every keyspace and table definition, keyspaces in name order then tables by
     * keyspace and name: two nodes with the same schema have the same digest.
     */
    public static byte[] digest(Collection<KeyspaceMetadata> keyspaces, Collection<TableMetadata> tables) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
        List<KeyspaceMetadata> ks = new ArrayList<>(keyspaces);
        ks.sort(Comparator.comparing(KeyspaceMetadata::name));
        for (KeyspaceMetadata k : ks) {
            framed(sha, serialize(k));
        }
        List<TableMetadata> ts = new ArrayList<>(tables);
        ts.sort(Comparator.comparing(TableMetadata::keyspace).thenComparing(TableMetadata::name));
        for (TableMetadata t : ts) {
            framed(sha, serialize(t));
        }
        return sha.digest();
    }

    private static void framed(MessageDigest sha, byte[] bytes) {
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static void columns(DataOutputStream out, Collection<ColumnMetadata> columns) throws IOException {
        out.writeShort(columns.size());
        for (ColumnMetadata c : columns) {
            string(out, c.name());
            string(out, c.type().cqlName());
            out.writeByte(c.kind().id);
            out.writeShort(c.position());
            out.writeBoolean(c.descending());
            out.writeLong(c.addedAtMicros());
        }
    }

    private static List<ColumnMetadata> columns(ByteBuffer in) {
        List<ColumnMetadata> out = new ArrayList<>();
        for (int i = in.getShort(); i > 0; i--) {
            String name = string(in);
            String type = string(in);
            ColumnKind kind = ColumnKind.of(in.get());
            out.add(new ColumnMetadata(name, CqlTypes.parse(type), kind, in.getShort(), in.get() != 0, in.getLong()));
        }
        return out;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    private static String string(ByteBuffer in) {
        byte[] b = new byte[in.getShort() & 0xFFFF];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void version(ByteBuffer in) {
        int v = in.get();
        if (v != VERSION) {
            throw new IllegalArgumentException("schema definition of format version " + v + ", expected " + VERSION);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, java.util.function.Function<ByteBuffer, T> reader) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            T t = reader.apply(in);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after a schema definition");
            }
            return t;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("schema definition ends early (" + bytes.length + " bytes)");
        }
    }
}
