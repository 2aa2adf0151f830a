package ringdb.storage.disk;

import java.io.IOException;

/** A reader of a {@link SimDisk} file: {@code bytes} never change below {@code length} while it is open. */
final class SimReadFile implements ReadFile {
    private final byte[] bytes;
    private final int length;

    SimReadFile(byte[] bytes, int length) {
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
        System.arraycopy(bytes, (int) position, destination, offset, length);
    }

    @Override
    public void close() {
    }
}
