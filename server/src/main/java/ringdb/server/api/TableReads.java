package ringdb.server.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.store.LocalStore;

/**
 * One partition read of a table through {@link ClientOperations#readSlice}: the command's storage
 * ranges (adjacent ones joined, so a row of a table without clustering columns is one slice read) are
 * read in order until one stops at its entry limit, then {@link PartitionReader} turns the entries
 * into rows at the coordinator's clock.
 */
public final class TableReads {
    /** Most entries one slice read asks the replicas for. */
    public static final int ENTRIES_PER_READ_MAX = 100_000;

    private TableReads() {
    }

    /** Reads {@code build(table)}; {@code done} gets the page, or null and the failure. */
    static void read(ClientOperations operations, TableMetadata table, Function<TableMetadata, ReadCommand> build,
                     ConsistencyLevel consistency, BiConsumer<PartitionPage, ClientResult> done) {
        read(operations, table, build, consistency, ENTRIES_PER_READ_MAX, done);
    }

    /**
     * As above, asking the replicas for {@code entriesPerRead} entries per slice read first (a page of a
     * few rows of a big partition then reads about that many entries, not {@link #ENTRIES_PER_READ_MAX});
     * when that cuts the first row, the read is made again with twice as many, up to the maximum.
     */
    public static void read(ClientOperations operations, TableMetadata table,
                            Function<TableMetadata, ReadCommand> build, ConsistencyLevel consistency,
                            int entriesPerRead, BiConsumer<PartitionPage, ClientResult> done) {
        ReadCommand command;
        List<KeyRange> ranges;
        RowKeys keys = new RowKeys(table, operations.partitioner()::token);
        KeyRange partition;
        long token;
        try {
            command = build.apply(table);
            ranges = joined(command.storageRanges(keys), command.reversed());
            partition = keys.partition(command.partitionKey());
            token = keys.token(command.partitionKey());
        } catch (InvalidRequestException | IllegalArgumentException e) {
            done.accept(null, new ClientResult.Invalid(e.getMessage()));
            return;
        }
        int entries = Math.max(1, Math.min(ENTRIES_PER_READ_MAX, entriesPerRead));
        new Reading(operations, command, ranges, token, partition, consistency, entries, done).next(0);
    }

    /** The ranges in read order, a range that starts where the one before ends joined to it (forward reads). */
    public static List<KeyRange> joined(List<KeyRange> ranges, boolean reversed) {
        if (reversed || ranges.size() < 2) {
            return ranges;
        }
        List<KeyRange> out = new ArrayList<>();
        for (KeyRange range : ranges) {
            KeyRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && Arrays.equals(last.end(), range.start())) {
                out.set(out.size() - 1, new KeyRange(last.start(), range.end()));
            } else {
                out.add(range);
            }
        }
        return out;
    }

    /**
     * The entries to ask for again when a read stopped at its entry limit before its page held the rows
     * asked: the rows' cells were more than estimated (collections, whose elements are entries each), so
     * the page would be short. Sized on the entries each row read took, up to the maximum; twice as many
     * when not one row fitted; 0 when the page is full, ends the partition, or the maximum was asked.
     */
    static int entriesForRows(ReadCommand command, PartitionPage page, int entriesRead, int entriesPerRead) {
        int rows = page.rows().size();
        if (entriesPerRead >= ENTRIES_PER_READ_MAX || (rows == 0 && page.resumeAfter() != null)) {
            return 0;
        }
        if (rows == 0) {
            return (int) Math.min(ENTRIES_PER_READ_MAX, 2L * entriesPerRead);
        }
        if (command.rowLimit() == 0 || rows >= command.rowLimit()) {
            return 0;
        }
        long perRow = (Math.max(entriesRead, entriesPerRead) + rows - 1) / rows;
        return (int) Math.min(ENTRIES_PER_READ_MAX, Math.max(2L * entriesPerRead, (command.rowLimit() + 1L) * perRow));
    }

    /** The slice reads of one command, one after the other. */
    private record Reading(ClientOperations operations, ReadCommand command, List<KeyRange> ranges, long token,
                           KeyRange partition, ConsistencyLevel consistency, int entriesPerRead,
                           BiConsumer<PartitionPage, ClientResult> done, List<LocalStore.Entry> entries,
                           List<LocalStore.Entry> tombstones) {
        Reading(ClientOperations operations, ReadCommand command, List<KeyRange> ranges, long token,
                KeyRange partition, ConsistencyLevel consistency, int entriesPerRead,
                BiConsumer<PartitionPage, ClientResult> done) {
            this(operations, command, ranges, token, partition, consistency, entriesPerRead, done, new ArrayList<>(),
                    new ArrayList<>());
        }

        void next(int index) {
            if (index == ranges.size()) {
                finish(true);
                return;
            }
            KeyRange range = ranges.get(index);
            SliceQuery query = new SliceQuery(token, range.start(), range.end(), command.reversed(),
                    entriesPerRead, partition.start(), partition.end());
            operations.readSlice(query, consistency, result -> {
                if (!(result instanceof ClientResult.Entries read)) {
                    done.accept(null, result);
                    return;
                }
                entries.addAll(read.entries());
                tombstones.addAll(read.rangeTombstones());
                if (read.more()) {
                    finish(false);
                } else {
                    next(index + 1);
                }
            });
        }

        private void finish(boolean complete) {
            PartitionPage page;
            try {
                page = PartitionReader.read(command, partition.start(), entries, tombstones,
                        operations.nowMicros() / 1_000_000, complete);
            } catch (RuntimeException e) {
                done.accept(null, new ClientResult.Failed("the rows could not be read: " + e.getMessage()));
                return;
            }
            int more = complete ? 0 : entriesForRows(command, page, entries.size(), entriesPerRead);
            if (more > entriesPerRead) {
                new Reading(operations, command, ranges, token, partition, consistency, more, done).next(0);
                return;
            }
            if (!complete && page.rows().isEmpty() && page.resumeAfter() == null) {
                done.accept(null, new ClientResult.Failed("a row of " + command.table().keyspace() + "."
                        + command.table().name() + " holds more than " + ENTRIES_PER_READ_MAX + " cells"));
                return;
            }
            done.accept(page, null);
        }
    }
}
