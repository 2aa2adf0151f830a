package ringdb.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;

/** A node for the protocol handlers' tests: answers from a map; answers can be forced or held back to test ordering. */
public final class FakeClientOperations implements ClientOperations {
    public final Map<String, byte[]> values = new HashMap<>();
    public ClientResult forced;
    public final List<Runnable> held = new ArrayList<>();
    public boolean hold;

    private final int valueSizeBytesMax;

    public FakeClientOperations(int valueSizeBytesMax) {
        this.valueSizeBytesMax = valueSizeBytesMax;
    }

    private void answer(Consumer<ClientResult> done, ClientResult result) {
        ClientResult actual = forced != null ? forced : result;
        if (hold) {
            held.add(() -> done.accept(actual));
        } else {
            done.accept(actual);
        }
    }

    @Override
    public void put(byte[] key, byte[] value, ConsistencyLevel cl, long ts, Consumer<ClientResult> done) {
        values.put(new String(key, StandardCharsets.UTF_8), value);
        answer(done, new ClientResult.Written(1234, cl.blockFor(2)));
    }

    @Override
    public void delete(byte[] key, ConsistencyLevel cl, long ts, Consumer<ClientResult> done) {
        values.remove(new String(key, StandardCharsets.UTF_8));
        answer(done, new ClientResult.Written(1235, 1));
    }

    @Override
    public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
        byte[] value = values.get(new String(key, StandardCharsets.UTF_8));
        answer(done, value == null ? new ClientResult.NotFound() : new ClientResult.Found(value, 1234));
    }

    @Override
    public CompletableFuture<JsonNode> cluster() {
        return CompletableFuture.completedFuture(JsonResponses.object().put("cluster_name", "test"));
    }

    @Override
    public CompletableFuture<JsonNode> ring(byte[] key) {
        return CompletableFuture.completedFuture(
                JsonResponses.object().put("key", new String(key, StandardCharsets.UTF_8)));
    }

    @Override
    public CompletableFuture<String> metrics() {
        return CompletableFuture.completedFuture("ringdb_up 1\n");
    }

    @Override
    public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(operation + " is not supported"));
    }

    @Override
    public int valueSizeBytesMax() {
        return valueSizeBytesMax;
    }
}
