package ringdb.server.cql;

/**
 * The consistency levels of the CQL native protocol, with their wire codes (protocol v4, section 3).
 * The query handler decides which of them it serves and refuses the others with an Invalid error.
 */
public enum CqlConsistency {
    ANY(0x0000), ONE(0x0001), TWO(0x0002), THREE(0x0003), QUORUM(0x0004), ALL(0x0005), LOCAL_QUORUM(0x0006),
    EACH_QUORUM(0x0007), SERIAL(0x0008), LOCAL_SERIAL(0x0009), LOCAL_ONE(0x000A);

    public final int code;

    CqlConsistency(int code) {
        this.code = code;
    }

    /** Every level, made once (values() copies its array on each call). */
    private static final CqlConsistency[] LEVELS = values();

    /** The level with wire code {@code code}; throws {@link CqlException} (protocol error) for an unknown code. */
    public static CqlConsistency of(int code) {
        for (CqlConsistency level : LEVELS) {
            if (level.code == code) {
                return level;
            }
        }
        throw CqlException.protocol("unknown consistency level code 0x" + Integer.toHexString(code));
    }
}
