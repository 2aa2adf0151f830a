package ringdb.cli.shell;

import java.io.PrintStream;
import java.util.List;

/**
 * Prints rows as cqlsh does. Tabular: a blank line, the column names left-aligned, a line of
 * dashes with {@code -+-} between columns, the values right-aligned, each column as wide as its
 * widest entry. Expanded ({@code EXPAND ON}): one block per row, {@code @ Row N}, then a
 * {@code name | value} line per column.
 */
final class ResultPrinter {
    private ResultPrinter() {
    }

    /** One table of {@code rows} (already formatted); {@code firstRow} numbers the rows in expanded form. */
    static void print(PrintStream out, List<String> names, List<List<String>> rows, boolean expanded, int firstRow) {
        if (expanded) {
            printExpanded(out, names, rows, firstRow);
            return;
        }
        int[] widths = new int[names.size()];
        for (int c = 0; c < names.size(); c++) {
            widths[c] = width(names.get(c));
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], width(row.get(c)));
            }
        }
        out.println();
        StringBuilder header = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < names.size(); c++) {
            header.append(c == 0 ? " " : " | ").append(padRight(names.get(c), widths[c]));
            rule.append(c == 0 ? "-" : "-+-").append("-".repeat(widths[c]));
        }
        out.println(header.toString().stripTrailing());
        out.println(rule.append('-'));
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < names.size(); c++) {
                line.append(c == 0 ? " " : " | ").append(padLeft(row.get(c), widths[c]));
            }
            out.println(line);
        }
    }

    private static void printExpanded(PrintStream out, List<String> names, List<List<String>> rows, int firstRow) {
        int nameWidth = names.stream().mapToInt(ResultPrinter::width).max().orElse(0);
        int valueWidth = 0;
        for (List<String> row : rows) {
            for (String value : row) {
                valueWidth = Math.max(valueWidth, width(value));
            }
        }
        out.println();
        for (int r = 0; r < rows.size(); r++) {
            out.println("@ Row " + (firstRow + r));
            out.println("-" + "-".repeat(nameWidth) + "-+-" + "-".repeat(valueWidth) + "-");
            for (int c = 0; c < names.size(); c++) {
                out.println((" " + padRight(names.get(c), nameWidth) + " | " + rows.get(r).get(c)).stripTrailing());
            }
            out.println();
        }
    }

    /** The summary line cqlsh prints after the rows. */
    static void printCount(PrintStream out, long rows) {
        out.println();
        out.println("(" + rows + " rows)");
    }

    static int width(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String padRight(String text, int width) {
        return text + " ".repeat(Math.max(0, width - width(text)));
    }

    private static String padLeft(String text, int width) {
        return " ".repeat(Math.max(0, width - width(text))) + text;
    }
}
