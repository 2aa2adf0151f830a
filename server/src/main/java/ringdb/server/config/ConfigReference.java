package ringdb.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders the configuration reference from {@link ConfigKeys}: the commented example
 * {@code conf/ringdb.yaml} and the key table of {@code docs/server.md}. Both files hold exactly
 * this rendering; {@code ConfigReferenceTest} fails when they differ and rewrites them when run
 * with {@code -Dringdb.config.write=true}.
 */
public final class ConfigReference {
    /** Width of a comment line in ringdb.yaml. */
    static final int YAML_LINE_CHARS = 100;

    private static final List<String> YAML_PREAMBLE = List.of(
            "ringdb.yaml: the configuration of one ringdb node, in the spirit of cassandra.yaml.",
            "",
            "Generated from ringdb.server.config.ConfigKeys (ConfigReferenceTest checks it): change the keys there.",
            "Every key below is shown with its default; a node started without a file uses exactly these.",
            "Every key is also a command-line flag that overrides the file: http_port -> --http-port 8081.",
            "  ringdb server --config conf/ringdb.yaml --http-port 8081 --data-directory ./data/n2",
            "A bad value stops the node at start with the key's name and the reason.",
            "Sizes are in bytes, durations in the unit their name ends with (_ms, _micros).");

    private ConfigReference() {
    }

    /** The whole of {@code conf/ringdb.yaml}. */
    public static String yaml() {
        StringBuilder out = new StringBuilder();
        YAML_PREAMBLE.forEach(line -> out.append(line.isEmpty() ? "#" : "# " + line).append('\n'));
        for (ConfigKeys.Section section : ConfigKeys.sections()) {
            String title = "# --- " + section.title() + " ";
            String rule = "-".repeat(Math.max(3, YAML_LINE_CHARS - title.length()));
            out.append('\n').append(title).append(rule).append('\n');
            for (ConfigKey key : section.keys()) {
                for (String line : wrap(key.description(), YAML_LINE_CHARS - 2)) {
                    out.append("# ").append(line).append('\n');
                }
                out.append(key.name()).append(": ").append(yamlValue(key.defaultValue())).append('\n');
            }
        }
        return out.toString();
    }

    /** The header and rows of the key table in {@code docs/server.md}. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| key | flag | default | allowed | meaning |\n");
        out.append("|---|---|---|---|---|\n");
        for (ConfigKey key : ConfigKeys.all().values()) {
            out.append("| `").append(key.name()).append("` | `").append(key.flag()).append("` | `")
                    .append(markdownValue(key.defaultValue())).append("` | ").append(key.allowed()).append(" | ")
                    .append(key.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    private static String yamlValue(Object value) {
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "[]" : list.toString();
        }
        if (value instanceof String text) {
            return text.isEmpty() ? "\"\"" : text;
        }
        return String.valueOf(value);
    }

    private static String markdownValue(Object value) {
        if (value instanceof String text) {
            return "\"" + text + "\"";
        }
        return yamlValue(value);
    }

    /** Splits {@code text} into lines of at most {@code width} characters at spaces. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
