package ringdb.server.api;

/**
 * Told about every finished client request, whatever its protocol (metrics).
 * Called on Netty I/O threads; must not block.
 */
public interface RequestObserver {
    RequestObserver NONE = (operation, outcome, latencyNanos) -> { };

    /** @param operation "put", "get", "delete", "cluster"...; @param outcome "ok", "not_found", "unavailable"... */
    void onRequest(String operation, String outcome, long latencyNanos);
}
