package ringdb.core.protocol;

import java.util.Locale;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Limits;

/**
 * The wire constants of the native client protocol, shared by the node that serves it (package
 * {@code ringdb.server.api.nativeprotocol}) and the client that speaks it ({@code ringdb.client}),
 * so neither side imports the other; mirrors {@code docs/formats/native-protocol.md}. A connection
 * opens with {@link #PREAMBLE}; then every request and answer is one frame
 * {@code length:u32 stream:u32 opcode:u8 body}, big-endian, where length counts the bytes after it.
 * Opcodes, status codes and consistency codes are on the wire: never renumber them.
 */
public final class NativeProtocol {
    /** The first bytes of a native connection: "\0RDB" then the version. */
    public static final byte[] MAGIC = {0, 'R', 'D', 'B'};
    public static final byte VERSION = 1;
    public static final byte[] PREAMBLE = {0, 'R', 'D', 'B', VERSION};

    /** Bytes of the length field. */
    public static final int LENGTH_BYTES = 4;
    /** Bytes every frame has after its length: stream id and opcode. */
    public static final int HEADER_BYTES = 5;
    /** Stream id of errors about the connection itself. */
    public static final int CONNECTION_STREAM = 0;
    /** Unanswered requests a node accepts on one connection before it stops reading from it. */
    public static final int IN_FLIGHT_PER_CONNECTION_MAX = Limits.NATIVE_IN_FLIGHT_PER_CONNECTION_MAX;

    // Request opcodes.
    public static final byte GET = 1;
    public static final byte PUT = 2;
    public static final byte DELETE = 3;
    /**
     * Logs the connection in when the node requires it: body {@code userLength:u16 user password}
     * (UTF-8, the password is the rest of the frame). Answered AUTHENTICATED, or ERROR 401.
     */
    public static final byte AUTH = 4;
    /** Writes columns of one row of a table (blind: nothing is read). */
    public static final byte ROW_WRITE = 5;
    /** Reads columns of one row of a table. */
    public static final byte ROW_READ = 6;
    /** Reads a page of a table's rows in token order (answered ROWS). */
    public static final byte SCAN = 7;
    /** SCAN start kinds: the ring's start, a partition key's token, a token (both inclusive), a paging state. */
    public static final int SCAN_FROM_RING_START = 0;
    public static final int SCAN_FROM_PARTITION = 1;
    public static final int SCAN_FROM_TOKEN = 2;
    public static final int SCAN_AFTER_PAGING = 3;
    /** Request flag: a client timestamp (i64 microseconds) follows. */
    public static final byte FLAG_TIMESTAMP = 1;
    /** ROW_WRITE flag: an insert, which also writes the row marker (without it: an update of the columns). */
    public static final byte FLAG_INSERT = 2;
    /** ROW_WRITE flag: a TTL (u32 seconds) follows the timestamp. */
    public static final byte FLAG_TTL = 4;
    /** A ROW_WRITE column value length meaning: delete the cell. */
    public static final int NULL_VALUE = -1;

    // Answer opcodes.
    public static final byte VALUE = 0;
    public static final byte WRITTEN = 1;
    public static final byte NOT_FOUND = 2;
    public static final byte ERROR = 3;
    public static final byte AUTHENTICATED = 4;
    /** A row's selected live columns. */
    public static final byte ROW = 5;
    /** A page of a scan's rows and the paging state of the next page. */
    public static final byte ROWS = 6;

    private NativeProtocol() {
    }

    /** Longest frame (after its length field) a node accepts when values may be up to {@code valueSizeBytesMax}. */
    public static int frameBytesMax(int valueSizeBytesMax) {
        return Limits.nativeFrameBytesMax(valueSizeBytesMax);
    }

    /** The wire byte of a consistency level name (ONE, QUORUM, ALL, TWO, THREE; never renumber), or -1. */
    public static int consistencyCode(String consistency) {
        return switch (consistency.trim().toUpperCase(Locale.ROOT)) {
            case "ONE" -> 0;
            case "QUORUM" -> 1;
            case "ALL" -> 2;
            case "TWO" -> 3;
            case "THREE" -> 4;
            default -> -1;
        };
    }

    /** The consistency level of a wire byte, or null when unknown. */
    public static ConsistencyLevel consistency(int code) {
        return switch (code) {
            case 0 -> ConsistencyLevel.ONE;
            case 1 -> ConsistencyLevel.QUORUM;
            case 2 -> ConsistencyLevel.ALL;
            case 3 -> ConsistencyLevel.TWO;
            case 4 -> ConsistencyLevel.THREE;
            default -> null;
        };
    }
}
