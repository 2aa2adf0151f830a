package ringdb.server.cql;

import com.datastax.oss.protocol.internal.CrcMismatchException;
import com.datastax.oss.protocol.internal.Segment;
import com.datastax.oss.protocol.internal.SegmentCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
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
 * <p>Protocol v5 (its section 2) wraps frames in segments once the server has answered STARTUP with
 * READY or AUTHENTICATE: the connection then calls {@link #startSegments}, and from the next byte on
 * each segment's header CRC24 and payload CRC32 are checked (and its payload decompressed when LZ4 was
 * negotiated) before its frames go on as above. A self-contained segment holds one or more whole
 * frames; a frame larger than a segment arrives in consecutive segments that are not, joined here
 * before the frame goes on. A CRC mismatch, a frame cut across a self-contained segment or a payload
 * that does not decompress is refused like a bad header.
 *
 * <p>Threading: the channel's event loop.
 */
final class CqlFrameDecoder extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 9;
    /** The versions this server speaks, lowest first. */
    static final int VERSION_MIN = 3;
    static final int VERSION_MAX = 5;
    /** The first version whose frames travel in segments after the handshake. */
    static final int VERSION_SEGMENTS = 5;

    private final int maxFrameBytes;
    private int connectionVersion;
    private boolean refused;
    /** Non-null once the connection's frames travel in segments. */
    private SegmentCodec<ByteBuf> segments;
    /** The header of a segment whose payload has not all arrived; null between segments. */
    private SegmentCodec.Header segmentHeader;
    /** The parts so far of a frame that spans segments; null when none is under way. */
    private CompositeByteBuf partialFrame;

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
        return "Invalid or unsupported protocol version (" + version
                + "); supported versions are (3/v3, 4/v4, 5/v5)";
    }

    /**
     * From the next byte read on, frames arrive in segments decoded by {@code codec} (with the
     * compression the connection negotiated). Called on the event loop as READY or AUTHENTICATE is sent.
     */
    void startSegments(SegmentCodec<ByteBuf> codec) {
        segments = codec;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (segments != null) {
            decodeSegments(in, out);
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
        if (partialFrame != null) {
            partialFrame.release();
            partialFrame = null;
        }
    }

    /** Decodes every whole segment in {@code in} and passes on the frames they complete. */
    private void decodeSegments(ByteBuf in, List<Object> out) {
        while (!refused) {
            if (segmentHeader == null) {
                int headerBytes = segments.headerLength() + SegmentCodec.CRC24_LENGTH;
                if (in.readableBytes() < headerBytes) {
                    return;
                }
                try {
                    segmentHeader = segments.decodeHeader(in.readSlice(headerBytes));
                } catch (CrcMismatchException e) {
                    refuse(in, out, new Refused(connectionVersion, 0, "a segment header failed its CRC24 check ("
                            + e.getMessage() + "); the connection is closed"));
                    return;
                }
            }
            int segmentBytes = segmentHeader.payloadLength + SegmentCodec.CRC32_LENGTH;
            if (in.readableBytes() < segmentBytes) {
                return;
            }
            SegmentCodec.Header header = segmentHeader;
            segmentHeader = null;
            Segment<ByteBuf> segment;
            try {
                segment = segments.decode(header, in.readRetainedSlice(segmentBytes));
            } catch (CrcMismatchException e) {
                refuse(in, out, new Refused(connectionVersion, 0, "a segment payload failed its CRC32 check ("
                        + e.getMessage() + "); the connection is closed"));
                return;
            } catch (RuntimeException e) { // a compressed payload that does not decompress
                refuse(in, out, new Refused(connectionVersion, 0, "a segment payload cannot be read: "
                        + e.getMessage()));
                return;
            }
            try {
                if (segment.isSelfContained) {
                    selfContained(in, segment.payload, out);
                } else {
                    part(in, segment.payload, out);
                }
            } finally {
                segment.payload.release();
            }
        }
    }

    /** The whole frames of a self-contained segment's payload. */
    private void selfContained(ByteBuf in, ByteBuf payload, List<Object> out) {
        if (partialFrame != null) {
            refuse(in, out, new Refused(connectionVersion, 0, "a self-contained segment arrived while a frame "
                    + "spanning segments was incomplete"));
            return;
        }
        while (payload.isReadable()) {
            int length = segmentFrameLength(in, payload, out);
            if (length < 0) {
                return;
            }
            if (payload.readableBytes() < HEADER_BYTES + length) {
                refuse(in, out, new Refused(connectionVersion, payload.getShort(payload.readerIndex() + 2),
                        "a frame of " + (HEADER_BYTES + length) + " bytes runs past the end of its self-contained "
                                + "segment (" + payload.readableBytes() + " bytes left)"));
                return;
            }
            emit(payload.readRetainedSlice(HEADER_BYTES + length), out);
        }
    }

    /** One part of a frame that spans segments; the frame goes on with its last part. */
    private void part(ByteBuf in, ByteBuf payload, List<Object> out) {
        if (partialFrame == null) {
            partialFrame = payload.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        partialFrame.addComponent(true, payload.retain());
        if (partialFrame.readableBytes() < HEADER_BYTES) {
            return;
        }
        int length = segmentFrameLength(in, partialFrame, out);
        if (length < 0) {
            return;
        }
        int frameBytes = HEADER_BYTES + length;
        if (partialFrame.readableBytes() > frameBytes) {
            refuse(in, out, new Refused(connectionVersion, partialFrame.getShort(partialFrame.readerIndex() + 2),
                    "segments that are not self-contained carried " + partialFrame.readableBytes()
                            + " bytes for a frame of " + frameBytes));
            return;
        }
        if (partialFrame.readableBytes() == frameBytes) {
            ByteBuf frame = partialFrame;
            partialFrame = null;
            emit(frame, out);
        }
    }

    /** The body length of the frame at the start of {@code frames} (a segment's payload), or -1 after refusing it. */
    private int segmentFrameLength(ByteBuf in, ByteBuf frames, List<Object> out) {
        int start = frames.readerIndex();
        if (frames.readableBytes() < HEADER_BYTES) {
            refuse(in, out, new Refused(connectionVersion, 0, "a segment ends inside a frame header ("
                    + frames.readableBytes() + " of " + HEADER_BYTES + " bytes)"));
            return -1;
        }
        int first = frames.getUnsignedByte(start);
        int length = frames.getInt(start + 5);
        String problem = problem(first, first & 0x7F, length);
        if (problem != null) {
            refuse(in, out, new Refused(connectionVersion, frames.getShort(start + 2), problem));
            return -1;
        }
        return length;
    }

    private static void emit(ByteBuf frame, List<Object> out) {
        int start = frame.readerIndex();
        out.add(new Whole(frame.getUnsignedByte(start) & 0x7F, frame.getShort(start + 2),
                frame.getUnsignedByte(start + 4), frame));
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (partialFrame != null) {
            partialFrame.release();
            partialFrame = null;
        }
    }
}
