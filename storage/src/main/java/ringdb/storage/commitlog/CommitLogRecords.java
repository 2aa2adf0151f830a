package ringdb.storage.commitlog;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import ringdb.core.Invariants;
import ringdb.core.data.Cell;
import ringdb.core.store.LocalStore;

/**
 * The payload of commit log records (docs/formats/commitlog.md): one mutation (a value, an
 * expiring value, a tombstone) or a batch of them, encoded and decoded by the same code. A batch
 * whose keys share a prefix (the entries of one row: partition key and clustering values) is
 * written with that prefix once and each key's rest after it.
 */
public final class CommitLogRecords {
    /**
     * The shortest shared key prefix a batch is written with once ({@link CommitLogFormat#TYPE_BATCH_SHARED}):
     * below it, the prefix's own length field costs about what it saves.
     */
    static final int SHARED_PREFIX_BYTES_MIN = 8;

    private CommitLogRecords() {
    }

    /** Bytes one mutation takes in a payload (as a record of its own, or inside a batch). */
    public static int mutationSize(byte[] key, Cell cell) {
        int valueBytes = cell.isTombstone() ? 0 : 4 + cell.value().length;
        int expiryBytes = cell.isExpiring() ? CommitLogFormat.EXPIRY_SIZE_BYTES : 0;
        return CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES + key.length + valueBytes + expiryBytes;
    }

    /** Bytes of the payload of a batch of {@code entries}, as {@link #writeBatch} writes it. */
    public static long batchSize(List<LocalStore.Entry> entries) {
        return batchSize(entries, sharedPrefix(entries));
    }

    /** Bytes of the payload of a batch of {@code entries} written with a shared prefix of {@code shared} bytes. */
    static long batchSize(List<LocalStore.Entry> entries, int shared) {
        long size = shared == 0 ? 1 + 4 : 1 + 4 + 4 + shared - (long) shared * entries.size();
        for (LocalStore.Entry entry : entries) {
            size += mutationSize(entry.key().key(), entry.cell());
        }
        return size;
    }

    /**
     * The length of the key prefix every entry of a batch of two or more shares, when it is at
     * least {@link #SHARED_PREFIX_BYTES_MIN} bytes; else 0 (the batch is written with whole keys).
     */
    static int sharedPrefix(List<LocalStore.Entry> entries) {
        if (entries.size() < 2) {
            return 0;
        }
        byte[] first = entries.get(0).key().key();
        int shared = first.length;
        for (int i = 1; i < entries.size() && shared >= SHARED_PREFIX_BYTES_MIN; i++) {
            byte[] key = entries.get(i).key().key();
            int mismatch = Arrays.mismatch(first, 0, shared, key, 0, Math.min(shared, key.length));
            if (mismatch >= 0) {
                shared = mismatch;
            } else {
                shared = Math.min(shared, key.length);
            }
        }
        return shared >= SHARED_PREFIX_BYTES_MIN ? shared : 0;
    }

    /**
     * Writes one mutation: {@code type timestamp key_length key [ttl expires_at] [value_length value]}.
     * The layout of a value and a tombstone is the one of versions 1 and 2.
     */
    public static void writeMutation(ByteBuffer out, byte[] key, Cell cell) {
        writeMutation(out, key, 0, cell);
    }

    /** Writes one mutation with {@code key} from {@code keyFrom} on (what follows a batch's shared prefix). */
    private static void writeMutation(ByteBuffer out, byte[] key, int keyFrom, Cell cell) {
        byte type = cell.isTombstone() ? CommitLogFormat.TYPE_DELETE
                : cell.isExpiring() ? CommitLogFormat.TYPE_PUT_EXPIRING : CommitLogFormat.TYPE_PUT;
        out.put(type).putLong(cell.timestampMicros());
        out.putInt(key.length - keyFrom).put(key, keyFrom, key.length - keyFrom);
        if (cell.isExpiring()) {
            out.putInt(cell.ttlSeconds()).putLong(cell.expiresAtSeconds());
        }
        if (!cell.isTombstone()) {
            out.putInt(cell.value().length).put(cell.value());
        }
    }

    /**
     * Writes a batch: {@code 4 count mutation*}, or with {@code shared} > 0 (what {@link #sharedPrefix}
     * found) {@code 5 count shared prefix mutation*}, each mutation's key without the prefix.
     */
    static void writeBatch(ByteBuffer out, List<LocalStore.Entry> entries, int shared) {
        if (shared == 0) {
            out.put(CommitLogFormat.TYPE_BATCH).putInt(entries.size());
        } else {
            out.put(CommitLogFormat.TYPE_BATCH_SHARED).putInt(entries.size()).putInt(shared)
                    .put(entries.get(0).key().key(), 0, shared);
        }
        for (LocalStore.Entry entry : entries) {
            writeMutation(out, entry.key().key(), shared, entry.cell());
        }
    }

