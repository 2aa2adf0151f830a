package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import ringdb.core.node.NodeConfig;

/**
 * The table "Configuration (NodeConfig)" of {@code docs/cluster.md} is written by hand; this test
 * holds it to {@link NodeConfig#defaults()}, where each default is declared once (on the builder).
 * Every row names one or more settings ({@code `a` / `b`}) and their defaults in the same order
 * ({@code 5 s / 3}; one default stands for all the row's settings). A default is a number with an
 * optional unit (s, ms, min, h, days for settings in microseconds; KiB, MiB, GiB, MiB/s for settings
 * in bytes), {@code true}/{@code false}, an enum constant in any case, or {@code none} (an empty
 * list or null). Lives in cli because cli sees every module, as {@code ModuleBoundariesTest} does.
 */
class NodeConfigDocTest {
    private static final Path CLUSTER_DOC = Path.of("..").toAbsolutePath().normalize().resolve("docs/cluster.md");
    private static final String TABLE_HEADER = "| setting | default | meaning |";
    private static final Pattern AMOUNT = Pattern.compile("(-?[0-9][0-9,_]*(?:\\.[0-9]+)?)\\s*([A-Za-z/]*)");
    private static final Map<String, Long> MICROS_PER_UNIT = Map.of(
            "ms", 1_000L, "s", 1_000_000L, "min", 60_000_000L, "h", 3_600_000_000L,
            "day", 86_400_000_000L, "days", 86_400_000_000L);
    private static final Map<String, Long> BYTES_PER_UNIT = Map.of(
            "B", 1L, "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30, "MiB/s", 1L << 20);

    @Test
    void everyDefaultInTheTableIsNodeConfigs() throws IOException {
        assertThat(disagreements(table(), NodeConfig.defaults()))
                .as("docs/cluster.md's NodeConfig table disagrees with NodeConfig.defaults()")
                .isEmpty();
    }

    @Test
    void everySettingOfNodeConfigHasARow() throws IOException {
        Set<String> documented = new LinkedHashSet<>();
        for (String row : table()) {
            documented.addAll(settings(row));
        }
        List<String> undocumented = Arrays.stream(NodeConfig.class.getRecordComponents())
                .map(RecordComponent::getName).filter(setting -> !documented.contains(setting)).toList();
        assertThat(undocumented).as("settings of NodeConfig without a row in docs/cluster.md's table").isEmpty();
    }

    /** The check itself: a drifted row is reported with its row, what it says and what the code says. */
    @Test
    void aDriftedRowIsReportedWithWhatTheCodeSays() {
        NodeConfig config = NodeConfig.defaults();
        assertThat(disagreements(List.of(
                "| `writeTimeoutMicros` / `readTimeoutMicros` | 2 s | coordinator waits |",
                "| `rangeSyncChunkEntries` / `rangeSyncChunkBytesMax` | 500 / 4 MiB | chunks |",
                "| `gcGraceMicros` | 10 days | tombstone lifetime |",
                "| `phiConvictThreshold` | 8 | sensitivity |",
                "| `seeds` / `replaceNode` | none | - |",
                "| `tokenAllocation` / `rangeSyncDigests` | derived / true | - |"), config)).isEmpty();
        assertThat(disagreements(List.of("| `hintWindowMicros` | 2 h | no hints for nodes down longer |"), config))
                .containsExactly("row `hintWindowMicros`: the doc says 2 h (7200000000) for hintWindowMicros, "
                        + "the code says 10800000000 (3 h)");
        assertThat(disagreements(List.of("| `numTokens` / `replicationFactor` | 16 / 3 | - |"), config))
                .containsExactly("row `numTokens` / `replicationFactor`: the doc says 3 for replicationFactor, "
                        + "the code says 2");
        assertThat(disagreements(List.of("| `numTokens` / `replicationFactor` | 16 | - |"), config))
                .containsExactly("row `numTokens` / `replicationFactor`: the doc says 16 for replicationFactor, "
                        + "the code says 2");
        assertThat(disagreements(List.of("| `valueSizeBytesMax` | 1 s | largest value |"), config))
                .containsExactly("row `valueSizeBytesMax`: the doc says 1 s for valueSizeBytesMax, "
                        + "a setting in bytes; the code says 1048576 (1 MiB)");
        assertThat(disagreements(List.of("| `rangeSyncDigest` | true | - |"), config))
                .containsExactly("row `rangeSyncDigest`: NodeConfig has no setting rangeSyncDigest");
        assertThat(disagreements(List.of("| `numTokens` / `seeds` | 16 / none / 3 | - |"), config))
                .containsExactly("row `numTokens` / `seeds`: 2 settings but 3 defaults");
    }

    /** The table's rows, without its header and separator. */
    private static List<String> table() throws IOException {
        List<String> lines = Files.readAllLines(CLUSTER_DOC, StandardCharsets.UTF_8);
        int start = lines.indexOf(TABLE_HEADER);
        assertThat(start).as("docs/cluster.md has the table " + TABLE_HEADER).isNotNegative();
        List<String> rows = new ArrayList<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            rows.add(lines.get(i));
        }
        assertThat(rows).as("rows of docs/cluster.md's NodeConfig table").isNotEmpty();
        return rows;
    }

