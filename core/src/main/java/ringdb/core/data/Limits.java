package ringdb.core.data;

/**
 * Every limit on the data that flows through a node, in one place, and the relations between
 * them: anything a client may write must also fit every message and record it later travels in
 * (a mutation to a replica, a hint in the hints store, a commit log record, a range sync or
 * stream chunk, a native protocol frame, an HTTP request). The static relations are checked when
 * this class is loaded ({@link #checkRelations()}, so a node with inconsistent constants does
 * not start); the relations that involve a configured value are checked by the {@code check…}
 * methods, called when a configuration is built.
 */
public final class Limits {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    // ---- what a client may write ----

    /** Largest key accepted, in bytes (64 KiB). Fixed: it is part of the on-disk formats. */
    public static final int KEY_SIZE_BYTES_MAX = 64 * KIB;
    /** Default largest value, in bytes (1 MiB); configurable per node up to {@link #VALUE_SIZE_BYTES_CEILING}. */
    public static final int VALUE_SIZE_BYTES_DEFAULT = MIB;

    // ---- tables (docs/data-model.md) ----

    /** Longest column name, in UTF-8 bytes. It is part of every cell's storage key. */
    public static final int COLUMN_NAME_BYTES_MAX = 256;
    /**
     * Largest serialized partition key (one component's bytes, or the composite form of several),
     * as large as a key of the key-value API so that the built-in key-value table holds every key.
     */
    public static final int PARTITION_KEY_BYTES_MAX = KEY_SIZE_BYTES_MAX;
    /** Largest sum of a row's serialized clustering values. */
    public static final int CLUSTERING_BYTES_MAX = 16 * KIB;
    /** Largest serialized key of a non-frozen collection element (a set element or map key). */
    public static final int COLLECTION_ELEMENT_KEY_BYTES_MAX = 16 * KIB;
    /** Most elements one collection value may hold. */
    public static final int COLLECTION_ELEMENTS_MAX = 65_535;
    /**
     * Longest storage key of a table entry: the table id, the partition key, the clustering values
     * and a collection element key, each escaped (at most twice its bytes) with its markers, and
     * the column name. The storage engine must accept keys this long before tables are stored.
     */
    public static final int TABLE_STORAGE_KEY_BYTES_MAX = 16 + 2 * PARTITION_KEY_BYTES_MAX
            + 2 * CLUSTERING_BYTES_MAX + 2 * COLLECTION_ELEMENT_KEY_BYTES_MAX + 2 * COLUMN_NAME_BYTES_MAX + 4 * KIB;
    /**
     * Longest key of a node's store (201 232 bytes): a table entry's ({@link #TABLE_STORAGE_KEY_BYTES_MAX}),
     * which is longer than a key of the key-value API with its tag byte ({@link #KEY_SIZE_BYTES_MAX} + 1,
     * {@link ringdb.core.ring.StorageKeys#kv}) or a node-local key (system records, hints). Every
     * store, commit log record and message that carries a stored key accepts keys this long.
     */
    public static final int STORAGE_KEY_BYTES_MAX = TABLE_STORAGE_KEY_BYTES_MAX;
    /**
     * Largest mutation of one partition (a row write, a partition update), its keys, values and
     * about 32 bytes per entry together: half an internode frame, so that it can be sent, hinted and
     * streamed with room for its envelope.
     */
    public static final int MUTATION_BYTES_MAX = 8 * MIB;

    // ---- internode messages (docs/formats/messages.md) ----

    /** Largest internode frame (bytes after the length field); a frame claiming more is refused unread. */
    public static final int FRAME_SIZE_BYTES_MAX = 16 * MIB;
    /** Longest node id (its internode address) on the wire. */
    public static final int NODE_ID_BYTES_MAX = KIB;
    /** Longest gossip application state name on the wire. */
    public static final int STATE_NAME_BYTES_MAX = KIB;
    /** Longest gossip application state value on the wire. */
    public static final int STATE_VALUE_BYTES_MAX = 64 * KIB;
    /** Longest error text in a mutation response. */
    public static final int ERROR_BYTES_MAX = 64 * KIB;
    /**
     * Bound on the bytes of a data-carrying message besides its one key and one value: frame
     * version, type and checksum, the sender's id, request id, cell kind and timestamp, length
     * fields, a range sync response's flags, the tag byte of a data store key (a maximal mutation
     * needs about 1.1 KiB of it).
     */
    public static final int MESSAGE_ENVELOPE_BYTES_MAX = 64 * KIB;
    /**
     * No configuration may raise the value limit above this (16 MiB - 128 KiB): the largest value
     * whose mutation, read answer or single-entry range sync chunk, with a key of
     * {@link #KEY_SIZE_BYTES_MAX}, fits one internode frame, so that every value a client may
     * write can be replicated, hinted, repaired and streamed.
     */
    public static final int VALUE_SIZE_BYTES_CEILING =
            FRAME_SIZE_BYTES_MAX - KEY_SIZE_BYTES_MAX - MESSAGE_ENVELOPE_BYTES_MAX;

