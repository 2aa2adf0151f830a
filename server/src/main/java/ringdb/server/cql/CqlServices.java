package ringdb.server.cql;

import java.util.concurrent.atomic.AtomicInteger;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.audit.AuditLog;

/**
 * Everything a CQL connection uses that outlives it, shared by every connection of the listener:
 * the query handler and authenticator, the prepared statements, the event registry, the budget of
 * request bytes in flight, the count of requests being served (for a graceful drain), the request
 * observer (metrics), the largest frame accepted and the audit log.
 */
record CqlServices(CqlQueryHandler queries, Authenticator authenticator, PreparedCache prepared, CqlEvents events,
                   RequestBytesBudget budget, AtomicInteger inFlight, RequestObserver observer, int maxFrameBytes,
                   AuditLog audit) {
    /** Requests one connection may have in flight before it stops reading (drivers use up to 1024 by default). */
    static final int IN_FLIGHT_PER_CONNECTION_MAX = 2048;
}
