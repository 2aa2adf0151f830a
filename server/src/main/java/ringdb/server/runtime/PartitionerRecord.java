package ringdb.server.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import ringdb.core.ring.Partitioner;

/**
 * The partitioner a node's data directory was written with, in the file {@value #FILE_NAME} (its
 * configuration name, one line). Entries are stored in token order, so a store read with another
 * partitioner would find nothing where it looks: a node configured with another partitioner than its
 * data directory's refuses to start, saying both. A directory from before the file existed holds
 * SHA-1 data.
 */
public final class PartitionerRecord {
    /** The file in the data directory naming its partitioner. */
    public static final String FILE_NAME = "partitioner";

    private PartitionerRecord() {
    }

    /**
     * Checks that {@code dataDirectory} (existing) was written with {@code configured}, and records
     * it when the directory does not say yet. Throws {@link IllegalStateException} naming both
     * partitioners when they differ.
     */
    public static void check(Path dataDirectory, Partitioner configured) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            Partitioner recorded;
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8).trim();
                try {
                    recorded = Partitioner.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(file.toAbsolutePath() + " names no partitioner: "
                            + e.getMessage(), e);
                }
            } else {
                recorded = holdsData(dataDirectory) ? Partitioner.SHA1 : configured;
                Files.writeString(file, recorded.configName() + "\n", StandardCharsets.UTF_8);
            }
            if (recorded != configured) {
                throw new IllegalStateException("the data directory " + dataDirectory.toAbsolutePath()
                        + " holds data placed by the " + recorded.configName() + " partitioner, but this node is "
                        + "configured with partitioner: " + configured.configName() + "; set partitioner: "
                        + recorded.configName() + " or start the node with an empty data directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The partitioner of the node whose storage directory (its data directory's {@code data/}) is
     * {@code storageDirectory}, for tools that open a stopped node's files: the one its data directory
     * records, SHA-1 when it records none. Throws {@link IllegalStateException} for an unreadable record.
     */
    public static Partitioner ofStorage(Path storageDirectory) {
        Path parent = storageDirectory.toAbsolutePath().getParent();
        Path file = parent == null ? null : parent.resolve(FILE_NAME);
        if (file == null || !Files.exists(file)) {
            return Partitioner.SHA1;
        }
        try {
            return Partitioner.parse(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the partitioner of " + parent + " from " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean holdsData(Path dataDirectory) throws IOException {
        Path data = dataDirectory.resolve("data");
        if (!Files.isDirectory(data)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(data)) {
            return entries.findAny().isPresent();
        }
    }
}
