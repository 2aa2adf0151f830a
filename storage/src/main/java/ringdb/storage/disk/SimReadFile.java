package ringdb.storage.disk;

import java.io.IOException;

/**
 * A reader of a {@link SimDisk} file: {@code bytes} never change below {@code length} while it is
 * open. A read may fail with the error the disk injected for its file and range.
 */
final class SimReadFile implements ReadFile {
    private final SimDisk disk;
    private final String path;
    private final byte[] bytes;
    private final int length;

    SimReadFile(SimDisk disk, String path, byte[] bytes, int length) {
        this.disk = disk;
        this.path = path;
        this.bytes = bytes;
        this.length = length;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public void read(long position, byte[] destination, int offset, int length) throws IOException {
        ReadFile.checkWithin(position, length, this.length);
        disk.checkRead(path, position, length);
        System.arraycopy(bytes, (int) position, destination, offset, length);
    }

    @Override
    public void close() {
    }
}
