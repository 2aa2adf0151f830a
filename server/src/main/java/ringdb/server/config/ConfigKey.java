package ringdb.server.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One key of {@code ringdb.yaml}: its name, type, default, the values it allows (as the reference
 * documentation shows them), its documentation, and a parser that turns the raw YAML or flag text
 * into a checked value. The factories below derive the allowed values and the parser from the
 * same arguments, so the range that is documented is the range that is enforced. A parser throws
 * {@link IllegalArgumentException} with the reason; the loader adds the key's name and where the
 * value came from.
 *
 * @param description the key's documentation: one or more sentences, shown as the comment above
 *                    the key in {@code conf/ringdb.yaml}, in the table of {@code docs/server.md}
 *                    and by {@code ringdb server --list-keys}
 */
public record ConfigKey(String name, Type type, Object defaultValue, String allowed, String description,
                        Function<Object, Object> parser) {

    /** What kind of value a key holds. */
    public enum Type { TEXT, PATH, INTEGER, DECIMAL, CHOICE, BOOLEAN, ADDRESS, ADDRESSES }

    /** The command-line flag that overrides this key: {@code http_port} becomes {@code --http-port}. */
    public String flag() {
        return "--" + name.replace('_', '-');
    }

    static ConfigKey text(String name, String defaultValue, String description) {
        return new ConfigKey(name, Type.TEXT, defaultValue, "text", description, ConfigKey::nonEmpty);
    }

    static ConfigKey path(String name, String defaultValue, String description) {
        return new ConfigKey(name, Type.PATH, defaultValue, "path", description, ConfigKey::nonEmpty);
    }

    /** Any text, or empty for none. */
    static ConfigKey optionalText(String name, String description) {
        return new ConfigKey(name, Type.TEXT, "", "text or empty", description,
                raw -> raw == null ? "" : String.valueOf(raw).trim());
    }

    /** Comma-separated host names (letters, digits, '-', '.'), or '*', or empty for none. */
    static ConfigKey hostNames(String name, String description) {
        return new ConfigKey(name, Type.TEXT, "", "comma-separated host names", description, raw -> {
            String text = raw instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                    : raw == null ? "" : String.valueOf(raw);
            for (String host : text.split(",")) {
                String trimmed = host.trim();
                if (!trimmed.isEmpty() && !trimmed.equals("*") && !trimmed.matches("[A-Za-z0-9.-]+")) {
                    throw new IllegalArgumentException("'" + trimmed + "' is not a host name (letters, digits, "
                            + "'-' and '.', without a port), nor '*'");
                }
            }
            return text.trim();
        });
    }

    private static Object nonEmpty(Object raw) {
        String text = String.valueOf(raw).trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }

    static ConfigKey integer(String name, long defaultValue, long min, long max, String description) {
        return integer(name, defaultValue, min, max, null, description);
    }

    /** A whole number in {@code min..max}; {@code maxReason} (or null) says why the maximum is what it is. */
    static ConfigKey integer(String name, long defaultValue, long min, long max, String maxReason, String description) {
        return new ConfigKey(name, Type.INTEGER, defaultValue, min + " .. " + max, description, raw -> {
            long value = parseLong(raw);
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + value
                        + (maxReason == null || value < min ? "" : ": " + maxReason));
            }
            return value;
        });
    }

    /** The word a size key takes to follow the node's heap (see {@link #integerOrAuto}). */
    public static final String AUTO = "auto";

    /**
     * {@value #AUTO} (the default: the node works the value out, as the key's description says) or a whole
     * number in {@code min..max}; the parsed value is the text {@value #AUTO} or a {@code Long}.
     */
    static ConfigKey integerOrAuto(String name, long min, long max, String description) {
        return new ConfigKey(name, Type.INTEGER, AUTO, AUTO + ", " + min + " .. " + max, description, raw -> {
            if (raw instanceof String text && text.trim().equalsIgnoreCase(AUTO)) {
                return AUTO;
            }
            long value;
            try {
                value = parseLong(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be " + AUTO + " or a whole number, got '" + raw + "'", e);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be " + AUTO + " or between " + min + " and " + max
                        + ", got " + value);
            }
            return value;
        });
    }

    static ConfigKey decimal(String name, double defaultValue, double min, double max, String description) {
        return new ConfigKey(name, Type.DECIMAL, defaultValue, min + " .. " + max, description, raw -> {
            double value;
            try {
                value = raw instanceof Number number
                        ? number.doubleValue() : Double.parseDouble(String.valueOf(raw).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number, got '" + raw + "'", e);
            }
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        });
    }

    static ConfigKey choice(String name, String defaultValue, List<String> choices, String description) {
        return new ConfigKey(name, Type.CHOICE, defaultValue, String.join(", ", choices), description, raw -> {
            String value = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
            if (!choices.contains(value)) {
                throw new IllegalArgumentException("must be one of " + choices + ", got '" + raw + "'");
            }
            return value;
        });
    }

    /**
     * One of {@code choices} spelled as listed; matched regardless of case and of a Java package prefix
     * (so Cassandra's {@code org.apache.cassandra.auth.PasswordAuthenticator} reads as PasswordAuthenticator).
     */
    static ConfigKey className(String name, String defaultValue, List<String> choices, String description) {
        return new ConfigKey(name, Type.CHOICE, defaultValue, String.join(", ", choices), description, raw -> {
            String value = String.valueOf(raw).trim();
            String simple = value.substring(value.lastIndexOf('.') + 1);
            for (String choice : choices) {
                if (choice.equalsIgnoreCase(simple)) {
                    return choice;
                }
            }
            throw new IllegalArgumentException("must be one of " + choices + ", got '" + raw + "'");
        });
    }

    static ConfigKey bool(String name, boolean defaultValue, String description) {
        return new ConfigKey(name, Type.BOOLEAN, defaultValue, "true, false", description, raw -> {
            if (raw instanceof Boolean value) {
                return value;
            }
            String text = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException("must be true or false, got '" + raw + "'");
            }
            return Boolean.parseBoolean(text);
        });
    }

    /** One "host:port" address, or empty for none. */
    static ConfigKey optionalAddress(String name, String description) {
        return new ConfigKey(name, Type.ADDRESS, "", "host:port or empty", description, raw -> {
            String text = raw == null ? "" : String.valueOf(raw).trim();
            return text.isEmpty() ? "" : HostPort.parse(text).toString();
        });
    }

    /** A list of "host:port" addresses, from a YAML list or a comma-separated string. */
    static ConfigKey addresses(String name, String description) {
        return new ConfigKey(name, Type.ADDRESSES, List.of(), "host:port list", description, raw -> {
            List<?> items = raw instanceof List<?> list ? list
                    : raw == null || String.valueOf(raw).isBlank() ? List.of()
                    : List.of(String.valueOf(raw).split(","));
            return items.stream().map(item -> HostPort.parse(String.valueOf(item).trim()).toString()).toList();
        });
    }

    private static long parseLong(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        String text = String.valueOf(raw).trim().replace("_", "");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, got '" + raw + "'", e);
        }
    }
}
