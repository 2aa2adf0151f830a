package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Compressor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 compression of frame bodies as the protocol defines it (v4 section 5): the uncompressed
 * length as a 4-byte big-endian int, then one LZ4 block. Decompression uses the safe decompressor
 * and refuses a body that claims more than {@code maxUncompressedBytes} or does not decompress to
 * exactly the length it claims, so a hostile frame costs at most that much memory.
 */
final class Lz4Compression implements Compressor<ByteBuf> {
    static final String ALGORITHM = "lz4";

    private final ByteBufAllocator allocator;
    private final int maxUncompressedBytes;
    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor;

    Lz4Compression(ByteBufAllocator allocator, int maxUncompressedBytes) {
        this.allocator = allocator;
        this.maxUncompressedBytes = maxUncompressedBytes;
        LZ4Factory factory = LZ4Factory.fastestInstance();
        this.compressor = factory.fastCompressor();
        this.decompressor = factory.safeDecompressor();
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public ByteBuf compress(ByteBuf uncompressed) {
        int length = uncompressed.readableBytes();
        ByteBuf out = compressBlock(uncompressed, 4);
        out.setInt(0, length);
        return out;
    }

    @Override
    public ByteBuf compressWithoutLength(ByteBuf uncompressed) {
        return compressBlock(uncompressed, 0);
    }

    private ByteBuf compressBlock(ByteBuf uncompressed, int headerBytes) {
        int length = uncompressed.readableBytes();
        int bound = compressor.maxCompressedLength(length);
        ByteBuf out = allocator.heapBuffer(headerBytes + bound);
        try {
            ByteBuffer source = uncompressed.nioBuffer(uncompressed.readerIndex(), length);
            ByteBuffer target = out.nioBuffer(headerBytes, bound);
            int written = compressor.compress(source, source.position(), length, target, target.position(), bound);
            out.writerIndex(headerBytes + written);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    @Override
    public ByteBuf decompress(ByteBuf compressed) {
        if (compressed.readableBytes() < 4) {
            throw new IllegalArgumentException("an LZ4-compressed body of " + compressed.readableBytes()
                    + " bytes has no room for its 4-byte length");
        }
        int length = compressed.readInt();
        return decompressWithoutLength(compressed, length);
    }

    @Override
    public ByteBuf decompressWithoutLength(ByteBuf compressed, int uncompressedLength) {
        if (uncompressedLength < 0 || uncompressedLength > maxUncompressedBytes) {
            throw new IllegalArgumentException("an LZ4-compressed body claims " + uncompressedLength
                    + " uncompressed bytes; the limit is " + maxUncompressedBytes);
        }
        ByteBuf out = allocator.heapBuffer(uncompressedLength, uncompressedLength);
        try {
            ByteBuffer source = compressed.nioBuffer(compressed.readerIndex(), compressed.readableBytes());
            ByteBuffer target = out.nioBuffer(0, uncompressedLength);
            int produced = decompressor.decompress(source, source.position(), compressed.readableBytes(), target,
                    target.position(), uncompressedLength);
            if (produced != uncompressedLength) {
                throw new IllegalArgumentException("an LZ4-compressed body decompressed to " + produced
                        + " bytes, not the " + uncompressedLength + " it claims");
            }
            compressed.skipBytes(compressed.readableBytes());
            out.writerIndex(uncompressedLength);
            return out;
        } catch (LZ4Exception e) {
            out.release();
            throw new IllegalArgumentException("an LZ4-compressed body is corrupt: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
