package ringdb.sim.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;

/**
 * What clients did to one key, built from a {@link History}: every value any client tried to
 * write (acknowledged or not: a timed-out write may still land), the acknowledged writes and the
 * acknowledged deletes with their timestamps. Values written by the workloads are unique, so a
 * value names the put that wrote it.
 */
public final class KeyModel {
    private final String key;
    private final Map<String, Operation> putsByValue = new HashMap<>();
    private final List<Operation> acknowledgedWrites = new ArrayList<>();
    private final List<Operation> deletes = new ArrayList<>();

    KeyModel(String key) {
        this.key = key;
    }

    /** One model per key touched in {@code history}, ordered by key. */
    public static Map<String, KeyModel> build(History history) {
        Map<String, KeyModel> models = new TreeMap<>();
        for (Operation operation : history.operations()) {
            if (operation.kind() == Operation.Kind.GET) {
                models.computeIfAbsent(operation.key(), KeyModel::new);
                continue;
            }
            models.computeIfAbsent(operation.key(), KeyModel::new).add(operation);
        }
        return models;
    }

    private void add(Operation operation) {
        if (operation.kind() == Operation.Kind.PUT) {
            putsByValue.put(operation.value(), operation);
        } else {
            deletes.add(operation);
        }
        if (operation.isAcknowledgedWrite()) {
            acknowledgedWrites.add(operation);
        }
    }

    public String key() {
        return key;
    }

    /** The put that wrote {@code value} to this key, or null if no client ever wrote it here. */
    public Operation putOf(String value) {
        return putsByValue.get(value);
    }

    /** Acknowledged puts and deletes, in invocation order. */
    public List<Operation> acknowledgedWrites() {
        return acknowledgedWrites;
    }

    /** Every delete invoked on the key, acknowledged or not. */
    public List<Operation> deletes() {
        return deletes;
    }

    /** The cell an acknowledged write put on the replicas. */
    public static Cell cellOf(Operation write) {
        long timestampMicros = write.writtenTimestampMicros();
        return write.kind() == Operation.Kind.DELETE ? Cell.tombstone(timestampMicros)
                : Cell.value(write.value().getBytes(StandardCharsets.UTF_8), timestampMicros);
    }

    /** The version a successful read observed: a value cell, or null for NotFound. */
    static Cell cellOf(ClientResult.Found found) {
        return Cell.value(found.value(), found.timestampMicros());
    }
}
