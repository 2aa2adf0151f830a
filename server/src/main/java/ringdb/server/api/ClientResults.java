package ringdb.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import ringdb.core.coordinator.ClientResult;

/**
 * Maps the node's {@link ClientResult}s to HTTP responses and metric outcomes; the native protocol
 * sends the same status and JSON body in its error answers.
 */
public final class ClientResults {
    static final String TIMESTAMP_HEADER = "X-Ringdb-Timestamp";

    private ClientResults() {
    }

    public static FullHttpResponse toResponse(ClientResult result, String keyText) {
        if (result instanceof ClientResult.Written written) {
            ObjectNode body = JsonResponses.object();
            body.put("timestamp_micros", written.timestampMicros());
            body.put("acks", written.acks());
            FullHttpResponse response = JsonResponses.json(HttpResponseStatus.OK, body);
            response.headers().set(TIMESTAMP_HEADER, written.timestampMicros());
            return response;
        }
        if (result instanceof ClientResult.Found found) {
            FullHttpResponse response =
                    JsonResponses.bytes(HttpResponseStatus.OK, found.value(), "application/octet-stream");
            response.headers().set(TIMESTAMP_HEADER, found.timestampMicros());
            return response;
        }
        if (result instanceof ClientResult.NotFound) {
            return JsonResponses.error(HttpResponseStatus.NOT_FOUND, "not_found", "key '" + keyText + "' not found");
        }
        if (result instanceof ClientResult.Unavailable unavailable) {
            ObjectNode body = JsonResponses.errorBody("unavailable", "cannot achieve consistency level "
                    + unavailable.cl() + ": " + unavailable.required() + " replicas needed, "
                    + unavailable.alive() + " alive");
            body.put("consistency", unavailable.cl().name());
            body.put("required", unavailable.required());
            body.put("alive", unavailable.alive());
            return JsonResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        }
        if (result instanceof ClientResult.Timeout timeout) {
            ObjectNode body = JsonResponses.errorBody("timeout", "timed out at consistency level " + timeout.cl()
                    + ": " + timeout.required() + " replica answers needed, "
                    + timeout.received() + " received in time");
            body.put("consistency", timeout.cl().name());
            body.put("required", timeout.required());
            body.put("received", timeout.received());
            return JsonResponses.json(HttpResponseStatus.GATEWAY_TIMEOUT, body);
        }
        if (result instanceof ClientResult.Invalid invalid) {
            return JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid", invalid.message());
        }
        String message = result instanceof ClientResult.Failed failed ? failed.message() : String.valueOf(result);
        return JsonResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed", message);
    }

    public static String outcome(ClientResult result) {
        if (result instanceof ClientResult.Written || result instanceof ClientResult.Found) {
            return "ok";
        }
        if (result instanceof ClientResult.NotFound) {
            return "not_found";
        }
        if (result instanceof ClientResult.Unavailable) {
            return "unavailable";
        }
        if (result instanceof ClientResult.Timeout) {
            return "timeout";
        }
        return result instanceof ClientResult.Invalid ? "invalid" : "failed";
    }
}
