package ringdb.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds the JSON responses of the HTTP API, errors included ({"error": kind, "message": words}). */
public final class JsonResponses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private JsonResponses() {
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static FullHttpResponse error(HttpResponseStatus status, String error, String message) {
        return json(status, errorBody(error, message));
    }

    public static ObjectNode errorBody(String error, String message) {
        ObjectNode body = object();
        body.put("error", error);
        body.put("message", message);
        return body;
    }

    public static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
        bytes = Arrays.copyOf(bytes, bytes.length + 1);
        bytes[bytes.length - 1] = '\n';
        return bytes(status, bytes, HttpHeaderValues.APPLICATION_JSON.toString());
    }

    public static FullHttpResponse text(HttpResponseStatus status, String text, String contentType) {
        return bytes(status, text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    public static FullHttpResponse bytes(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
