package ringdb.core.schema.types;

import java.time.DateTimeException;
import java.time.LocalTime;

/** time: nanoseconds since midnight, a signed 8-byte integer in [0, 86399999999999]. Java value: {@link LocalTime}. */
final class TimeType extends FixedWidthType {
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    TimeType() {
        super("time", 8, true);
    }

    @Override
    public void validate(byte[] value) {
        super.validate(value);
        long v = read(value);
        if (v < 0 || v >= NANOS_PER_DAY) {
            throw new InvalidValueException(v + " nanoseconds is not a time of day [0, " + (NANOS_PER_DAY - 1) + "]");
        }
    }

    @Override
    public Object toJava(byte[] value) {
        return LocalTime.ofNanoOfDay(read(value));
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof LocalTime t) {
            return write(t.toNanoOfDay());
        }
        long v = integral(value, "a LocalTime or nanoseconds since midnight");
        byte[] out = write(v);
        validate(out);
        return out;
    }

    @Override
    public Object toJson(byte[] value) {
        return toString(value);
    }

    @Override
    public String toString(byte[] value) {
        LocalTime t = LocalTime.ofNanoOfDay(read(value));
        return String.format("%02d:%02d:%02d.%09d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }

    /** HH:MM:SS[.fffffffff], or nanoseconds since midnight. */
    @Override
    public byte[] fromString(String text) {
        String t = text.trim();
        if (t.matches("\\d+")) {
            return fromJava(parseLong(t, "time"));
        }
        try {
            return fromJava(LocalTime.parse(t));
        } catch (DateTimeException e) {
            throw new InvalidValueException("'" + text + "' is not a time (HH:MM:SS[.fffffffff])");
        }
    }
}
