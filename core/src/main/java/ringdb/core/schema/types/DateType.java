package ringdb.core.schema.types;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * date: days as an unsigned 4-byte integer with the epoch (1970-01-01) at 2^31, so that unsigned
 * order is date order. Java value: {@link LocalDate}.
 */
final class DateType extends FixedWidthType {
    private static final long EPOCH = 1L << 31;

    DateType() {
        super("date", 4, false);
    }

    @Override
    public Object toJava(byte[] value) {
        return LocalDate.ofEpochDay(read(value) - EPOCH);
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof LocalDate d) {
            return writeChecked(d.toEpochDay() + EPOCH);
        }
        throw wrongJava(value, "a LocalDate");
    }

    @Override
    public Object toJson(byte[] value) {
        return toString(value);
    }

    @Override
    public String toString(byte[] value) {
        return toJava(value).toString();
    }

    /** yyyy-mm-dd, or the raw unsigned day number as Cassandra accepts it. */
    @Override
    public byte[] fromString(String text) {
        String t = text.trim();
        if (t.matches("\\d+")) {
            return writeChecked(parseLong(t, "date"));
        }
        try {
            return fromJava(LocalDate.parse(t));
        } catch (DateTimeException e) {
            throw new InvalidValueException("'" + text + "' is not a date (yyyy-mm-dd)");
        }
    }
}