    /**
     * Largest stored entry, key and value together: a tagged maximal key of the key-value API and
     * the largest value, what one internode frame carries (a mutation, a read answer, a range sync
     * or stream chunk of one entry). A table entry's key may be longer than a key-value key
     * ({@link #TABLE_STORAGE_KEY_BYTES_MAX}); it leaves that much less room for its value.
     */
    public static final long ENTRY_BYTES_MAX = (long) KEY_SIZE_BYTES_MAX + 1 + VALUE_SIZE_BYTES_CEILING;

    /** Why {@link #VALUE_SIZE_BYTES_CEILING} is what it is, for messages and documentation. */
    public static final String VALUE_SIZE_BYTES_CEILING_REASON = "a larger value with a key of " + KEY_SIZE_BYTES_MAX
            + " bytes would not fit an internode frame of " + FRAME_SIZE_BYTES_MAX
            + " bytes, so it could not be replicated, hinted or repaired";

    // ---- range sync (catch-up, repair) and streaming ----

    /** Most entries one range sync (or stream) chunk carries, whatever the requester asks. */
    public static final int RANGE_SYNC_ENTRIES_MAX = 10_000;
    /**
     * Largest configurable size of a range sync chunk (half a frame). A chunk stops before it
     * passes its size, but always holds at least one entry, so it is at most
     * max(chunk size, one maximal entry) plus its envelope.
     */
    public static final int RANGE_SYNC_CHUNK_BYTES_CEILING = FRAME_SIZE_BYTES_MAX / 2;

    // ---- hints (the hints store is a storage engine of its own) ----

    /** A hint's key: "H" + target node id + "\n" + generation (16 hex) + sequence (8 hex). */
    public static final int HINT_KEY_BYTES_MAX = 1 + NODE_ID_BYTES_MAX + 1 + 24;
    /**
     * A hint's value holds the mutation: [key length u32][key][kind u8][ttl i32, expiry i64 when the
     * cell expires][value], the key being a
     * data store key; this is its largest header.
     */
    public static final int HINT_HEADER_BYTES = 4 + 1 + 4 + 8;
    /**
     * Largest value any store holds: a hint of a maximal mutation. The hints engine's value limit,
     * and so the commit log's largest record, derive from it.
     */
    public static final int STORED_VALUE_SIZE_BYTES_CEILING = hintValueSizeBytesMax(VALUE_SIZE_BYTES_CEILING);

    // ---- native client protocol ----

    /** A native frame's bytes besides one key and one value (opcode, flags, stream id, timestamp, lengths). */
    public static final int NATIVE_FRAME_ENVELOPE_BYTES = 64;
    /** Requests one native connection may have in flight before the node stops reading from it. */
    public static final int NATIVE_IN_FLIGHT_PER_CONNECTION_MAX = 1024;

    // ---- HTTP ----

    /** Longest HTTP request line: a percent-encoded key of {@link #KEY_SIZE_BYTES_MAX} (3 bytes each) and the query. */
    public static final int HTTP_INITIAL_LINE_BYTES_MAX = 256 * KIB;
    /** Longest HTTP header block. */
    public static final int HTTP_HEADER_BYTES_MAX = 16 * KIB;
    /**
     * Largest answer a client reads, over HTTP or as a native frame: a maximal value with its
     * headers, or a large cluster or metrics answer.
     */
    public static final int HTTP_RESPONSE_BYTES_MAX = VALUE_SIZE_BYTES_CEILING + MIB;

    static {
        checkRelations();
    }

    private Limits() {
    }

    /** The hints engine's value limit for a node whose values are at most {@code valueSizeBytesMax}. */
    public static int hintValueSizeBytesMax(int valueSizeBytesMax) {
        return HINT_HEADER_BYTES + STORAGE_KEY_BYTES_MAX + valueSizeBytesMax;
    }

    /** Upper bound on the frame of a mutation (or read answer) carrying a key and a value of the largest sizes. */
    public static long mutationFrameBytesMax(int valueSizeBytesMax) {
        return (long) KEY_SIZE_BYTES_MAX + valueSizeBytesMax + MESSAGE_ENVELOPE_BYTES_MAX;
    }

    /** Longest native protocol frame (after its length field) a node accepts for values up to the given limit. */
    public static int nativeFrameBytesMax(int valueSizeBytesMax) {
        return valueSizeBytesMax + KEY_SIZE_BYTES_MAX + NATIVE_FRAME_ENVELOPE_BYTES;
    }

