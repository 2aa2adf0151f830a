package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;

/** Reading the JSON bodies of the row API, each missing or mistyped field refused with its name. */
final class RowsJson {
    private RowsJson() {
    }

    static JsonNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException(what + " must be a JSON object");
        }
        return node;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidRequestException("'" + field + "' must be a non-empty string");
        }
        return value.asText();
    }

    /** A boolean member, {@code otherwise} when absent or null. */
    static boolean bool(JsonNode node, String field, boolean otherwise) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException("'" + field + "' must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    /** A whole-number member in {@code [min, max]}, {@code otherwise} when absent or null. */
    static long whole(JsonNode node, String field, long min, long max, long otherwise, String unit) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw new InvalidRequestException("'" + field + "' must be a whole number of " + unit + " between " + min
                    + " and " + max + ", got " + value);
        }
        return value.asLong();
    }

    static List<JsonNode> array(JsonNode node, String field, boolean required) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            if (required) {
                throw new InvalidRequestException("'" + field + "' is required: a JSON array");
            }
            return out;
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("'" + field + "' must be a JSON array");
        }
        node.forEach(out::add);
        if (required && out.isEmpty()) {
            throw new InvalidRequestException("'" + field + "' must not be empty");
        }
        return out;
    }

    static JsonNode missing() {
        return MissingNode.getInstance();
    }
}
