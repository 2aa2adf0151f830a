package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.FrameCodec;
import com.datastax.oss.protocol.internal.Message;
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
import java.util.Map;

/**
 * A blocking CQL client over a plain socket for tests: frames are encoded and decoded with
 * native-protocol's client-side codecs, and raw bytes can be sent as they are.
 */
final class RawCqlClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private FrameCodec<ByteBuf> codec;

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

    void send(int version, int stream, Message message) throws IOException {
        sendRaw(encode(version, stream, message));
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