    /** One line per setting whose documented default is not the code's; empty when they all agree. */
    static List<String> disagreements(List<String> rows, NodeConfig config) {
        List<String> problems = new ArrayList<>();
        for (String row : rows) {
            List<String> settings = settings(row);
            String label = "row " + String.join(" / ", settings.stream().map(s -> "`" + s + "`").toList());
            List<String> defaults = Arrays.stream(cells(row)[1].split(" / ")).map(String::trim).toList();
            if (defaults.size() != 1 && defaults.size() != settings.size()) {
                problems.add(label + ": " + settings.size() + " settings but " + defaults.size() + " defaults");
                continue;
            }
            for (int i = 0; i < settings.size(); i++) {
                String problem = disagreement(settings.get(i), defaults.get(defaults.size() == 1 ? 0 : i), config);
                if (problem != null) {
                    problems.add(label + ": " + problem);
                }
            }
        }
        return problems;
    }

    private static String[] cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        String[] cells = inner.split("\\|");
        assertThat(cells).as("cells of %s", row).hasSizeGreaterThanOrEqualTo(3);
        return cells;
    }

    /** The settings a row names: the back-quoted words of its first cell. */
    private static List<String> settings(String row) {
        List<String> names = new ArrayList<>();
        Matcher quoted = Pattern.compile("`([^`]+)`").matcher(cells(row)[0]);
        while (quoted.find()) {
            names.add(quoted.group(1));
        }
        assertThat(names).as("settings named in %s", row).isNotEmpty();
        return names;
    }

    /** Null when {@code documented} is the default of {@code setting}; otherwise what differs. */
    private static String disagreement(String setting, String documented, NodeConfig config) {
        RecordComponent component = Arrays.stream(NodeConfig.class.getRecordComponents())
                .filter(c -> c.getName().equals(setting)).findFirst().orElse(null);
        if (component == null) {
            return "NodeConfig has no setting " + setting;
        }
        Object actual;
        try {
            actual = component.getAccessor().invoke(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read NodeConfig." + setting + "()", e);
        }
        if (documented.equals("none")) {
            boolean none = actual == null || actual instanceof Collection<?> c && c.isEmpty();
            return none ? null : "the doc says none for " + setting + ", the code says " + actual;
        }
        if (actual instanceof Boolean || actual instanceof Enum<?>) {
            String code = actual instanceof Enum<?> e ? e.name() : actual.toString();
            return code.equalsIgnoreCase(documented) ? null
                    : "the doc says " + documented + " for " + setting + ", the code says " + code;
        }
        if (actual instanceof Number number) {
            return numberDisagreement(setting, documented, new BigDecimal(number.toString()));
        }
        return "the doc says " + documented + " for " + setting + ", a setting of type "
                + component.getType().getSimpleName() + " this test cannot compare; the code says " + actual;
    }

    private static String numberDisagreement(String setting, String documented, BigDecimal actual) {
        Matcher amount = AMOUNT.matcher(documented);
        if (!amount.matches()) {
            return "the doc says " + documented + " for " + setting + ", which is no number; the code says "
                    + actual.toPlainString();
        }
        BigDecimal number = new BigDecimal(amount.group(1).replace(",", "").replace("_", ""));
        String unit = amount.group(2);
        boolean inMicros = setting.endsWith("Micros");
        boolean inBytes = setting.contains("Bytes");
        Map<String, Long> units = inMicros ? MICROS_PER_UNIT : inBytes ? BYTES_PER_UNIT : Map.of();
        if (!unit.isEmpty() && !units.containsKey(unit)) {
            String kind = inMicros ? "in microseconds" : inBytes ? "in bytes" : "without a unit";
            return "the doc says " + documented + " for " + setting + ", a setting " + kind + "; the code says "
                    + actual.toPlainString() + readable(actual, units);
        }
        BigDecimal expected = unit.isEmpty() ? number : number.multiply(BigDecimal.valueOf(units.get(unit)));
        if (expected.compareTo(actual) == 0) {
            return null;
        }
        if (unit.isEmpty()) {
            return "the doc says " + documented + " for " + setting + ", the code says " + actual.toPlainString();
        }
        return "the doc says " + documented + " (" + expected.toPlainString() + ") for " + setting
                + ", the code says " + actual.toPlainString()
                + " (" + divide(actual, units.get(unit)) + " " + unit + ")";
    }

    /** {@code value} in the largest of {@code units} that divides it, as " (3 h)"; empty when none does. */
    private static String readable(BigDecimal value, Map<String, Long> units) {
        for (String unit : List.of("days", "h", "min", "s", "ms", "GiB", "MiB", "KiB")) {
            Long factor = units.get(unit);
            if (factor != null && value.signum() != 0
                    && value.remainder(BigDecimal.valueOf(factor)).signum() == 0) {
                return " (" + divide(value, factor) + " " + unit + ")";
            }
        }
        return "";
    }

    private static String divide(BigDecimal value, long factor) {
        return value.divide(BigDecimal.valueOf(factor), MathContext.DECIMAL64).stripTrailingZeros().toPlainString();
    }
}
