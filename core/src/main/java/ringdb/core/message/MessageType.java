package ringdb.core.message;

/** Stable wire ids of every message type. Never renumber; add new types with new ids. */
public enum MessageType {
    GOSSIP_SYN(1),
    GOSSIP_ACK(2),
    GOSSIP_ACK2(3),
    GOSSIP_SHUTDOWN(4),
    MUTATION_REQUEST(10),
    MUTATION_RESPONSE(11),
    READ_REQUEST(12),
    READ_RESPONSE(13),
    READ_FAILURE(14),
    RING_EPOCH_MISMATCH(15),
    RANGE_SYNC_REQUEST(20),
    RANGE_SYNC_RESPONSE(21),
    RANGE_DIGEST_REQUEST(22),
    RANGE_DIGEST_RESPONSE(23),
    SCHEMA_PULL(30),
    SCHEMA_PUSH(31),
    BATCH_MUTATION_REQUEST(32),
    SLICE_READ_REQUEST(33),
    SLICE_READ_RESPONSE(34),
    RANGE_SCAN_REQUEST(35),
    RANGE_SCAN_RESPONSE(36),
    BATCHLOG_STORE(37),
    BATCHLOG_REMOVE(38);

    private static final MessageType[] BY_ID = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;

    MessageType(int id) {
        this.id = id;
    }

    /** The id written in the frame's type byte (0..255). */
    public int id() {
        return id;
    }

    /** The type with this wire id, or null when no type has it. */
    public static MessageType byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
