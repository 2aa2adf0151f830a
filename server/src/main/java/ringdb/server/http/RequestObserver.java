package ringdb.server.http;

/** Told about every finished HTTP request (metrics). Called on Netty I/O threads; must not block. */
public interface RequestObserver {
    RequestObserver NONE = (operation, outcome, latencyNanos) -> { };

    /** @param operation "put", "get", "delete", "cluster"...; @param outcome "ok", "not_found", "unavailable"... */
    void onRequest(String operation, String outcome, long latencyNanos);
}
