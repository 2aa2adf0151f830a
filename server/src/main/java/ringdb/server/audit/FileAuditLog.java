package ringdb.server.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.ServerConfig;

/**
 * The audit log in files: {@value #FILE_NAME} in its directory, one JSON object per line
 * ({@code {"time":"2026-12-06T15:04:05.123Z","node":"10.0.0.11:7000","category":"DDL",
 * "operation":"CREATE TABLE app.kv (k text PRIMARY KEY)","outcome":"SUCCESS",
 * "source":"10.0.0.20:51234","user":null,"reason":null}}). When a line would take the file past its
 * maximum size, the file is renamed {@value #FILE_NAME}.1 (the one before becomes .2, and so on), the
 * oldest beyond the files kept is deleted, and a new file begins. Files are readable by their owner
 * only (they name users and addresses).
 *
 * <p>Each line is written to the operating system as it is recorded (one write, not forced to the
 * disk): a node that crashes keeps every line recorded before. A line that cannot be written is
 * logged at ERROR (the first of a run of failures) and counted in {@link #failures()}.
 *
 * <p>Threading: {@link #record} from any thread (one line at a time).
 */
public final class FileAuditLog implements AuditLog {
    private static final Logger log = LoggerFactory.getLogger(FileAuditLog.class);
    /** The current file's name; rotated files add .1, .2... (1 the newest). */
    public static final String FILE_NAME = "audit.log";
    private static final JsonFactory JSON = new JsonFactory();

    private final Path directory;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Set<AuditCategory> categories;
    private final String node;
    private final Clock clock;
    private OutputStream out;
    private long size;
    private long failures;
    private boolean failing;
    private boolean closed;

    /**
     * Opens (appending to) {@code directory}/{@value #FILE_NAME}, creating the directory; throws
     * {@link UncheckedIOException} saying why it cannot.
     */
    public FileAuditLog(Path directory, long maxFileBytes, int maxFiles, Set<AuditCategory> categories, String node,
                        Clock clock) {
        if (maxFileBytes < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("an audit file holds at least 1 byte and at least 1 file is kept");
        }
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        this.categories = categories.isEmpty() ? EnumSet.noneOf(AuditCategory.class) : EnumSet.copyOf(categories);
        this.node = node;
        this.clock = clock;
        try {
            Files.createDirectories(directory);
            open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log in " + directory.toAbsolutePath() + ": "
                    + e.getMessage() + " (" + ConfigKeys.AUDIT_LOGGING_DIRECTORY + ")", e);
        }
    }

    /**
     * The audit log {@code config} asks for: {@link AuditLog#DISABLED} when audit_logging_enabled is
     * false. Throws {@link IllegalArgumentException} or {@link UncheckedIOException} saying what is wrong.
     */
    public static AuditLog fromConfig(ServerConfig config) {
        if (!config.bool(ConfigKeys.AUDIT_LOGGING_ENABLED)) {
            return DISABLED;
        }
        String dir = config.text(ConfigKeys.AUDIT_LOGGING_DIRECTORY);
        return new FileAuditLog(dir.isEmpty() ? config.dataDirectory().resolve("audit") : Path.of(dir),
                config.number(ConfigKeys.AUDIT_LOGGING_MAX_FILE_SIZE_BYTES),
                config.integer(ConfigKeys.AUDIT_LOGGING_MAX_FILES),
                AuditCategory.parse(ConfigKeys.AUDIT_LOGGING_CATEGORIES,
                        config.text(ConfigKeys.AUDIT_LOGGING_CATEGORIES)),
                config.nodeId().id(), Clock.systemUTC());
    }

    private void open() throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    @Override
    public boolean records(AuditCategory category) {
        return categories.contains(category);
    }

    @Override
    public void record(AuditEvent event) {
        if (!categories.contains(event.category())) {
            return;
        }
        byte[] line = line(clock.instant(), event);
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                if (size > 0 && size + line.length > maxFileBytes) {
                    rotate();
                }
                out.write(line);
                size += line.length;
                failing = false;
            } catch (IOException | RuntimeException e) {
                failures++;
                if (!failing) {
                    log.error("cannot write the audit log in {}: {} (further failures are counted, not logged, "
                            + "until a line is written again)", directory.toAbsolutePath(), e.toString());
                }
                failing = true;
            }
        }
    }

    /** audit.log becomes audit.log.1, .1 becomes .2...; the one past the files kept is deleted. */
    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(directory.resolve(FILE_NAME), rotated(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path rotated(int index) {
        return directory.resolve(FILE_NAME + "." + index);
    }

    /** One event as a JSON line (with its newline). */
    byte[] line(Instant time, AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("time", time.toString());
            json.writeStringField("node", node);
            json.writeStringField("category", event.category().name());
            json.writeStringField("operation", event.operation());
            json.writeStringField("outcome", event.outcome().name());
            json.writeStringField("source", event.source());
            json.writeStringField("user", event.user());
            json.writeStringField("reason", event.reason());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /** Lines that could not be written. */
    public synchronized long failures() {
        return failures;
    }

    /** The directory of the files. */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            log.warn("closing the audit log failed: {}", e.toString());
        }
    }
}
