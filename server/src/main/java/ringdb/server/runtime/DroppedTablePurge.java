package ringdb.server.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.catalog.Schema;
import ringdb.core.store.LocalStore;
import ringdb.storage.rows.DroppedTableFilter;

/**
 * Gives a dropped table's disk space back soon after the node learns the drop (DROP TABLE or DROP
 * KEYSPACE, run here or learnt from a peer, or found in the schema loaded at start): rewrites the data
 * store's tables without the dropped tables' entries, data and tombstones ({@link LocalStore#purgeAsync},
 * the cleanup rewrite: off the node's thread, reads see the old tables until it is done). One purge runs
 * at a time; drops learnt meanwhile are purged right after it.
 *
 * <p>The ids purged are recorded in {@value #RECORD} in the node's data directory (one id a line,
 * replaced atomically) once the rewrite is done, so a drop learnt before a crash is purged after the
 * restart and one purged already is not purged again. A missing or unreadable record only means a
 * purge runs again. Not thread-safe: the node's thread only (the counters are read from any thread).
 */
final class DroppedTablePurge {
    /** The record's file name, in the node's data directory. */
    static final String RECORD = "dropped-tables-purged";
    private static final Logger log = LoggerFactory.getLogger(DroppedTablePurge.class);
    private final LocalStore data;
    private final Path record;
    private final Supplier<Schema> schema;
    private final SortedSet<UUID> purged;
    private boolean running;
    private boolean again;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();

    /** {@code schema}: the schema the node last published (null before it started). */
    DroppedTablePurge(LocalStore data, Path dataDirectory, Supplier<Schema> schema) {
        this.data = data;
        this.record = dataDirectory.resolve(RECORD);
        this.schema = schema;
        this.purged = load(record);
    }

    /** Node's thread: starts a purge of the tables dropped and not purged yet, unless there are none. */
    void check() {
        if (running) {
            again = true;
            return;
        }
        Schema now = schema.get();
        if (now == null) {
            return; // not started yet: the check at start comes
        }
        SortedSet<UUID> pending = new TreeSet<>(now.droppedTableIds());
        pending.removeAll(purged);
        if (pending.isEmpty()) {
            return;
        }
        running = true;
        Set<UUID> ids = Set.copyOf(pending);
        long started = System.nanoTime();
        log.info("purging the data of {} dropped table(s) {}", ids.size(), pending);
        try {
            data.purgeAsync(new DroppedTableFilter(ids::contains), (count, failure) -> finished(pending, started,
                    count, failure));
        } catch (RuntimeException e) {
            finished(pending, started, null, e);
        }
    }

    private void finished(SortedSet<UUID> ids, long startedNanos, Long count, Throwable failure) {
        running = false;
        if (failure != null) {
            failed.incrementAndGet();
            log.warn("purge of the data of dropped table(s) {} failed ({}); it runs again at the next schema change or"
                    + " restart, and compactions remove their entries meanwhile", ids, failure.toString());
        } else {
            purged.addAll(ids);
            save();
            completed.incrementAndGet();
            removed.addAndGet(count);
            log.info("purged the data of dropped table(s) {}: {} entries removed in {} ms", ids, count,
                    (System.nanoTime() - startedNanos) / 1_000_000);
        }
        if (again) {
            again = false;
            check();
        }
    }

    /** Purges finished since start. */
    long completed() {
        return completed.get();
    }

    /** Purges that failed since start. */
    long failed() {
        return failed.get();
    }

    /** Entries the purges removed since start. */
    long entriesRemoved() {
        return removed.get();
    }

    private void save() {
        StringBuilder text = new StringBuilder();
        purged.forEach(id -> text.append(id).append('\n'));
        Path temporary = record.resolveSibling(RECORD + ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("could not record the purged dropped tables in {} ({}); they are purged again after a"
                    + " restart", record, e.toString());
        }
    }

    private static SortedSet<UUID> load(Path record) {
        SortedSet<UUID> ids = new TreeSet<>();
        try {
            List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (!line.isBlank()) {
                    ids.add(UUID.fromString(line.strip()));
                }
            }
        } catch (NoSuchFileException none) {
            return ids;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("cannot read {} ({}); the data of every dropped table is purged again", record, e.toString());
            return new TreeSet<>();
        }
        return ids;
    }
}
