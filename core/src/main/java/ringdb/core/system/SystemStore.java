package ringdb.core.system;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import ringdb.core.Clock;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.membership.Member;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * The node's own durable records: its last generation, the ring members it has seen, its
 * membership state and the progress of an interrupted bootstrap stream. This class is the one
 * owner of their keys and encodings ({@code docs/formats/system.md}, "never renumber").
 *
 * <p>The records share the node-local store with the hints (directory {@code hints/}), in a key
 * namespace of their own: every system key starts with {@code 'G'}, every hint key with
 * {@code 'H'}. {@link #load} makes the one pass over that store at start, keeps the system records
 * and hands every other entry to the hints engine, which therefore never sees a system record.
 *
 * <p>Writes take the timestamp from the caller (each record's writer keeps its own monotonic
 * stamp) and report durability through the given callback, as {@link LocalStore#apply} does. Not
 * thread-safe: the node's thread only.
 */
public final class SystemStore {
    /** First byte of every system key; a hint key starts with 'H'. Never change. */
    public static final byte KEY_PREFIX = 'G';
    private static final byte[] GENERATION_KEY = "Ggeneration".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MEMBERSHIP_KEY = "Gmembership".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STREAM_KEY = "Gstream".getBytes(StandardCharsets.UTF_8);
    private static final String MEMBER_KEY_PREFIX = "Gmember:";
    private static final String SCHEMA_KEY_PREFIX = "Gschema:";
    private static final int SCAN_CHUNK_ENTRIES = 1000;

    private final LocalStore store;

    public SystemStore(LocalStore store) {
        this.store = store;
    }

    /**
     * This node's persisted membership: status, tokens, the node it replaces (null if none), and
     * the node id it had when it wrote the record (null in a record written before ids were
     * recorded): a node whose id changed since (it moved to a new address) learns its former id.
     */
    public record MembershipRecord(String status, long[] tokens, NodeId replacing, NodeId self) {
    }

    /** Where an interrupted bootstrap stream stood: the move it belongs to and its completed ranges. */
    public record StreamRecord(String moveKey, Set<String> completedRanges) {
    }

    /**
     * One pass over the node-local store (after a restart): remembered ring members other than
     * {@code self} go to {@code members}, every entry outside the system namespace to
     * {@code otherEntries}, in the store's order.
     */
    public void load(NodeId self, Consumer<Member> members, Consumer<LocalStore.Entry> otherEntries) {
        load(self, members, (name, cell) -> { }, otherEntries);
    }

    /**
     * {@link #load(NodeId, Consumer, Consumer)}, also handing every schema record (live or deleted)
     * to {@code schemaRecords} with its record name (see {@link #writeSchemaRecord}).
     */
    public void load(NodeId self, Consumer<Member> members, BiConsumer<String, Cell> schemaRecords,
                     Consumer<LocalStore.Entry> otherEntries) {
        DecoratedKey after = null;
        while (true) {
            // (MAX, MAX] is the whole ring walked from MIN to MAX, so the resume key is unambiguous
            List<LocalStore.Entry> chunk = store.scan(Long.MAX_VALUE, Long.MAX_VALUE, after, SCAN_CHUNK_ENTRIES);
            for (LocalStore.Entry entry : chunk) {
                byte[] key = entry.key().key();
                if (key.length > 0 && key[0] == KEY_PREFIX && isSchemaKey(key)) {
                    schemaRecords.accept(new String(key, SCHEMA_KEY_PREFIX.length(),
                            key.length - SCHEMA_KEY_PREFIX.length(), StandardCharsets.UTF_8), entry.cell());
                } else if (key.length > 0 && key[0] == KEY_PREFIX) {
                    Member member = decodeMember(self, entry);
                    if (member != null) {
                        members.accept(member);
                    }
                } else {
                    otherEntries.accept(entry);
                }
            }
            if (chunk.size() < SCAN_CHUNK_ENTRIES) {
                return;
            }
            after = chunk.get(chunk.size() - 1).key();
        }
    }

    // ---- generation: "Ggeneration" → 8 bytes, big-endian; the cell's timestamp is the generation too ----

    /** The last generation this node started with, 0 if none was recorded. */
    public long lastGeneration() {
        Cell previous = store.read(GENERATION_KEY);
        return previous == null || previous.isTombstone() ? 0 : ByteBuffer.wrap(previous.value()).getLong();
    }

    /**
     * Records and returns a generation strictly greater than {@code current} and than the last one
     * recorded: the clock's time if it is, so generations stay near the time a node started.
     */
    public long nextGeneration(Clock clock, long current, Consumer<Throwable> onDurable) {
        long last = lastGeneration();
        long next = Math.max(Math.max(clock.nowMicros(), last + 1), current + 1);
        writeGeneration(next, onDurable);
        return next;
    }

    public void writeGeneration(long generation, Consumer<Throwable> onDurable) {
        store.apply(GENERATION_KEY, Cell.value(ByteBuffer.allocate(8).putLong(generation).array(), generation),
                onDurable);
    }

    // ---- ring members: "Gmember:<node id>" → "status|tokens|replacing" (Cassandra's peers table) ----

    /** Persists (or, with null, forgets) a peer's ring membership. */
    public void writeMember(NodeId node, Member member, long stampMicros, Consumer<Throwable> onDurable) {
        byte[] key = (MEMBER_KEY_PREFIX + node.id()).getBytes(StandardCharsets.UTF_8);
        Cell cell = member == null ? Cell.tombstone(stampMicros) : Cell.value((member.status() + "|"
                + ApplicationState.encodeTokens(member.tokens()) + "|"
                + (member.replacing() == null ? "" : member.replacing().id())).getBytes(StandardCharsets.UTF_8),
                stampMicros);
        store.apply(key, cell, onDurable);
    }

    /** A remembered ring member (generation unknown: 0), or null for any other system record. */
    private static Member decodeMember(NodeId self, LocalStore.Entry entry) {
        String key = new String(entry.key().key(), StandardCharsets.UTF_8);
        if (!key.startsWith(MEMBER_KEY_PREFIX) || entry.cell().isTombstone()) {
            return null;
        }
        NodeId node = NodeId.of(key.substring(MEMBER_KEY_PREFIX.length()));
        String[] parts = new String(entry.cell().value(), StandardCharsets.UTF_8).split("\\|", -1);
        if (node.equals(self) || parts.length != 3) {
            return null;
        }
        long[] remembered = ApplicationState.decodeTokens(parts[1]);
        if (remembered.length == 0) {
            return null;
        }
        return new Member(node, 0, parts[0], remembered, parts[2].isEmpty() ? null : NodeId.of(parts[2]));
    }

    // ---- membership: "Gmembership" → "status\ntokens\nreplacing\nself" ----

    /** The persisted membership record and its timestamp; null if this node never recorded one. */
    public Cell membershipCell() {
        return store.read(MEMBERSHIP_KEY);
    }

    /** Decodes a live membership cell from {@link #membershipCell()}. */
    public static MembershipRecord decodeMembership(Cell cell) {
        String[] lines = new String(cell.value(), StandardCharsets.UTF_8).split("\n", -1);
        long[] tokens = ApplicationState.decodeTokens(lines.length > 1 ? lines[1] : "");
        NodeId replacing = lines.length > 2 && !lines[2].isEmpty() ? NodeId.of(lines[2]) : null;
        NodeId self = lines.length > 3 && !lines[3].isEmpty() ? NodeId.of(lines[3]) : null;
        return new MembershipRecord(lines[0], tokens, replacing, self);
    }

    /** Writes this node's membership record; {@code self} is the node's id now. */
    public void writeMembership(String status, long[] tokens, NodeId replacing, NodeId self, long stampMicros,
                                Consumer<Throwable> onDurable) {
        String text = status + "\n" + ApplicationState.encodeTokens(tokens) + "\n"
                + (replacing == null ? "" : replacing.id()) + "\n" + self.id();
        store.apply(MEMBERSHIP_KEY, Cell.value(text.getBytes(StandardCharsets.UTF_8), stampMicros), onDurable);
    }

    // ---- bootstrap stream progress: "Gstream" → "move key\ncompleted,ranges" ----

    /** The persisted stream progress cell and its timestamp; null if none was ever recorded. */
    public Cell streamCell() {
        return store.read(STREAM_KEY);
    }

    /** Decodes a live stream progress cell from {@link #streamCell()}. */
    public static StreamRecord decodeStream(Cell cell) {
        String[] lines = new String(cell.value(), StandardCharsets.UTF_8).split("\n", -1);
        Set<String> completed = lines.length > 1 && !lines[1].isEmpty() ? Set.of(lines[1].split(",")) : Set.of();
        return new StreamRecord(lines[0], completed);
    }

    public void writeStream(String moveKey, Set<String> completedRanges, long stampMicros,
                            Consumer<Throwable> onDurable) {
        String text = moveKey + "\n" + String.join(",", new TreeSet<>(completedRanges));
        store.apply(STREAM_KEY, Cell.value(text.getBytes(StandardCharsets.UTF_8), stampMicros), onDurable);
    }

    /** Forgets the stream progress (the bootstrap finished, or was withdrawn and must restart). */
    public void clearStream(long stampMicros, Consumer<Throwable> onDurable) {
        store.apply(STREAM_KEY, Cell.tombstone(stampMicros), onDurable);
    }

    // ---- schema: "Gschema:<record name>" → the record (ringdb.core.catalog.Schema#records) ----

    private static boolean isSchemaKey(byte[] key) {
        byte[] prefix = SCHEMA_KEY_PREFIX.getBytes(StandardCharsets.UTF_8);
        return key.length > prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Persists one schema record ("ks:app", "table:app.users"): the whole state of that name, merged,
     * so the newest write holds everything; {@code stampMicros} must increase from write to write.
     */
    public void writeSchemaRecord(String name, byte[] record, long stampMicros, Consumer<Throwable> onDurable) {
        store.apply((SCHEMA_KEY_PREFIX + name).getBytes(StandardCharsets.UTF_8), Cell.value(record, stampMicros),
                onDurable);
    }
}
