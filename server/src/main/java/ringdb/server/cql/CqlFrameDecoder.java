package ringdb.server.cql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCounted;
import java.util.List;

/**
 * Cuts a CQL connection's bytes into frames (protocol v4 section 2: a 9-byte header whose last
 * four bytes are the body's length) and checks the header before anything else reads it. A whole
 * frame goes on as a {@link Whole} (header and body, to the message codecs); a header the server
 * cannot serve becomes one {@link Refused} (a protocol error to answer on its stream, after which
 * the connection is closed) and everything after it is dropped:
 * <ul>
 * <li>a version this server does not speak, with the wording drivers look for to step down;</li>
 * <li>a frame marked as a response, or of another version than the connection's first frame;</li>
 * <li>a body length that is negative or above {@code maxFrameBytes} (a 2 GiB length is refused as soon
 *     as its header has arrived, not buffered).</li>
 * </ul>
 *
 * <p>Threading: the channel's event loop.
 */
final class CqlFrameDecoder extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 9;
    /** The versions this server speaks, lowest first. */
    static final int VERSION_MIN = 3;
    static final int VERSION_MAX = 4;

    private final int maxFrameBytes;
    private int connectionVersion;
    private boolean refused;

    /**
     * A whole frame; the receiver releases it (which releases {@code frame}). Reference counted, so a
     * handler that drops queued messages without delivering them (a {@code FlowControlHandler} of a
     * connection that closes) releases the frame too.
     */
    record Whole(int version, int stream, int opcode, ByteBuf frame) implements ReferenceCounted {
        @Override
        public int refCnt() {
            return frame.refCnt();
        }

        @Override
        public Whole retain() {
            frame.retain();
            return this;
        }

        @Override
        public Whole retain(int increment) {
            frame.retain(increment);
            return this;
        }

        @Override
        public Whole touch() {
            frame.touch();
            return this;
        }

        @Override
        public Whole touch(Object hint) {
            frame.touch(hint);
            return this;
        }

        @Override
        public boolean release() {
            return frame.release();
        }

        @Override
        public boolean release(int decrement) {
            return frame.release(decrement);
        }
    }

    /** A frame the server refuses: answer {@code message} as a protocol error on {@code stream} in {@code version}. */
    record Refused(int version, int stream, String message) {
    }

    CqlFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The text drivers parse to step down to a version this server speaks. */
    static String unsupportedVersionMessage(int version) {
        return "Invalid or unsupported protocol version (" + version + "); supported versions are (3/v3, 4/v4)";
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 1) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        int version = first & 0x7F;
        if (version < VERSION_MIN || version > VERSION_MAX) {
            // v1 and v2 have a one-byte stream id at offset 2; later versions two bytes.
            if (in.readableBytes() < (version < VERSION_MIN ? 3 : 4)) {
                return;
            }
            int stream = version < VERSION_MIN ? in.getByte(in.readerIndex() + 2)
                    : in.getShort(in.readerIndex() + 2);
            refuse(in, out, new Refused(version < VERSION_MIN ? VERSION_MIN : VERSION_MAX, stream,
                    unsupportedVersionMessage(version)));
            return;
        }
        if (in.readableBytes() < HEADER_BYTES) {
            return;
        }
        int stream = in.getShort(in.readerIndex() + 2);
        String problem = problem(first, version, in.getInt(in.readerIndex() + 5));
        if (problem != null) {
            refuse(in, out, new Refused(connectionVersion == 0 ? version : connectionVersion, stream, problem));
            return;
        }
        int length = in.getInt(in.readerIndex() + 5);
        if (in.readableBytes() < HEADER_BYTES + length) {
            return;
        }
        if (connectionVersion == 0) {
            connectionVersion = version;
        }
        int opcode = in.getUnsignedByte(in.readerIndex() + 4);
        out.add(new Whole(version, stream, opcode, in.readRetainedSlice(HEADER_BYTES + length)));
    }

    /** What is wrong with a header of a supported version, or null. */
    private String problem(int first, int version, int length) {
        if ((first & 0x80) != 0) {
            return "a frame marked as a response (version byte 0x" + Integer.toHexString(first)
                    + ") was sent to the server";
        }
        if (connectionVersion != 0 && version != connectionVersion) {
            return "Invalid message version. Got " + version + " but previous messages on this connection had "
                    + "version " + connectionVersion;
        }
        if (length < 0 || length > maxFrameBytes) {
            return "frame body length " + Integer.toUnsignedString(length) + " is larger than the limit of "
                    + maxFrameBytes + " bytes (native_transport_max_frame_size_bytes)";
        }
        return null;
    }

    private void refuse(ByteBuf in, List<Object> out, Refused refusal) {
        refused = true;
        in.skipBytes(in.readableBytes());
        out.add(refusal);
    }
}
