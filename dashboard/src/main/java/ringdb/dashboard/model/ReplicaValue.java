package ringdb.dashboard.model;

/**
 * What one replica holds for a key.
 *
 * @param node            the replica
 * @param up              whether it is alive
 * @param state           "value", "tombstone", "absent" or "unreachable"
 * @param value           the value as UTF-8 text (lossy for binary values; null unless state is "value")
 * @param valueBytes      the value's length (0 unless state is "value")
 * @param timestampMicros the version's timestamp (0 when absent)
 */
public record ReplicaValue(String node, boolean up, String state, String value, int valueBytes,
                           long timestampMicros) {
}
