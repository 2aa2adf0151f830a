package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import ringdb.core.NodeId;
import ringdb.core.message.Message;

/**
 * Correlates responses with the requests this node sent. Request ids are drawn from a generator
 * seeded once per node instance (a secret seed in the real runtime, so a peer cannot guess the id
 * of a request it was not sent; a seed from the simulation in the simulator, so runs repeat), never
 * 0 (0 means "no answer expected") and never an id still waiting. A response is handed to its
 * handler only when it comes from a node the request went to ({@link ResponseHandler#expects});
 * others are dropped and counted. Not thread-safe: the node's thread only.
 */
public final class RequestRegistry {
    /** Something waiting for responses. */
    public interface ResponseHandler {
        void onResponse(NodeId from, Message message);

        /** The node is stopping: answer whoever waits with a failure. */
        void abort(String reason);

        /** Whether a response from {@code from} can be an answer: the request went to it. */
        boolean expects(NodeId from);
    }

    private final LinkedHashMap<Long, ResponseHandler> handlers = new LinkedHashMap<>();
    private final SplittableRandom ids;
    private volatile long unexpectedResponses; // written by the node thread only; read by metrics

    public RequestRegistry(long seed) {
        this.ids = new SplittableRandom(seed);
    }

    public long register(ResponseHandler handler) {
        long id;
        do {
            id = ids.nextLong();
        } while (id == 0 || handlers.containsKey(id));
        handlers.put(id, handler);
        return id;
    }

    public void unregister(long id) {
        handlers.remove(id);
    }

    /**
     * Routes a response; responses to unknown (finished or duplicated) ids are dropped, and so are
     * (counted) responses from a node the request did not go to.
     */
    public void dispatch(NodeId from, long requestId, Message message) {
        ResponseHandler handler = handlers.get(requestId);
        if (handler == null) {
            return;
        }
        if (!handler.expects(from)) {
            unexpectedResponses++;
            return;
        }
        handler.onResponse(from, message);
    }

    /** Responses dropped because they came from a node their request did not go to (forged or misrouted). */
    public long unexpectedResponses() {
        return unexpectedResponses;
    }

    public int size() {
        return handlers.size();
    }

    /** Aborts every handler (once each) and forgets them, in the order they were registered. */
    public void abortAll(String reason) {
        List<ResponseHandler> waiting = new ArrayList<>(new LinkedHashSet<>(handlers.values()));
        handlers.clear();
        for (ResponseHandler handler : waiting) {
            handler.abort(reason);
        }
    }
}
