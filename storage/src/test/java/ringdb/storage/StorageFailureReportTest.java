package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.store.StoreFailure;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.ReadFile;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.testing.ManualTimers;

/**
 * The engine reports the failures its node's policies act on (commit log, flush, table reads) to
 * the listener the node registers, naming the table when a read fails, and quarantines a table on
 * demand: out of the live set, its file moved to {@code quarantine/}, never deleted, and not read
 * again after a restart.
 */
class StorageFailureReportTest {
    private static final String DIRECTORY = "/node1";
    private final ManualTimers timers = new ManualTimers(1_000_000);
    private final SimDisk simDisk = new SimDisk(new Random(3));
    private final DamagingDisk disk = new DamagingDisk(simDisk);
    private final List<StoreFailure> failures = new ArrayList<>();
    private final List<Throwable> acks = new ArrayList<>();
    private final Consumer<Throwable> ack = acks::add;

    private StorageEngine open() throws IOException {
        StorageEngine engine = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        engine.onFailure(failures::add);
        return engine;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTableFailingItsChecksumAtReadTimeIsReportedByNameAndCanBeQuarantined() throws IOException {
        StorageEngine engine = open();
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        engine.flush();
        String damaged = engine.tables().get(0).path();
        engine.apply(bytes("c"), Cell.value(bytes("3"), 3), ack);
        engine.flush();
        disk.damageReadsOf(damaged);

        assertThatThrownBy(() -> engine.read(bytes("a"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("checksum mismatch");
        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.kind()).isEqualTo(StoreFailure.Kind.DATA_READ);
            assertThat(failure.table()).isEqualTo(damaged);
        });

        assertThat(engine.quarantine(damaged, "checksum")).isTrue();
        assertThat(engine.quarantine(damaged, "again")).as("no longer live").isFalse();
        assertThat(engine.tables()).extracting(SSTable::path).doesNotContain(damaged);
        assertThat(engine.read(bytes("a"))).as("its data is gone from this node until repaired").isNull();
        assertThat(engine.read(bytes("c"))).isEqualTo(Cell.value(bytes("3"), 3));
        String name = damaged.substring(damaged.lastIndexOf('/') + 1);
        assertThat(engine.quarantinedTables()).containsExactly(name);
        assertThat(simDisk.exists(DIRECTORY + "/quarantine/" + name)).as("kept, not deleted").isTrue();
        assertThat(simDisk.exists(damaged)).isFalse();
        engine.close();

        StorageEngine reopened = open();
        assertThat(reopened.tables()).hasSize(1);
        assertThat(reopened.read(bytes("c"))).isEqualTo(Cell.value(bytes("3"), 3));
        assertThat(reopened.quarantinedTables()).as("still shown after a restart").containsExactly(name);
        reopened.close();
    }

    @Test
    void aCompactionThatCannotReadAnInputNamesThatInput() throws IOException {
        StorageEngine engine = StorageEngine.open(disk, DIRECTORY,
                StorageConfig.builder().compactionThresholds(2, 4).build(), timers, timers);
        engine.onFailure(failures::add);
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        engine.flush();
        String damaged = engine.tables().get(0).path();
        disk.damageReadsOf(damaged);
        engine.apply(bytes("b"), Cell.value(bytes("2"), 2), ack);
        engine.flush(); // two tables: the compaction starts, reads the damaged one and fails
        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.kind()).isEqualTo(StoreFailure.Kind.DATA_READ);
            assertThat(failure.table()).isEqualTo(damaged);
            assertThat(failure.detail()).contains("compaction could not read it");
        });
        assertThat(engine.quarantine(damaged, "compaction")).isTrue();
        assertThat(engine.tables()).hasSize(1);
        assertThat(engine.read(bytes("b"))).isEqualTo(Cell.value(bytes("2"), 2));
        engine.close();
    }

    @Test
    void aScanThatHitsAnUnreadableTableReportsIt() throws IOException {
        StorageEngine engine = open();
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        engine.flush();
        String damaged = engine.tables().get(0).path();
        disk.failReadsOf(damaged);
        assertThatThrownBy(() -> engine.scan(0, 0, null, 100)).isInstanceOf(UncheckedIOException.class);
        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.kind()).isEqualTo(StoreFailure.Kind.DATA_READ);
            assertThat(failure.table()).isEqualTo(damaged);
        });
        engine.close();
    }

    @Test
    void aFailedCommitLogSyncIsReportedAsACommitLogFailure() throws IOException {
        StorageEngine engine = open();
        simDisk.failNextSyncs(1);
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        assertThat(acks).singleElement().isInstanceOf(IOException.class);
        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.kind()).isEqualTo(StoreFailure.Kind.COMMIT_LOG);
            assertThat(failure.detail()).contains("injected sync failure");
        });
        engine.apply(bytes("b"), Cell.value(bytes("2"), 2), ack);
        assertThat(failures).hasSize(2).allMatch(failure -> failure.kind() == StoreFailure.Kind.COMMIT_LOG);
        assertThat(acks.get(1)).hasMessageContaining("refused until the node restarts");
        engine.close();
    }

    @Test
    void aFailedFlushIsReportedAsADataWriteFailure() throws IOException {
        StorageEngine engine = open();
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        simDisk.failNextSyncsOf(DIRECTORY + "/tables/", 2);
        assertThatThrownBy(engine::flush).isInstanceOf(UncheckedIOException.class);
        assertThat(failures).isNotEmpty().allMatch(failure -> failure.kind() == StoreFailure.Kind.DATA_WRITE);
        assertThat(engine.read(bytes("a"))).as("the data stays readable").isEqualTo(Cell.value(bytes("1"), 1));
        engine.close();
    }

    /** A disk whose reads of chosen files come back with a flipped byte, or fail. */
    private static final class DamagingDisk implements Disk {
        private final SimDisk delegate;
        private final Set<String> damaged = new HashSet<>();
        private final Set<String> failing = new HashSet<>();

        DamagingDisk(SimDisk delegate) {
            this.delegate = delegate;
        }

        void damageReadsOf(String path) {
            damaged.add(path);
        }

        void failReadsOf(String path) {
            failing.add(path);
        }

        @Override
        public ReadFile openRead(String path) throws IOException {
            ReadFile file = delegate.openRead(path);
            return new ReadFile() {
                @Override
                public long size() {
                    return file.size();
                }

                @Override
                public void read(long position, byte[] destination, int offset, int length) throws IOException {
                    if (failing.contains(path)) {
                        throw new IOException("injected read error");
                    }
                    file.read(position, destination, offset, length);
                    if (damaged.contains(path) && length > 8) {
                        destination[offset + length / 2] ^= 0x40;
                    }
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            };
        }

        @Override
        public void createDirectories(String directory) throws IOException {
            delegate.createDirectories(directory);
        }

        @Override
        public List<String> list(String directory) throws IOException {
            return delegate.list(directory);
        }

        @Override
        public boolean exists(String path) {
            return delegate.exists(path);
        }

        @Override
        public long size(String path) throws IOException {
            return delegate.size(path);
        }

        @Override
        public AppendFile create(String path) throws IOException {
            return delegate.create(path);
        }

        @Override
        public void truncate(String path, long sizeBytes) throws IOException {
            delegate.truncate(path, sizeBytes);
        }

        @Override
        public void delete(String path) throws IOException {
            delegate.delete(path);
        }

        @Override
        public void rename(String source, String target) throws IOException {
            delegate.rename(source, target);
        }

        @Override
        public void link(String existing, String newLink) throws IOException {
            delegate.link(existing, newLink);
        }

        @Override
        public void syncDirectory(String directory) throws IOException {
            delegate.syncDirectory(directory);
        }
    }
}
