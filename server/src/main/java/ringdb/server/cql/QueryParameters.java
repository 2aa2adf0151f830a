package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a QUERY or EXECUTE (protocol v4, section 4.1.4): consistency, bound values by
 * position or by name (at most one of the two is non-empty; a value is null for a bound null and
 * {@link #UNSET} for an unset one), the page size ({@code <= 0}: no paging) and the paging state
 * of the previous page (null: first page), the serial consistency (null when not sent) and the
 * client's timestamp in microseconds ({@link #NO_TIMESTAMP} when not sent). {@code skipMetadata}:
 * the client knows the result's columns from PREPARE, so Rows may leave them out.
 */
public record QueryParameters(CqlConsistency consistency, List<ByteBuffer> positionalValues,
                              Map<String, ByteBuffer> namedValues, int pageSize, ByteBuffer pagingState,
                              CqlConsistency serialConsistency, long timestampMicros, boolean skipMetadata) {
    /** The timestamp of a request that sent none: the coordinator picks it. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /** The value of a bound variable the client left unset (protocol v4): the column is not written. */
    public static final ByteBuffer UNSET = com.datastax.oss.protocol.internal.ProtocolConstants.UNSET_VALUE;

    public QueryParameters {
        positionalValues = positionalValues == null || positionalValues.isEmpty() ? List.of()
                : java.util.Collections.unmodifiableList(
                new java.util.ArrayList<>(positionalValues));
        namedValues = namedValues == null || namedValues.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(namedValues));
    }

    /** ONE, no values, no paging: what the server uses for its own reads. */
    public static QueryParameters defaults() {
        return new QueryParameters(CqlConsistency.ONE, List.of(), Map.of(), -1, null, null, NO_TIMESTAMP, false);
    }
}
