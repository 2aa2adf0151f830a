package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.CrcMismatchException;
import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.FrameCodec;
import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.Segment;
import com.datastax.oss.protocol.internal.SegmentCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A blocking CQL client over a plain socket for tests: frames are encoded and decoded with
 * native-protocol's client-side codecs, and raw bytes can be sent as they are. After
 * {@link #segments} (protocol v5 past the handshake) frames are sent and received in segments.
 */
final class RawCqlClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private FrameCodec<ByteBuf> codec;
    private SegmentCodec<ByteBuf> segments;
    /** Frames received in segments and not yet returned by {@link #receive}. */
    private ByteBuf received = Unpooled.buffer();
    /** The segments received so far, in order. */
    private final List<ReceivedSegment> receivedSegments = new ArrayList<>();

    /** A segment the server sent: whether self-contained, and its payload's length once decompressed. */
    record ReceivedSegment(boolean selfContained, int payloadBytes) {
    }

    RawCqlClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        compress(Compressor.none());
    }

    void compress(Compressor<ByteBuf> compressor) {
        codec = FrameCodec.defaultClient(new ByteBufPrimitives(UnpooledByteBufAllocator.DEFAULT), compressor);
    }

    /** From now on frames travel in segments, compressed with {@code compressor}. */
    void segments(Compressor<ByteBuf> compressor) {
        segments = new SegmentCodec<>(new ByteBufPrimitives(UnpooledByteBufAllocator.DEFAULT), compressor);
    }

    void send(int version, int stream, Message message) throws IOException {
        byte[] frame = encode(version, stream, message);
        sendRaw(segments == null ? frame : segment(frame, true));
    }

    /** The bytes of one segment (header with its CRC24, payload, CRC32) carrying {@code payload}. */
    byte[] segment(byte[] payload, boolean selfContained) {
        List<Object> parts = new ArrayList<>();
        segments.encode(new Segment<>(Unpooled.copiedBuffer(payload), selfContained), parts);
        ByteBuf all = Unpooled.buffer();
        for (Object part : parts) {
            all.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        return bytes;
    }

    /** The bytes of a request frame. */
    byte[] encode(int version, int stream, Message message) {
        ByteBuf frame = codec.encode(Frame.forRequest(version, stream, false, Map.of(), message));
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    /** A small receive buffer, so what the client does not read piles up on the server. */
    void setReceiveBuffer() throws IOException {
        socket.setReceiveBufferSize(4096);
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Frame receive() throws IOException {
        if (segments != null) {
            return receiveInSegments();
        }
        byte[] header = new byte[CqlFrameDecoder.HEADER_BYTES];
        in.readFully(header);
        int length = Unpooled.wrappedBuffer(header).getInt(5);
        byte[] body = new byte[length];
        in.readFully(body);
        ByteBuf whole = Unpooled.wrappedBuffer(header, body);
        try {
            return codec.decode(whole);
        } finally {
            whole.release();
        }
    }

    private Frame receiveInSegments() throws IOException {
        while (received.readableBytes() < CqlFrameDecoder.HEADER_BYTES || received.readableBytes()
                < CqlFrameDecoder.HEADER_BYTES + received.getInt(received.readerIndex() + 5)) {
            byte[] header = new byte[segments.headerLength() + SegmentCodec.CRC24_LENGTH];
            in.readFully(header);
            try {
                SegmentCodec.Header h = segments.decodeHeader(Unpooled.wrappedBuffer(header));
                byte[] rest = new byte[h.payloadLength + SegmentCodec.CRC32_LENGTH];
                in.readFully(rest);
                Segment<ByteBuf> segment = segments.decode(h, Unpooled.wrappedBuffer(rest));
                receivedSegments.add(new ReceivedSegment(segment.isSelfContained, segment.payload.readableBytes()));
                received.writeBytes(segment.payload);
                segment.payload.release();
            } catch (CrcMismatchException e) {
                throw new IOException("the server sent a segment that fails its CRC: " + e.getMessage(), e);
            }
        }
        int length = CqlFrameDecoder.HEADER_BYTES + received.getInt(received.readerIndex() + 5);
        ByteBuf frame = received.readRetainedSlice(length);
        try {
            return codec.decode(frame);
        } finally {
            frame.release();
            received.discardReadBytes();
        }
    }

    /** The segments received so far (protocol v5 past the handshake), in order. */
    List<ReceivedSegment> receivedSegments() {
        return List.copyOf(receivedSegments);
    }

    /** Sends {@code message} on stream 1 and returns the answer's message. */
    Message ask(int version, Message message) throws IOException {
        send(version, 1, message);
        return receive().message;
    }

    /** Whether the server closed the connection (end of stream) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
