package ringdb.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import ringdb.dashboard.model.DashboardState;

/**
 * Serialises snapshots once: every viewer of the same snapshot gets the same bytes.
 * Threading: thread-safe.
 */
final class StateEncoder {
    private final ObjectMapper json;
    private volatile Encoded last;

    private record Encoded(DashboardState state, byte[] bytes) {
    }

    StateEncoder(ObjectMapper json) {
        this.json = json;
    }

    byte[] encode(DashboardState state) {
        Encoded cached = last;
        if (cached != null && cached.state == state) {
            return cached.bytes;
        }
        try {
            byte[] bytes = json.writeValueAsBytes(state);
            last = new Encoded(state, bytes);
            return bytes;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the dashboard state", e);
        }
    }
}
