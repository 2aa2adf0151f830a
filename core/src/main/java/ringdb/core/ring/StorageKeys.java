package ringdb.core.ring;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The keys of a node's data store, each self-describing: its first byte (the tag) says what it
 * is, and its token follows from the key alone (docs/formats/rows.md).
 *
 * <ul>
 *   <li>{@code 0x01 rawKey}: a key of the key-value API; its token is the partitioner's token of
 *   {@code rawKey}, so the ring places it where it placed the untagged key.</li>
 *   <li>{@code 0x02 table_id:16 partition ...}: a table entry. The partition key's components are
 *   escaped (each 0x00 written 0x00 0xFF); every component but the last ends 0x00 0x01, the last
 *   ends 0x00 0x02. Its token is the partitioner's token of the serialized partition key: one
 *   component's bytes, or per component {@code length:u16 bytes 0x00} (Cassandra's CompositeType).</li>
 * </ul>
 *
 * <p>The node-local stores (system records, hints) are not data stores and their keys carry no tag.
 * Stateless and thread-safe.
 */
public final class StorageKeys {
    /** Tag of a key of the key-value API. */
    public static final int KV = 0x01;
    /** Tag of a table entry. */
    public static final int TABLE = 0x02;
    /** Bytes of the table id after a table entry's tag. */
    public static final int TABLE_ID_BYTES = 16;
    /** Ends a partition key component that another follows. */
    public static final int COMPONENT_END = 0x01;
    /** Ends the last partition key component. */
    public static final int LAST_COMPONENT_END = 0x02;
    /** After 0x00 inside an escaped component: the 0x00 was part of the value. */
    public static final int ESCAPED_ZERO = 0xFF;
    /** Most partition key components a key may hold (a table has at most 64 primary key columns). */
    private static final int MAX_COMPONENTS = 64;

    private StorageKeys() {
    }

    /** The storage key of a key of the key-value API. */
    public static byte[] kv(byte[] rawKey) {
        byte[] key = new byte[rawKey.length + 1];
        key[0] = (byte) KV;
        System.arraycopy(rawKey, 0, key, 1, rawKey.length);
        return key;
    }

    /** Whether {@code storageKey} is a key of the key-value API. */
    public static boolean isKv(byte[] storageKey) {
        return storageKey.length > 0 && storageKey[0] == KV;
    }

    /** Whether {@code storageKey} is a table entry's key (by its tag; the rest is not checked). */
    public static boolean isTable(byte[] storageKey) {
        return storageKey.length > 0 && storageKey[0] == TABLE;
    }

    /** The key-value API's key of a storage key {@link #isKv} holds for. */
    public static byte[] rawKv(byte[] storageKey) {
        if (!isKv(storageKey)) {
            throw new IllegalArgumentException("not a key-value key: " + describeTag(storageKey));
        }
        return Arrays.copyOfRange(storageKey, 1, storageKey.length);
    }

    /** The token of a key of the key-value API (its raw bytes, untagged) under {@code partitioner}. */
    public static long kvToken(Partitioner partitioner, byte[] rawKey) {
        return partitioner.token(rawKey);
    }

    /**
     * The token under {@code partitioner} of a data store key: of its raw key for a key-value key, of
     * its serialized partition key for a table entry. Throws {@link IllegalArgumentException} saying
     * what is wrong for a key with another tag or a table entry's key that ends inside its partition key.
     */
    public static long token(Partitioner partitioner, byte[] storageKey) {
        if (isKv(storageKey)) {
            return partitioner.token(storageKey, 1, storageKey.length - 1);
        }
        if (isTable(storageKey)) {
            return partitioner.token(serializedPartitionKey(storageKey));
        }
        throw new IllegalArgumentException("not a data store key: " + describeTag(storageKey));
    }

    /**
     * A table entry's serialized partition key (what its token is computed from), read from the key
     * alone; throws {@link IllegalArgumentException} for a key that is not a well-formed table entry's.
     */
    public static byte[] serializedPartitionKey(byte[] storageKey) {
        if (!isTable(storageKey)) {
            throw new IllegalArgumentException("not a table entry's key: " + describeTag(storageKey));
        }
        int start = 1 + TABLE_ID_BYTES;
        if (storageKey.length < start) {
            throw new IllegalArgumentException("a table entry's key ends inside its table id: " + storageKey.length
                    + " bytes, at least " + (start + 2) + " needed");
        }
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        ByteArrayOutputStream composite = new ByteArrayOutputStream();
        int components = 0;
        int position = start;
        while (true) {
            ByteArrayOutputStream component = new ByteArrayOutputStream();
            position = readComponent(storageKey, position, component, components);
            components++;
            byte[] value = component.toByteArray();
            if (components == 1) {
                single.writeBytes(value);
            }
            boolean last = storageKey[position - 1] == LAST_COMPONENT_END;
            if (last && components == 1) {
                return single.toByteArray(); // one component: its bytes, whatever their length
            }
            if (value.length > 0xFFFF) {
                throw new IllegalArgumentException("component " + (components - 1) + " of a composite partition key"
                        + " is " + value.length + " bytes; at most 65535 fit its length field");
            }
            composite.write(value.length >>> 8);
            composite.write(value.length);
            composite.writeBytes(value);
            composite.write(0);
            if (last) {
                return composite.toByteArray();
            }
        }
    }

    /**
     * Reads one escaped component from {@code position} into {@code out}; returns the position after
     * its end marker (whose second byte is {@link #COMPONENT_END} or {@link #LAST_COMPONENT_END}).
     */
    private static int readComponent(byte[] key, int position, ByteArrayOutputStream out, int index) {
        int i = position;
        while (i < key.length) {
            int b = key[i++] & 0xFF;
            if (b != 0) {
                out.write(b);
                continue;
            }
            if (i == key.length) {
                break;
            }
            int next = key[i++] & 0xFF;
            if (next == COMPONENT_END || next == LAST_COMPONENT_END) {
                if (next == COMPONENT_END && index >= MAX_COMPONENTS - 1) {
                    throw new IllegalArgumentException("a table entry's key has more than 64 partition key components");
                }
                return i;
            }
            if (next != ESCAPED_ZERO) {
                throw new IllegalArgumentException("bad escape 0x00 0x" + Integer.toHexString(next)
                        + " in partition key component " + index + " of a table entry's key at byte " + (i - 1));
            }
            out.write(0);
        }
        throw new IllegalArgumentException("a table entry's key ends inside partition key component " + index
                + " (" + key.length + " bytes): its last component must end 0x00 0x02");
    }

    private static String describeTag(byte[] key) {
        if (key.length == 0) {
            return "the key is empty";
        }
        return "its first byte is 0x" + String.format("%02x", key[0] & 0xFF) + ", expected 0x01 (key-value) or"
                + " 0x02 (table entry)";
    }
}
