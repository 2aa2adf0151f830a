package ringdb.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import ringdb.core.protocol.NativeProtocol;

/** Decodes native-protocol answers into the transport-neutral {@link HttpTransport.Response}. */
final class NativeAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NOT_FOUND_BODY = "{\"error\":\"not_found\",\"message\":\"key not found\"}"
            .getBytes(StandardCharsets.UTF_8);

    private NativeAnswers() {
    }

    /** The answer with opcode {@code status} and {@code body}; throws IOException when it is malformed. */
    static HttpTransport.Response decode(byte status, byte[] body) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        switch (status) {
            case NativeProtocol.VALUE -> {
                need(buffer, 8, "VALUE");
                long timestamp = buffer.getLong();
                return new HttpTransport.Response(200, Arrays.copyOfRange(body, 8, body.length), timestamp);
            }
            case NativeProtocol.WRITTEN -> {
                need(buffer, 12, "WRITTEN"); // timestamp:i64 acks:u32; the client reports the timestamp
                return new HttpTransport.Response(200, EMPTY, buffer.getLong());
            }
            case NativeProtocol.AUTHENTICATED -> {
                return new HttpTransport.Response(200, EMPTY, 0);
            }
            case NativeProtocol.ROW, NativeProtocol.ROWS -> {
                return new HttpTransport.Response(200, body, 0);
            }
            case NativeProtocol.NOT_FOUND -> {
                return new HttpTransport.Response(404, NOT_FOUND_BODY, 0);
            }
            case NativeProtocol.ERROR -> {
                need(buffer, 2, "ERROR");
                int httpStatus = Short.toUnsignedInt(buffer.getShort());
                return new HttpTransport.Response(httpStatus, Arrays.copyOfRange(body, 2, body.length), 0);
            }
            default -> throw new IOException("malformed answer: unknown status " + status);
        }
    }

    private static void need(ByteBuffer buffer, int bytes, String what) throws IOException {
        if (buffer.remaining() < bytes) {
            throw new IOException("malformed answer: " + what + " of " + buffer.remaining() + " bytes");
        }
    }

    /** The message of an error answer's JSON body (the raw body when it is not JSON). */
    static String message(HttpTransport.Response response) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        try {
            return JSON.readTree(response.body()).path("message").asText(text);
        } catch (IOException e) {
            return text;
        }
    }
}
