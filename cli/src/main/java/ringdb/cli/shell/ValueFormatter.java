package ringdb.cli.shell;

import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a value the way cqlsh shows it: text as it is (quoted inside collections), booleans as
 * {@code True}/{@code False}, blobs as {@code 0x...}, timestamps in UTC with microseconds and
 * {@code +0000}, floats with 5 and doubles with 12 significant digits, collections as
 * {@code [..]}, {@code {..}} and {@code {k: v}}, and {@code null}.
 */
final class ValueFormatter {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS", Locale.ROOT);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ValueFormatter() {
    }

    static String format(Object value) {
        return format(value, false);
    }

    private static String format(Object value, boolean nested) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return nested ? "'" + text.replace("'", "''") + "'" : text;
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Float f) {
            return decimal(f.doubleValue(), 5, f.isNaN() || f.isInfinite());
        }
        if (value instanceof Double d) {
            return decimal(d, 12, d.isNaN() || d.isInfinite());
        }
        if (value instanceof BigDecimal d) {
            return d.toString();
        }
        if (value instanceof ByteBuffer bytes) {
            return blob(bytes);
        }
        if (value instanceof Instant instant) {
            return TIMESTAMP.format(instant);
        }
        if (value instanceof LocalTime time) {
            return nested ? "'" + TIME.format(time) + "'" : TIME.format(time);
        }
        if (value instanceof InetAddress address) {
            return address.getHostAddress();
        }
        if (value instanceof List<?> list) {
            return join("[", list.iterator(), "]");
        }
        if (value instanceof Set<?> set) {
            return join("{", set.iterator(), "}");
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(out.length() > 1 ? ", " : "").append(format(entry.getKey(), true)).append(": ")
                        .append(format(entry.getValue(), true));
            }
            return out.append('}').toString();
        }
        if (value instanceof TupleValue tuple) {
            return tuple.getFormattedContents();
        }
        if (value instanceof UdtValue udt) {
            return udt.getFormattedContents();
        }
        return value.toString();
    }

    private static String join(String open, Iterator<?> elements, String close) {
        StringBuilder out = new StringBuilder(open);
        while (elements.hasNext()) {
            out.append(format(elements.next(), true)).append(elements.hasNext() ? ", " : "");
        }
        return out.append(close).toString();
    }

    /** {@code %g} with {@code digits} significant digits, without trailing zeros or a needless exponent. */
    private static String decimal(double value, int digits, boolean special) {
        if (special) {
            return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return "0";
        }
        String text = new BigDecimal(value).round(new java.math.MathContext(digits)).stripTrailingZeros()
                .toString();
        return text.contains("E") ? text.replace("E+", "e+").replace("E-", "e-") : text;
    }

    private static String blob(ByteBuffer bytes) {
        StringBuilder out = new StringBuilder("0x");
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            int b = bytes.get(i) & 0xff;
            out.append(HEX[b >>> 4]).append(HEX[b & 0xf]);
        }
        return out.toString();
    }
}
