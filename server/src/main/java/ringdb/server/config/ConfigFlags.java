package ringdb.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns {@code --http-port 8081} / {@code --http-port=8081} flags into configuration overrides. */
public final class ConfigFlags {
    private ConfigFlags() {
    }

    /** Returns key name → raw text; an unknown flag or a flag without a value is refused. */
    public static Map<String, String> parse(List<String> args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new ConfigException(
                        "unexpected argument '" + arg + "'; configuration flags look like --http-port 8081");
            }
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            }
            String name = flag.substring(2).replace('-', '_');
            if (!ConfigKeys.all().containsKey(name)) {
                throw new ConfigException(
                        "unknown flag " + flag + "; every key of ringdb.yaml is a flag, e.g. --http-port, --seeds");
            }
            if (value == null) {
                throw new ConfigException("flag " + flag + " needs a value");
            }
            overrides.put(name, value);
        }
        return overrides;
    }
}
