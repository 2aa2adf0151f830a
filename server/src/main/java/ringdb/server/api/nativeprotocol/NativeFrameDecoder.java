package ringdb.server.api.nativeprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import ringdb.core.protocol.NativeProtocol;

/**
 * Cuts the native protocol's byte stream into frames ({@code docs/formats/native-protocol.md}).
 * Emits each frame as a {@link ByteBuf} holding {@code stream opcode body}; a frame longer than
 * the limit as {@link TooLarge} (its bytes are then skipped as they arrive, never buffered), and a
 * length shorter than the header as {@link Unframeable}, after which the decoder reads nothing more.
 */
final class NativeFrameDecoder extends ByteToMessageDecoder {
    /** A frame of {@code lengthBytes} (after the length field) on {@code stream}, past {@code limitBytes}. */
    record TooLarge(int stream, long lengthBytes, int limitBytes) {
    }

    /** A length no frame can have: the stream is lost, so only the connection can be answered. */
    record Unframeable(long lengthBytes) {
    }

    private final int frameBytesMax;
    private long discardBytes;
    private boolean broken;

    NativeFrameDecoder(int frameBytesMax) {
        this.frameBytesMax = frameBytesMax;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!broken) {
            if (discardBytes > 0) {
                int skipped = (int) Math.min(discardBytes, in.readableBytes());
                in.skipBytes(skipped);
                discardBytes -= skipped;
                if (discardBytes > 0) {
                    return;
                }
            }
            if (in.readableBytes() < NativeProtocol.LENGTH_BYTES) {
                return;
            }
            long length = in.getUnsignedInt(in.readerIndex());
            if (length < NativeProtocol.HEADER_BYTES) {
                broken = true;
                in.skipBytes(in.readableBytes());
                out.add(new Unframeable(length));
                return;
            }
            if (length > frameBytesMax) {
                if (in.readableBytes() < NativeProtocol.LENGTH_BYTES + 4) {
                    return; // the stream id is needed to answer
                }
                int stream = in.getInt(in.readerIndex() + NativeProtocol.LENGTH_BYTES);
                in.skipBytes(NativeProtocol.LENGTH_BYTES);
                discardBytes = length;
                out.add(new TooLarge(stream, length, frameBytesMax));
                continue;
            }
            if (in.readableBytes() < NativeProtocol.LENGTH_BYTES + length) {
                return;
            }
            in.skipBytes(NativeProtocol.LENGTH_BYTES);
            out.add(in.readRetainedSlice((int) length));
        }
        in.skipBytes(in.readableBytes());
    }
}
