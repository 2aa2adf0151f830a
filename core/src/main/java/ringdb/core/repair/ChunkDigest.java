package ringdb.core.repair;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import ringdb.core.data.Cell;
import ringdb.core.store.LocalStore;

/**
 * The SHA-256 of a run of entries in their canonical encoding, the same on every node (see
 * docs/formats/messages.md, RANGE_DIGEST_RESPONSE): for each entry in order,
 * {@code keyLength:i32 key timestampMicros:i64 tombstone:u8}, then {@code valueLength:i32 value}
 * for a live value (nothing more for a tombstone); integers big-endian. Two replicas holding the same
 * keys with the same cells get the same digest; any difference in a key, a timestamp, a
 * tombstone or a value byte changes it. Stateless.
 */
final class ChunkDigest {
    private ChunkDigest() {
    }

    static byte[] of(List<LocalStore.Entry> entries) {
        MessageDigest sha256 = newSha256();
        ByteBuffer fields = ByteBuffer.allocate(4 + 8 + 1 + 4);
        for (LocalStore.Entry entry : entries) {
            byte[] key = entry.key().key();
            Cell cell = entry.cell();
            fields.clear();
            fields.putInt(key.length);
            sha256.update(fields.array(), 0, fields.position());
            sha256.update(key);
            fields.clear();
            fields.putLong(cell.timestampMicros());
            fields.put((byte) (cell.isTombstone() ? 1 : 0));
            if (!cell.isTombstone()) {
                fields.putInt(cell.value().length);
            }
            sha256.update(fields.array(), 0, fields.position());
            if (!cell.isTombstone()) {
                sha256.update(cell.value());
            }
        }
        return sha256.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
