package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.message.Message;

/**
 * Correlates responses with the requests this node sent. Ids grow from 1 within one node instance;
 * id 0 means "no answer expected". Not thread-safe: the node's thread only.
 */
public final class RequestRegistry {
    /** Something waiting for responses. */
    public interface ResponseHandler {
        void onResponse(NodeId from, Message message);

        /** The node is stopping: answer whoever waits with a failure. */
        void abort(String reason);
    }

    private final TreeMap<Long, ResponseHandler> handlers = new TreeMap<>();
    private long nextId = 1;

    public long register(ResponseHandler handler) {
        long id = nextId++;
        handlers.put(id, handler);
        return id;
    }

    public void unregister(long id) {
        handlers.remove(id);
    }

    /** Routes a response; responses to unknown (finished or duplicated) ids are dropped. */
    public void dispatch(NodeId from, long requestId, Message message) {
        ResponseHandler handler = handlers.get(requestId);
        if (handler != null) {
            handler.onResponse(from, message);
        }
    }

    public int size() {
        return handlers.size();
    }

    /** Aborts every handler (once each) and forgets them. */
    public void abortAll(String reason) {
        List<ResponseHandler> waiting = new ArrayList<>(new LinkedHashSet<>(handlers.values()));
        handlers.clear();
        for (ResponseHandler handler : waiting) {
            handler.abort(reason);
        }
    }
}