    /**
     * The relations between the constants above; throws {@link IllegalStateException} naming
     * the one that fails. Called once when the class loads.
     */
    public static void checkRelations() {
        relation(mutationFrameBytesMax(VALUE_SIZE_BYTES_CEILING) <= FRAME_SIZE_BYTES_MAX,
                "a mutation of a maximal key and value fits an internode frame");
        relation((long) RANGE_SYNC_CHUNK_BYTES_CEILING + MESSAGE_ENVELOPE_BYTES_MAX
                        + RANGE_SYNC_ENTRIES_MAX * 32L <= FRAME_SIZE_BYTES_MAX,
                "a full range sync chunk (its entries' lengths and timestamps included) fits an internode frame");
        relation(HINT_KEY_BYTES_MAX <= STORAGE_KEY_BYTES_MAX, "a hint's key is a key the hints store accepts");
        relation(STORAGE_KEY_BYTES_MAX >= KEY_SIZE_BYTES_MAX + 1, "a store holds a tagged key of the key-value API");
        relation((long) MUTATION_BYTES_MAX + MESSAGE_ENVELOPE_BYTES_MAX <= FRAME_SIZE_BYTES_MAX,
                "a maximal mutation fits an internode frame");
        relation(STORED_VALUE_SIZE_BYTES_CEILING >= hintValueSizeBytesMax(VALUE_SIZE_BYTES_CEILING),
                "a hint of a maximal mutation fits the hints store's value limit");
        relation((long) HTTP_INITIAL_LINE_BYTES_MAX >= 3L * KEY_SIZE_BYTES_MAX + 4 * KIB,
                "an HTTP request line holds a percent-encoded maximal key");
        relation(HTTP_RESPONSE_BYTES_MAX >= nativeFrameBytesMax(VALUE_SIZE_BYTES_CEILING),
                "a client reads an HTTP response or a native answer frame holding a maximal value");
        relation(nativeFrameBytesMax(VALUE_SIZE_BYTES_CEILING) > 0, "a native frame's length fits an int");
        relation(VALUE_SIZE_BYTES_DEFAULT <= VALUE_SIZE_BYTES_CEILING, "the default value limit is allowed");
        relation(PARTITION_KEY_BYTES_MAX >= KEY_SIZE_BYTES_MAX,
                "the built-in key-value table holds every key the key-value API accepts");
        relation(TABLE_STORAGE_KEY_BYTES_MAX <= FRAME_SIZE_BYTES_MAX / 4,
                "a table entry's storage key leaves most of an internode frame to its value");
    }

    private static void relation(boolean holds, String what) {
        if (!holds) {
            throw new IllegalStateException("limits disagree: it must hold that " + what);
        }
    }

    /**
     * Refuses a configured value limit a node could not honour: a value of that size must fit an
     * internode frame with its key, so it can be replicated, hinted, repaired and streamed.
     * {@code name} names the setting in the message.
     */
    public static void checkValueSizeBytesMax(long valueSizeBytesMax, String name) {
        if (valueSizeBytesMax < 1 || valueSizeBytesMax > VALUE_SIZE_BYTES_CEILING) {
            throw new IllegalArgumentException(name + " must be between 1 and " + VALUE_SIZE_BYTES_CEILING
                    + " bytes, got " + valueSizeBytesMax + ": " + VALUE_SIZE_BYTES_CEILING_REASON);
        }
    }

    /** Refuses a range sync chunk size over {@link #RANGE_SYNC_CHUNK_BYTES_CEILING}. */
    public static void checkRangeSyncChunkBytesMax(long chunkBytesMax, String name) {
        if (chunkBytesMax > RANGE_SYNC_CHUNK_BYTES_CEILING) {
            throw new IllegalArgumentException(name + " must be at most " + RANGE_SYNC_CHUNK_BYTES_CEILING
                    + " bytes (half an internode frame), got " + chunkBytesMax);
        }
    }

    /**
     * Refuses a per-peer send queue that could not hold one maximal mutation: every mutation of
     * a maximal value to that peer would be dropped.
     */
    public static void checkSendQueueBytesMax(long queueBytesMax, int valueSizeBytesMax, String name,
                                              String valueName) {
        long frame = mutationFrameBytesMax(valueSizeBytesMax);
        if (queueBytesMax < frame) {
            throw new IllegalArgumentException(name + " (" + queueBytesMax + ") must hold at least one mutation of a "
                    + "maximal key and value (" + frame + " bytes with " + valueName + " " + valueSizeBytesMax
                    + "); otherwise every such write to a peer would be dropped");
        }
    }

    /** Throws {@link InvalidRequestException} with a message naming the problem. */
    public static void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new InvalidRequestException("key must not be empty");
        }
        if (key.length > KEY_SIZE_BYTES_MAX) {
            throw new InvalidRequestException(
                    "key is " + key.length + " bytes; the limit is " + KEY_SIZE_BYTES_MAX + " bytes (64 KiB)");
        }
    }

    /**
     * Throws {@link InvalidRequestException} for a store's key that is empty or longer than
     * {@link #STORAGE_KEY_BYTES_MAX}.
     */
    public static void checkStorageKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new InvalidRequestException("key must not be empty");
        }
        if (key.length > STORAGE_KEY_BYTES_MAX) {
            throw new InvalidRequestException("a stored key is " + key.length + " bytes; the limit is "
                    + STORAGE_KEY_BYTES_MAX + " bytes (STORAGE_KEY_BYTES_MAX, the longest key of a table entry)");
        }
    }

    /** Throws {@link InvalidRequestException} when {@code value} is larger than {@code valueSizeBytesMax}. */
    public static void checkValue(byte[] value, int valueSizeBytesMax) {
        if (value != null && value.length > valueSizeBytesMax) {
            throw new InvalidRequestException(
                    "value is " + value.length + " bytes; the limit is " + valueSizeBytesMax + " bytes");
        }
    }
}
