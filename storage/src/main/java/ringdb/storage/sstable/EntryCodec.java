package ringdb.storage.sstable;

import java.nio.ByteBuffer;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/** One entry of a table as data blocks and the deletions section hold it (docs/formats/sstable.md). */
final class EntryCodec {
    private EntryCodec() {
    }

    static int size(DecoratedKey key, Cell cell) {
        int valueBytes = cell.isTombstone() ? 0 : 4 + cell.value().length;
        return 8 + 4 + key.key().length + 1 + 8 + (cell.isExpiring() ? 12 : 0) + valueBytes;
    }

    static void write(ByteBuffer out, DecoratedKey key, Cell cell) {
        out.putLong(key.token()).putInt(key.key().length).put(key.key());
        byte flag = cell.isTombstone() ? SSTableFormat.FLAG_TOMBSTONE
                : cell.isExpiring() ? SSTableFormat.FLAG_EXPIRING : SSTableFormat.FLAG_VALUE;
        out.put(flag).putLong(cell.timestampMicros());
        if (cell.isExpiring()) {
            out.putInt(cell.ttlSeconds()).putLong(cell.expiresAtSeconds());
        }
        if (!cell.isTombstone()) {
            out.putInt(cell.value().length).put(cell.value());
        }
    }

    /** Reads the cell part of an entry (after its key). */
    static Cell readCell(ByteBuffer block) {
        byte flag = block.get();
        long timestamp = block.getLong();
        if (flag == SSTableFormat.FLAG_TOMBSTONE) {
            return Cell.tombstone(timestamp);
        }
        int ttl = 0;
        long expiresAt = 0;
        if (flag == SSTableFormat.FLAG_EXPIRING) {
            ttl = block.getInt();
            expiresAt = block.getLong();
        } else if (flag != SSTableFormat.FLAG_VALUE) {
            throw new IllegalStateException("unknown entry flag " + flag);
        }
        byte[] value = new byte[block.getInt()];
        block.get(value);
        return flag == SSTableFormat.FLAG_EXPIRING ? Cell.expiring(value, timestamp, ttl, expiresAt)
                : Cell.value(value, timestamp);
    }

    static void skipCell(ByteBuffer block) {
        byte flag = block.get();
        block.position(block.position() + 8 + (flag == SSTableFormat.FLAG_EXPIRING ? 12 : 0));
        if (flag != SSTableFormat.FLAG_TOMBSTONE) {
            int valueLength = block.getInt();
            block.position(block.position() + valueLength);
        }
    }

    /** Reads a whole entry. */
    static DecoratedKey readKey(ByteBuffer block) {
        long token = block.getLong();
        byte[] key = new byte[block.getInt()];
        block.get(key);
        return new DecoratedKey(token, key);
    }
}
