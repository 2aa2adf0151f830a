package ringdb.server.cql;

import com.datastax.oss.protocol.internal.PrimitiveCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The protocol's primitive types ([int], [string], [bytes], [inetaddr]...; protocol v4 section 3)
 * read from and written to Netty buffers, for the message codecs of {@code native-protocol}. A
 * read past the end of a buffer throws (Netty's IndexOutOfBoundsException), which the server
 * answers as a protocol error.
 */
final class ByteBufPrimitives implements PrimitiveCodec<ByteBuf> {
    private final ByteBufAllocator allocator;

    ByteBufPrimitives(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public ByteBuf allocate(int size) {
        return allocator.buffer(size, size);
    }

    @Override
    public void release(ByteBuf buffer) {
        buffer.release();
    }

    @Override
    public int sizeOf(ByteBuf buffer) {
        return buffer.readableBytes();
    }

    @Override
    public ByteBuf concat(ByteBuf left, ByteBuf right) {
        CompositeByteBuf both = allocator.compositeBuffer(2);
        both.addComponents(true, left, right);
        return both;
    }

    @Override
    public void markReaderIndex(ByteBuf source) {
        source.markReaderIndex();
    }

    @Override
    public void resetReaderIndex(ByteBuf source) {
        source.resetReaderIndex();
    }

    @Override
    public byte readByte(ByteBuf source) {
        return source.readByte();
    }

    @Override
    public int readInt(ByteBuf source) {
        return source.readInt();
    }

    @Override
    public int readInt(ByteBuf source, int offset) {
        return source.getInt(source.readerIndex() + offset);
    }

    @Override
    public InetAddress readInetAddr(ByteBuf source) {
        int length = source.readUnsignedByte();
        if (length != 4 && length != 16) {
            throw new IllegalArgumentException("an [inetaddr] of " + length + " bytes; expected 4 or 16");
        }
        byte[] address = new byte[length];
        source.readBytes(address);
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad [inetaddr]: " + e.getMessage(), e);
        }
    }

    @Override
    public long readLong(ByteBuf source) {
        return source.readLong();
    }

    @Override
    public int readUnsignedShort(ByteBuf source) {
        return source.readUnsignedShort();
    }

    @Override
    public ByteBuffer readBytes(ByteBuf source) {
        int length = source.readInt();
        if (length < 0) {
            return null;
        }
        checkReadable(source, length, "[bytes]");
        byte[] bytes = new byte[length];
        source.readBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public byte[] readShortBytes(ByteBuf source) {
        int length = source.readUnsignedShort();
        checkReadable(source, length, "[short bytes]");
        byte[] bytes = new byte[length];
        source.readBytes(bytes);
        return bytes;
    }

    @Override
    public String readString(ByteBuf source) {
        int length = source.readUnsignedShort();
        return readUtf8(source, length, "[string]");
    }

    @Override
    public String readLongString(ByteBuf source) {
        int length = source.readInt();
        if (length < 0) {
            throw new IllegalArgumentException("a [long string] of negative length " + length);
        }
        return readUtf8(source, length, "[long string]");
    }

    private static String readUtf8(ByteBuf source, int length, String what) {
        checkReadable(source, length, what);
        String text = source.toString(source.readerIndex(), length, StandardCharsets.UTF_8);
        source.skipBytes(length);
        return text;
    }

    private static void checkReadable(ByteBuf source, int length, String what) {
        if (length > source.readableBytes()) {
            throw new IllegalArgumentException("a " + what + " of " + length + " bytes runs past the end of the "
                    + "message (" + source.readableBytes() + " bytes left)");
        }
    }

    @Override
    public ByteBuf readRetainedSlice(ByteBuf source, int sliceLength) {
        return source.readRetainedSlice(sliceLength);
    }

    @Override
    public void updateCrc(ByteBuf source, CRC32 crc) {
        crc.update(source.internalNioBuffer(source.readerIndex(), source.readableBytes()));
    }

    @Override
    public void writeByte(byte b, ByteBuf dest) {
        dest.writeByte(b);
    }

    @Override
    public void writeInt(int i, ByteBuf dest) {
        dest.writeInt(i);
    }

    @Override
    public void writeInetAddr(InetAddress address, ByteBuf dest) {
        byte[] bytes = address.getAddress();
        dest.writeByte(bytes.length);
        dest.writeBytes(bytes);
    }

    @Override
    public void writeLong(long l, ByteBuf dest) {
        dest.writeLong(l);
    }

    @Override
    public void writeUnsignedShort(int i, ByteBuf dest) {
        dest.writeShort(i);
    }

    @Override
    public void writeString(String s, ByteBuf dest) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        dest.writeShort(bytes.length);
        dest.writeBytes(bytes);
    }

    @Override
    public void writeLongString(String s, ByteBuf dest) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        dest.writeInt(bytes.length);
        dest.writeBytes(bytes);
    }

    @Override
    public void writeBytes(ByteBuffer bytes, ByteBuf dest) {
        if (bytes == null) {
            dest.writeInt(-1);
        } else {
            dest.writeInt(bytes.remaining());
            if (bytes.hasArray()) { // values of rows: copied straight from their array, no buffer view made
                dest.writeBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                dest.writeBytes(bytes.duplicate());
            }
        }
    }

    @Override
    public void writeBytes(byte[] bytes, ByteBuf dest) {
        if (bytes == null) {
            dest.writeInt(-1);
        } else {
            dest.writeInt(bytes.length);
            dest.writeBytes(bytes);
        }
    }

    @Override
    public void writeShortBytes(byte[] bytes, ByteBuf dest) {
        dest.writeShort(bytes.length);
        dest.writeBytes(bytes);
    }
}
