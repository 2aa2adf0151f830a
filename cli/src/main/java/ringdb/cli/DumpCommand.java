package ringdb.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.server.runtime.PartitionerRecord;
import ringdb.storage.CorruptionException;
import ringdb.storage.RecoveryReport;
import ringdb.storage.StorageInspector;
import ringdb.storage.StorageLayout;
import ringdb.storage.disk.file.FileDisk;

/**
 * {@code ringdb dump DIR}: a node's commit log as JSON lines and its current state as one JSON
 * object, in the seed's formats. Read-only: nothing in DIR is changed.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Prints a node's storage in the seed's JSON formats (read-only):",
            "  the commit log as JSON lines {\"key\",\"value\",\"timestamp\",\"type\":\"PUT\"|\"DELETE\"},",
            "  then the current state as one JSON object key -> {\"value\"|\"deleted\", \"timestamp\"}.",
            "Keys and values are UTF-8 text when valid; otherwise keys read \"base64:<base64>\" and",
            "values {\"base64\":\"<base64>\"}. Timestamps are seconds with microsecond decimals."})
final class DumpCommand implements Callable<Integer> {
    static final String KEY_BASE64_PREFIX = "base64:";

    @Parameters(index = "0", paramLabel = "DIR",
            description = "A storage directory (holding commitlog/ and tables/), or a node directory holding data/.")
    Path directory;

    @Option(names = "--commit-log-only", description = "Print only the commit log lines.")
    boolean commitLogOnly;

    @Option(names = "--state-only", description = "Print only the state object.")
    boolean stateOnly;

    @Option(names = "--pretty", description = "Indent the state object.")
    boolean pretty;

    @Option(names = "--partitioner", paramLabel = "sha1|murmur3",
            description = "The partitioner of the node whose data this is (default: the one its data directory "
                    + "records, else sha1).")
    String partitioner;

    @Option(names = "--skip-corrupt",
            description = "Skip damaged commit log records (counted on stderr) instead of stopping.")
    boolean skipCorrupt;

    @Override
    public Integer call() {
        Partitioner tokens = null;
        if (partitioner != null) {
            try {
                tokens = Partitioner.parse(partitioner);
            } catch (IllegalArgumentException e) {
                System.err.println("ringdb dump: --partitioner: " + e.getMessage());
                return 2;
            }
        }
        Path storage = resolveStorageDirectory(directory);
        if (storage == null) {
            System.err.println("ringdb dump: " + directory + " holds no ringdb storage (expected "
                    + StorageLayout.COMMIT_LOG_DIRECTORY + "/ and " + StorageLayout.TABLES_DIRECTORY
                    + "/, or data/ with them)");
            return 2;
        }
        try (FileDisk disk = new FileDisk();
             StorageInspector inspector = StorageInspector.open(disk, storage.toString(), skipCorrupt,
                     tokens != null ? tokens : PartitionerRecord.ofStorage(storage))) {
            dump(inspector, System.out);
            for (RecoveryReport.TornTail torn : inspector.tornTails()) {
                System.err.println("ringdb dump: "
                        + (torn.recordCut() ? "a torn last record (an interrupted write) of "
                                : "unwritten space after the last record, ")
                        + torn.bytes() + " bytes at offset " + torn.offset()
                        + " of " + torn.path() + ", was not printed");
            }
            if (inspector.skippedRecords() > 0) {
                System.err.println(
                        "ringdb dump: skipped " + inspector.skippedRecords() + " corrupt commit log records");
            }
            return 0;
        } catch (CorruptionException e) {
            System.err.println("ringdb dump: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("ringdb dump: cannot read " + storage + ": " + e.getMessage());
            return 1;
        }
    }

    static Path resolveStorageDirectory(Path given) {
        if (Files.isDirectory(given.resolve(StorageLayout.COMMIT_LOG_DIRECTORY))
                || Files.isDirectory(given.resolve(StorageLayout.TABLES_DIRECTORY))) {
            return given;
        }
        Path data = given.resolve("data");
        if (Files.isDirectory(data.resolve(StorageLayout.COMMIT_LOG_DIRECTORY))
                || Files.isDirectory(data.resolve(StorageLayout.TABLES_DIRECTORY))) {
            return data;
        }
        return null;
    }

    void dump(StorageInspector inspector, PrintStream out) throws IOException {
        JsonFactory factory = new JsonFactory();
        OutputStream unclosed = new NonClosingStream(out);
        if (!stateOnly) {
            try (JsonGenerator json = factory.createGenerator(unclosed)) {
                json.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
                inspector.commitLog(record -> writeLogRecord(json, record.key(), record.cell()));
                json.writeRaw('\n');
            }
        }
        if (!commitLogOnly) {
            try (JsonGenerator json = factory.createGenerator(unclosed)) {
                if (pretty) {
                    json.setPrettyPrinter(new DefaultPrettyPrinter());
                }
                writeState(json, inspector.state());
                json.writeRaw('\n');
            }
        }
        out.flush();
    }

    private static void writeLogRecord(JsonGenerator json, byte[] key, Cell cell) {
        try {
            json.writeStartObject();
            json.writeStringField("key", keyText(key));
            json.writeFieldName("value");
            if (cell.isTombstone()) {
                json.writeStartObject();
                json.writeBooleanField("deleted", true);
                json.writeEndObject();
            } else {
                writeValue(json, cell.value());
            }
            json.writeFieldName("timestamp");
            json.writeNumber(seconds(cell.timestampMicros()));
            writeExpiry(json, cell);
            json.writeStringField("type", cell.isTombstone() ? "DELETE" : "PUT");
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeState(JsonGenerator json, Iterator<Map.Entry<DecoratedKey, Cell>> state)
            throws IOException {
        json.writeStartObject();
        while (state.hasNext()) {
            Map.Entry<DecoratedKey, Cell> entry = state.next();
            Cell cell = entry.getValue();
            json.writeObjectFieldStart(keyText(entry.getKey().key()));
            if (cell.isTombstone()) {
                json.writeBooleanField("deleted", true);
            } else {
                json.writeFieldName("value");
                writeValue(json, cell.value());
            }
            json.writeFieldName("timestamp");
            json.writeNumber(seconds(cell.timestampMicros()));
            writeExpiry(json, cell);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** An expiring cell's TTL and expiry (seconds since the epoch); nothing for other cells. */
    private static void writeExpiry(JsonGenerator json, Cell cell) throws IOException {
        if (cell.isExpiring()) {
            json.writeNumberField("ttl", cell.ttlSeconds());
            json.writeNumberField("expires_at", cell.expiresAtSeconds());
        }
    }

    /** Microseconds as exact decimal seconds, the seed's unit. */
    static BigDecimal seconds(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    /** A stored key as the seed showed it: a key of the key-value API without the data store's tag. */
    static String keyText(byte[] storedKey) {
        byte[] key = StorageKeys.isKv(storedKey) ? StorageKeys.rawKv(storedKey) : storedKey;
        String text = utf8(key);
        return text != null && !text.startsWith(KEY_BASE64_PREFIX)
                ? text
                : KEY_BASE64_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    private static void writeValue(JsonGenerator json, byte[] value) throws IOException {
        String text = utf8(value);
        if (text != null) {
            json.writeString(text);
            return;
        }
        json.writeStartObject();
        json.writeStringField("base64", Base64.getEncoder().encodeToString(value));
        json.writeEndObject();
    }

    /** The bytes as text when they are valid UTF-8; otherwise null. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Lets JSON generators be closed (flushing them) without closing standard output. */
    private static final class NonClosingStream extends FilterOutputStream {
        NonClosingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
