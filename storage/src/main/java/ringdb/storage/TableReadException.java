package ringdb.storage;

import java.io.IOException;

/** Reading a table failed (an I/O error, not a checksum): names the table's file. */
public final class TableReadException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public TableReadException(String path, IOException cause) {
        super("reading table " + path + " failed: " + cause.getMessage(), cause);
        this.path = path;
    }

    public String path() {
        return path;
    }

    /**
     * The table whose read failed somewhere in {@code failure}'s chain of causes (a checksum that
     * failed, or an I/O error reading it), or null when none is named.
     */
    public static String failedTable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CorruptionException corrupt) {
                return corrupt.path();
            }
            if (cause instanceof TableReadException read) {
                return read.path();
            }
        }
        return null;
    }
}
