package ringdb.server.api;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.rows.InMemoryRowRead;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.store.PartitionRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read of one partition's rows answered from its partition's records as the node holds them in memory, shared by
 * the native protocol's row reads and CQL's SELECT of one row: the partition's range and token from
 * {@link RowKeys} (a key the general read refuses is left to it, quietly: it says why), the records walked by
 * {@link InMemoryRowRead#rows}, and what was found turned into the caller's answer. A flaw of the read from
 * memory is logged once (the first) and the read goes the general way, which still answers right.
 */
public final class InMemoryRows {
    private static final Logger log = LoggerFactory.getLogger(InMemoryRows.class);

    /** Where a partition's records are read from memory (a node's read at some consistency level). */
    @FunctionalInterface
    public interface Source<T> {
        /** What {@code reader} makes of the partition's records in memory, or null when not answered so. */
        T read(long token, byte[] partitionStart, byte[] partitionEnd, Function<PartitionRecords, T> reader);
    }

    private final String path;
    private volatile boolean failureLogged;

    /** A reader for {@code path} (named in the log line of the first failure, e.g. "CQL"). */
    public InMemoryRows(String path) {
        this.path = path;
    }

    /**
     * The answer to {@code command} (one of {@link InMemoryRowRead#reads}) from the partition's records that
     * {@code source} reads, {@code answer} making it of what the walk found (the rows that exist) and the
     * records; null when the key is refused, the source or the walk declines, or the read failed: read it the
     * general way then.
     */
    public <T> T read(ReadCommand command, RowKeys keys, long nowSeconds, Source<T> source,
                      BiFunction<List<InMemoryRowRead.Found>, PartitionRecords, T> answer) {
        KeyRange partition;
        long token;
        try {
            partition = keys.partition(command.partitionKey());
            token = keys.token(command.partitionKey());
        } catch (InvalidRequestException | IllegalArgumentException e) {
            return null; // the general read refuses it, saying why
        }
        try {
            return source.read(token, partition.start(), partition.end(), records -> {
                List<InMemoryRowRead.Found> found = InMemoryRowRead.rows(command, keys, records, nowSeconds);
                return found == null ? null : answer.apply(found, records);
            });
        } catch (RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                log.error("a {} read from memory failed; such reads go the general way (only the first is logged)",
                        path, e);
            }
            return null;
        }
    }
}