    /** Receives each mutation decoded from a payload. */
    public interface MutationVisitor {
        void mutation(byte[] key, Cell cell);
    }

    /**
     * Decodes the payload in {@code bytes[start, end)}; returns null when it is whole, else what
     * does not fit (the caller reports it as corruption). Mutations are handed over only when the
     * whole payload parsed, so a batch is replayed all or none.
     */
    public static String read(ByteBuffer bytes, int start, int end, MutationVisitor visitor) {
        ByteBuffer in = bytes.duplicate().limit(end).position(start);
        byte type = in.get(start);
        if (type != CommitLogFormat.TYPE_BATCH && type != CommitLogFormat.TYPE_BATCH_SHARED) {
            return readMutations(in, 1, end, NO_PREFIX, visitor);
        }
        int fixed = type == CommitLogFormat.TYPE_BATCH ? 5 : 9;
        if (end - start < fixed) {
            return "batch record of " + (end - start) + " bytes is too short";
        }
        in.position(start + 1);
        int count = in.getInt();
        byte[] prefix = NO_PREFIX;
        if (type == CommitLogFormat.TYPE_BATCH_SHARED) {
            int shared = in.getInt();
            if (shared < 1 || shared > end - in.position()) {
                return "shared key prefix length " + shared + " does not fit the record";
            }
            prefix = new byte[shared];
            in.get(prefix);
        }
        if (count < 1 || count > (end - in.position()) / CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES) {
            return "batch count " + count + " does not fit the record";
        }
        return readMutations(in, count, end, prefix, visitor);
    }

    private static final byte[] NO_PREFIX = new byte[0];

    private static String readMutations(ByteBuffer in, int count, int end, byte[] prefix, MutationVisitor visitor) {
        byte[][] keys = new byte[count][];
        Cell[] cells = new Cell[count];
        for (int i = 0; i < count; i++) {
            String damage = readMutation(in, end, prefix, keys, cells, i);
            if (damage != null) {
                return damage;
            }
        }
        if (in.position() != end) {
            // The writer frames a tombstone as the fixed fields and the key, nothing after.
            Invariants.check(!cells[count - 1].isTombstone(), "a commit log tombstone's key fills its payload");
            return (end - in.position()) + " bytes follow the last mutation of the record";
        }
        for (int i = 0; i < count; i++) {
            visitor.mutation(keys[i], cells[i]);
        }
        return null;
    }

    private static String readMutation(ByteBuffer in, int end, byte[] prefix, byte[][] keys, Cell[] cells, int i) {
        if (end - in.position() < CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES) {
            return "mutation " + i + " is cut short";
        }
        byte type = in.get();
        long timestamp = in.getLong();
        int keyLength = in.getInt();
        if (type != CommitLogFormat.TYPE_PUT && type != CommitLogFormat.TYPE_DELETE
                && type != CommitLogFormat.TYPE_PUT_EXPIRING) {
            return "mutation " + i + " has unknown type " + type;
        }
        // after a shared prefix a key's own part may be empty; a whole key never is
        if (keyLength < (prefix.length == 0 ? 1 : 0) || keyLength > end - in.position()) {
            return "key length " + keyLength + " does not fit the record";
        }
        byte[] key = new byte[prefix.length + keyLength];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        in.get(key, prefix.length, keyLength);
        if (type == CommitLogFormat.TYPE_DELETE) {
            keys[i] = key;
            cells[i] = Cell.tombstone(timestamp);
            return null;
        }
        int ttl = 0;
        long expiresAt = 0;
        if (type == CommitLogFormat.TYPE_PUT_EXPIRING) {
            if (end - in.position() < CommitLogFormat.EXPIRY_SIZE_BYTES) {
                return "expiry of mutation " + i + " is cut short";
            }
            ttl = in.getInt();
            expiresAt = in.getLong();
            if (ttl <= 0 || expiresAt <= 0) {
                return "expiring mutation " + i + " has ttl " + ttl + " and expiry " + expiresAt;
            }
        }
        if (end - in.position() < 4) {
            return "value length of mutation " + i + " is cut short";
        }
        int valueLength = in.getInt();
        if (valueLength < 0 || valueLength > end - in.position()) {
            return "value length " + valueLength + " does not fit the record";
        }
        byte[] value = new byte[valueLength];
        in.get(value);
        keys[i] = key;
        cells[i] = ttl == 0 ? Cell.value(value, timestamp) : Cell.expiring(value, timestamp, ttl, expiresAt);
        return null;
    }
}
