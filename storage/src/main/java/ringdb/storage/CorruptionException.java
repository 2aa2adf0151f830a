package ringdb.storage;

import java.io.IOException;

/** A file failed its checksum or its grammar: names the file and the byte offset of the damage. */
public final class CorruptionException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final long offset;

    public CorruptionException(String path, long offset, String detail) {
        super(path + " is corrupt at offset " + offset + ": " + detail);
        this.path = path;
        this.offset = offset;
    }

    public String path() {
        return path;
    }

    public long offset() {
        return offset;
    }
}
