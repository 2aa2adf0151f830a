package ringdb.storage.disk.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import ringdb.storage.disk.ReadFile;

/**
 * A read-only file. Files up to 1 GiB are memory mapped (reads are copies from the page cache);
 * larger ones are read with positional reads.
 */
final class MappedReadFile implements ReadFile {
    private static final long MAP_SIZE_BYTES_MAX = 1L << 30;

    private final FileChannel channel;
    private final MappedByteBuffer mapped;
    private final long sizeBytes;

    private MappedReadFile(FileChannel channel, MappedByteBuffer mapped, long sizeBytes) {
        this.channel = channel;
        this.mapped = mapped;
        this.sizeBytes = sizeBytes;
    }

    static MappedReadFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            MappedByteBuffer mapped = size > 0 && size <= MAP_SIZE_BYTES_MAX
                    ? channel.map(FileChannel.MapMode.READ_ONLY, 0, size) : null;
            return new MappedReadFile(channel, mapped, size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return sizeBytes;
    }

    @Override
    public void read(long position, byte[] destination, int offset, int length) throws IOException {
        ReadFile.checkWithin(position, length, sizeBytes);
        if (mapped != null) {
            mapped.get((int) position, destination, offset, length);
            return;
        }
        ByteBuffer target = ByteBuffer.wrap(destination, offset, length);
        long at = position;
        while (target.hasRemaining()) {
            int read = channel.read(target, at);
            if (read < 0) {
                throw new EOFException("unexpected end of file at " + at);
            }
            at += read;
        }
    }

    @Override
    public ByteBuffer view(long position, int length) throws IOException {
        if (mapped == null) {
            return ReadFile.super.view(position, length);
        }
        ReadFile.checkWithin(position, length, sizeBytes);
        return mapped.slice((int) position, length); // read-only, as the mapping
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
