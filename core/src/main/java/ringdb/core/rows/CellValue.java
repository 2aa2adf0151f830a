package ringdb.core.rows;

import java.util.Arrays;
import java.util.HexFormat;
import ringdb.core.data.Cell;

/**
 * A live cell as a read returns it: its value (native protocol serialization; empty for a set
 * element and a row marker), the timestamp it was written at, and its TTL and expiry (0 = never).
 * Arrays must not be modified.
 */
public record CellValue(byte[] value, long timestampMicros, int ttlSeconds, long expiresAtSeconds) {
    static CellValue of(Cell cell) {
        return new CellValue(cell.value(), cell.timestampMicros(), cell.ttlSeconds(), cell.expiresAtSeconds());
    }

    /** Seconds the value still lives at {@code nowSeconds} (CQL's {@code TTL(column)}), or 0 when it never expires. */
    public long remainingTtlSeconds(long nowSeconds) {
        return expiresAtSeconds == 0 ? 0 : Math.max(0, expiresAtSeconds - nowSeconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellValue c && Arrays.equals(value, c.value) && timestampMicros == c.timestampMicros
                && ttlSeconds == c.ttlSeconds && expiresAtSeconds == c.expiresAtSeconds;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(value) + Long.hashCode(timestampMicros);
    }

    @Override
    public String toString() {
        return "0x" + HexFormat.of().formatHex(value) + "@" + timestampMicros
                + (ttlSeconds == 0 ? "" : " ttl " + ttlSeconds + "s until " + expiresAtSeconds);
    }
}
