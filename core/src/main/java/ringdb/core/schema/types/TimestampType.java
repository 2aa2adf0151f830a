package ringdb.core.schema.types;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;

/** timestamp: milliseconds since the epoch, a signed 8-byte integer. Java value: {@link Instant}. */
final class TimestampType extends FixedWidthType {
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    TimestampType() {
        super("timestamp", 8, true);
    }

    @Override
    public Object toJava(byte[] value) {
        return Instant.ofEpochMilli(read(value));
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof Instant i) {
            return write(i.toEpochMilli());
        }
        if (value instanceof Date d) {
            return write(d.getTime());
        }
        return write(integral(value, "an Instant, a Date or milliseconds since the epoch"));
    }

    @Override
    public Object toJson(byte[] value) {
        return toString(value);
    }

    @Override
    public String toString(byte[] value) {
        return TEXT.format(Instant.ofEpochMilli(read(value)));
    }

    /** Milliseconds, or ISO-8601 with 'T' or a space, with or without a zone (UTC when absent), or a date. */
    @Override
    public byte[] fromString(String text) {
        String t = text.trim();
        if (t.matches("-?\\d+")) {
            return write(parseLong(t, "timestamp"));
        }
        try {
            String iso = t.replace(' ', 'T');
            if (iso.length() == 10) {
                return write(LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
            }
            if (iso.endsWith("Z") || iso.matches(".*[+-]\\d\\d(:?\\d\\d)?$")) {
                return write(OffsetDateTime.parse(iso.replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2"))
                        .toInstant().toEpochMilli());
            }
            return write(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli());
        } catch (DateTimeException e) {
            throw new InvalidValueException("'" + text + "' is not a timestamp (milliseconds since the epoch or "
                    + "yyyy-mm-dd[ HH:MM[:SS[.fff]]][Z|+hh:mm])");
        }
    }
}
