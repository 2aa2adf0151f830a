package ringdb.core.coordinator;

import java.util.List;
import ringdb.core.data.Limits;
import ringdb.core.store.LocalStore;

/**
 * What a multi-entry mutation must satisfy before anything of it is sent: at least one entry, one
 * partition token, keys within the table key limit, values within the node's value limit, client
 * timestamps not too far ahead, and the whole within half an internode frame (so it can be sent,
 * hinted and streamed). Each refusal names the limit.
 */
final class MutationChecks {
    /** Largest mutation, keys and values together ({@link Limits#MUTATION_BYTES_MAX}). */
    static final int MUTATION_BYTES_MAX = Limits.MUTATION_BYTES_MAX;

    private MutationChecks() {
    }

    /** The refusal of {@code entries}, or null when they may be written. */
    static ClientResult refuse(List<LocalStore.Entry> entries, int valueSizeBytesMax, long timestampAheadMaxMicros,
                               long nowMicros) {
        if (entries == null || entries.isEmpty()) {
            return new ClientResult.Invalid("a mutation needs at least one entry");
        }
        long token = entries.get(0).key().token();
        long bytes = 0;
        long latest = nowMicros > Long.MAX_VALUE - timestampAheadMaxMicros ? Long.MAX_VALUE
                : nowMicros + timestampAheadMaxMicros;
        for (LocalStore.Entry entry : entries) {
            byte[] key = entry.key().key();
            if (entry.key().token() != token) {
                return new ClientResult.Invalid("a mutation writes one partition: entries of tokens " + token + " and "
                        + entry.key().token());
            }
            if (key.length == 0 || key.length > Limits.TABLE_STORAGE_KEY_BYTES_MAX) {
                return new ClientResult.Invalid("key of " + key.length + " bytes: a storage key has 1 to "
                        + Limits.TABLE_STORAGE_KEY_BYTES_MAX + " bytes (TABLE_STORAGE_KEY_BYTES_MAX)");
            }
            byte[] value = entry.cell().value();
            if (value != null && value.length > valueSizeBytesMax) {
                return new ClientResult.Invalid("value of " + value.length + " bytes exceeds the limit of "
                        + valueSizeBytesMax + " bytes (max_value_size_bytes)");
            }
            if (key.length + (value == null ? 0L : value.length) > Limits.ENTRY_BYTES_MAX) {
                return new ClientResult.Invalid("an entry of a " + key.length + "-byte key and a " + value.length
                        + "-byte value exceeds the limit of " + Limits.ENTRY_BYTES_MAX
                        + " bytes (ENTRY_BYTES_MAX: what one internode frame carries)");
            }
            if (entry.cell().timestampMicros() > latest) {
                return new ClientResult.Invalid("timestamp " + entry.cell().timestampMicros() + " is more than "
                        + timestampAheadMaxMicros + " microseconds ahead of the coordinator's clock (now " + nowMicros
                        + "; limit: max_client_timestamp_ahead_ms)");
            }
            bytes += key.length + (value == null ? 0 : value.length) + 32;
        }
        if (bytes > MUTATION_BYTES_MAX) {
            return new ClientResult.Invalid("mutation of " + bytes + " bytes exceeds the limit of " + MUTATION_BYTES_MAX
                    + " bytes (MUTATION_BYTES_MAX, half an internode frame); write the partition in several mutations");
        }
        return null;
    }
}
