package ringdb.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import ringdb.core.Timers;
import ringdb.server.runtime.PartitionerRecord;
import ringdb.server.runtime.SystemClock;
import ringdb.storage.Snapshots;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.disk.file.FileDisk;

/**
 * {@code ringdb snapshot}: point-in-time snapshots of a stopped node's tables (hard links, as
 * {@code nodetool snapshot} makes), listed, restored and deleted.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"Snapshots of a node's tables: hard links under snapshots/<name>/.",
            "take: of a running node, through --host. create, list, restore, delete: of a stopped node's files;",
            "DIR is a storage directory (holding commitlog/ and tables/) or a node directory holding data/."},
        subcommands = {
            SnapshotCommand.Take.class,
            SnapshotCommand.Create.class,
            SnapshotCommand.ListSnapshots.class,
            SnapshotCommand.Restore.class,
            SnapshotCommand.Delete.class,
        })
final class SnapshotCommand implements Runnable {
    private static final Timers NO_TIMERS = (delay, task) -> () -> { };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The storage directory DIR names; throws a usage error when it holds none. */
    private static Path storage(CommandLine.Model.CommandSpec spec, Path given) {
        Path storage = DumpCommand.resolveStorageDirectory(given);
        if (storage == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    given + " holds no ringdb storage (expected commitlog/ and tables/, or data/ with them)");
        }
        return storage;
    }

    /** Work on a stopped node's files; returns what to print on success. */
    @FunctionalInterface
    private interface DiskWork {
        String run(FileDisk disk) throws IOException;
    }

    /**
     * Runs {@code work} on the real disk and turns its failures into the command's exit codes:
     * 2 for a bad argument (unknown or invalid snapshot name), 1 for an I/O failure.
     */
    private static int onDisk(String command, DiskWork work) {
        try (FileDisk disk = new FileDisk()) {
            System.out.println(work.run(disk));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("ringdb snapshot " + command + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("ringdb snapshot " + command + ": " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "take", mixinStandardHelpOptions = true,
            description = {"Snapshots a running node (as nodetool snapshot does): it flushes its memtable, then links",
                "every table of its data into <data_directory>/data/snapshots/NAME/. "
                    + "Restore it with the node stopped."})
    static final class Take extends ClusterInfoCommands.AdminCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
                description = "1-128 characters of A-Z a-z 0-9 . _ -, not only dots (default: snapshot-<epoch millis>)")
        String name;

        @Override
        String operation() {
            return "snapshot";
        }

        @Override
        List<String> query() {
            List<String> query = new ArrayList<>();
            if (name != null) {
                query.add("name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            }
            return query;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Flushes the commit log into tables, then links every table into snapshots/NAME/.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR")
        Path directory;

        @Parameters(index = "1", paramLabel = "NAME",
                description = "1-128 characters of A-Z a-z 0-9 . _ -, not only dots")
        String name;

        @Override
        public Integer call() {
            Path storage = storage(spec, directory);
            return onDisk("create", disk -> {
                StorageEngine engine = StorageEngine.open(disk, storage.toString(),
                        StorageConfig.builder().flushPeriodMicros(0)
                                .partitioner(PartitionerRecord.ofStorage(storage)).build(), new SystemClock(),
                        NO_TIMERS);
                try {
                    int tables = engine.snapshot(name);
                    return "snapshot " + name + ": " + tables + " tables linked under "
                            + storage.resolve("snapshots").resolve(name);
                } finally {
                    engine.close();
                }
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists snapshots with their tables and size.")
    static final class ListSnapshots implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR")
        Path directory;

        @Override
        public Integer call() throws IOException {
            Path storage = storage(spec, directory);
            try (FileDisk disk = new FileDisk()) {
                for (Snapshots.Snapshot snapshot : Snapshots.list(disk, storage.toString())) {
                    System.out.printf("%-30s %4d tables %,14d bytes%n", snapshot.name(), snapshot.tableCount(),
                            snapshot.sizeBytes());
                }
            }
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Replaces the node's tables with snapshot NAME and deletes its commit log:",
                "everything written after the snapshot is discarded. The node must be stopped."})
    static final class Restore implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR")
        Path directory;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Path storage = storage(spec, directory);
            return onDisk("restore", disk -> {
                Snapshots.restore(disk, storage.toString(), name);
                return "restored snapshot " + name + " into " + storage;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes snapshot NAME (the live tables stay).")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR")
        Path directory;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Path storage = storage(spec, directory);
            return onDisk("delete", disk -> {
                Snapshots.delete(disk, storage.toString(), name);
                return "deleted snapshot " + name;
            });
        }
    }
}
