package ringdb.server.cql;

import com.datastax.oss.protocol.internal.ProtocolConstants;

/**
 * An error the CQL server sends to the client as an ERROR message: one of the codes of the
 * native protocol (v4, section 9) with a message and, for some codes, the fields drivers act on
 * (a driver retries a read timeout with data present, re-prepares on Unprepared, reports
 * AlreadyExists with its keyspace and table...). The query handler throws these (or completes its
 * future with them); anything else it throws is answered as a Server error.
 */
public final class CqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error codes of the protocol that ringdb sends. */
    public enum Code {
        SERVER_ERROR(ProtocolConstants.ErrorCode.SERVER_ERROR),
        PROTOCOL_ERROR(ProtocolConstants.ErrorCode.PROTOCOL_ERROR),
        AUTHENTICATION_ERROR(ProtocolConstants.ErrorCode.AUTH_ERROR),
        UNAVAILABLE(ProtocolConstants.ErrorCode.UNAVAILABLE),
        OVERLOADED(ProtocolConstants.ErrorCode.OVERLOADED),
        IS_BOOTSTRAPPING(ProtocolConstants.ErrorCode.IS_BOOTSTRAPPING),
        WRITE_TIMEOUT(ProtocolConstants.ErrorCode.WRITE_TIMEOUT),
        READ_TIMEOUT(ProtocolConstants.ErrorCode.READ_TIMEOUT),
        SYNTAX_ERROR(ProtocolConstants.ErrorCode.SYNTAX_ERROR),
        UNAUTHORIZED(ProtocolConstants.ErrorCode.UNAUTHORIZED),
        INVALID(ProtocolConstants.ErrorCode.INVALID),
        CONFIG_ERROR(ProtocolConstants.ErrorCode.CONFIG_ERROR),
        ALREADY_EXISTS(ProtocolConstants.ErrorCode.ALREADY_EXISTS),
        UNPREPARED(ProtocolConstants.ErrorCode.UNPREPARED);

        public final int wire;

        Code(int wire) {
            this.wire = wire;
        }
    }

    /** How a write that timed out was to be applied (WriteTimeout's write_type). */
    public enum WriteType { SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG, CAS, VIEW, CDC }

    private final Code code;
    private final CqlConsistency consistency;
    private final int required;
    private final int received;
    private final boolean dataPresent;
    private final WriteType writeType;
    private final String keyspace;
    private final String table;
    private final byte[] preparedId;

    private CqlException(Code code, String message, CqlConsistency consistency, int required, int received,
                         boolean dataPresent, WriteType writeType, String keyspace, String table, byte[] preparedId) {
        super(message);
        this.code = code;
        this.consistency = consistency;
        this.required = required;
        this.received = received;
        this.dataPresent = dataPresent;
        this.writeType = writeType;
        this.keyspace = keyspace;
        this.table = table;
        this.preparedId = preparedId;
    }

    private static CqlException simple(Code code, String message) {
        return new CqlException(code, message, null, 0, 0, false, null, null, null, null);
    }

    public static CqlException syntax(String message) {
        return simple(Code.SYNTAX_ERROR, message);
    }

    public static CqlException invalid(String message) {
        return simple(Code.INVALID, message);
    }

    public static CqlException protocol(String message) {
        return simple(Code.PROTOCOL_ERROR, message);
    }

    public static CqlException server(String message) {
        return simple(Code.SERVER_ERROR, message);
    }

    public static CqlException overloaded(String message) {
        return simple(Code.OVERLOADED, message);
    }

    public static CqlException unauthorized(String message) {
        return simple(Code.UNAUTHORIZED, message);
    }

    public static CqlException authentication(String message) {
        return simple(Code.AUTHENTICATION_ERROR, message);
    }

    public static CqlException configuration(String message) {
        return simple(Code.CONFIG_ERROR, message);
    }

    public static CqlException bootstrapping(String message) {
        return simple(Code.IS_BOOTSTRAPPING, message);
    }

    /** Too few replicas alive for {@code consistency}: {@code required} needed, {@code alive} known alive. */
    public static CqlException unavailable(CqlConsistency consistency, int required, int alive) {
        return new CqlException(Code.UNAVAILABLE, "Cannot achieve consistency level " + consistency + ": " + required
                + " replicas required but only " + alive + " alive", consistency, required, alive, false, null, null,
                null, null);
    }

    /** A write acknowledged by {@code received} of the {@code blockFor} replicas it waited for. */
    public static CqlException writeTimeout(CqlConsistency consistency, int received, int blockFor,
                                            WriteType writeType) {
        return new CqlException(Code.WRITE_TIMEOUT, "Operation timed out - received only " + received
                + " responses of " + blockFor + " required at consistency " + consistency, consistency, blockFor,
                received, false, writeType, null, null, null);
    }

    /** A read answered by {@code received} of {@code blockFor} replicas; {@code dataPresent}: the data replica did. */
    public static CqlException readTimeout(CqlConsistency consistency, int received, int blockFor,
                                           boolean dataPresent) {
        return new CqlException(Code.READ_TIMEOUT, "Operation timed out - received only " + received
                + " responses of " + blockFor + " required at consistency " + consistency, consistency, blockFor,
                received, dataPresent, null, null, null, null);
    }

    /** CREATE of a keyspace ({@code table} empty) or table that exists. */
    public static CqlException alreadyExists(String keyspace, String table, String message) {
        return new CqlException(Code.ALREADY_EXISTS, message, null, 0, 0, false, null, keyspace,
                table == null ? "" : table, null);
    }

    /** EXECUTE of a statement id this node does not know: drivers prepare it again and retry. */
    public static CqlException unprepared(byte[] id, String message) {
        return new CqlException(Code.UNPREPARED, message, null, 0, 0, false, null, null, null, id.clone());
    }

    public Code code() {
        return code;
    }

    public CqlConsistency consistency() {
        return consistency;
    }

    /** Unavailable: replicas required; timeouts: block_for. */
    public int required() {
        return required;
    }

    /** Unavailable: replicas alive; timeouts: replicas that answered. */
    public int received() {
        return received;
    }

    public boolean dataPresent() {
        return dataPresent;
    }

    public WriteType writeType() {
        return writeType;
    }

    public String keyspace() {
        return keyspace;
    }

    public String table() {
        return table;
    }

    public byte[] preparedId() {
        return preparedId == null ? null : preparedId.clone();
    }
}
