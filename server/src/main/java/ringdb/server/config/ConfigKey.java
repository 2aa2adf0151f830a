package ringdb.server.config;

import java.util.List;
import java.util.function.Function;

/**
 * One key of {@code ringdb.yaml}: its name, its default, a one-line description and a parser that
 * turns the raw YAML or flag text into a checked value. A parser throws {@link IllegalArgumentException}
 * with the reason; the loader adds the key's name and where the value came from.
 */
public record ConfigKey(String name, Object defaultValue, String description, Function<Object, Object> parser) {

    /** The command-line flag that overrides this key: {@code http_port} becomes {@code --http-port}. */
    public String flag() {
        return "--" + name.replace('_', '-');
    }

    static ConfigKey text(String name, String defaultValue, String description) {
        return new ConfigKey(name, defaultValue, description, raw -> {
            String text = String.valueOf(raw).trim();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return text;
        });
    }

    static ConfigKey optionalText(String name, String description) {
        return new ConfigKey(name, "", description, raw -> raw == null ? "" : String.valueOf(raw).trim());
    }

    static ConfigKey integer(String name, long defaultValue, long min, long max, String description) {
        return new ConfigKey(name, defaultValue, description, raw -> {
            long value = parseLong(raw);
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        });
    }

    static ConfigKey decimal(String name, double defaultValue, double min, double max, String description) {
        return new ConfigKey(name, defaultValue, description, raw -> {
            double value;
            try {
                value = raw instanceof Number number ? number.doubleValue() : Double.parseDouble(String.valueOf(raw).trim());
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
        return new ConfigKey(name, defaultValue, description, raw -> {
            String value = String.valueOf(raw).trim().toLowerCase(java.util.Locale.ROOT);
            if (!choices.contains(value)) {
                throw new IllegalArgumentException("must be one of " + choices + ", got '" + raw + "'");
            }
            return value;
        });
    }

    static ConfigKey bool(String name, boolean defaultValue, String description) {
        return new ConfigKey(name, defaultValue, description, raw -> {
            if (raw instanceof Boolean value) {
                return value;
            }
            String text = String.valueOf(raw).trim().toLowerCase(java.util.Locale.ROOT);
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException("must be true or false, got '" + raw + "'");
            }
            return Boolean.parseBoolean(text);
        });
    }

    /** One "host:port" address, or empty for none. */
    static ConfigKey optionalAddress(String name, String description) {
        return new ConfigKey(name, "", description, raw -> {
            String text = raw == null ? "" : String.valueOf(raw).trim();
            return text.isEmpty() ? "" : HostPort.parse(text).toString();
        });
    }

    /** A list of "host:port" addresses, from a YAML list or a comma-separated string. */
    static ConfigKey addresses(String name, String description) {
        return new ConfigKey(name, List.of(), description, raw -> {
            List<?> items = raw instanceof List<?> list ? list
                    : raw == null || String.valueOf(raw).isBlank() ? List.of() : List.of(String.valueOf(raw).split(","));
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
