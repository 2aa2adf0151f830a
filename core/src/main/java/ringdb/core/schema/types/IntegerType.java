package ringdb.core.schema.types;

/** tinyint (1 byte), smallint (2), int (4), bigint (8): signed two's complement, big-endian. */
final class IntegerType extends FixedWidthType {
    private final int width;

    IntegerType(String name, int width) {
        super(name, width, true);
        this.width = width;
    }

    @Override
    public Object toJava(byte[] value) {
        long v = read(value);
        return switch (width) {
            case 1 -> (byte) v;
            case 2 -> (short) v;
            case 4 -> (int) v;
            default -> v;
        };
    }

    @Override
    public byte[] fromJava(Object value) {
        return writeChecked(integral(value, "an integer for " + cqlName()));
    }

    @Override
    public Object toJson(byte[] value) {
        return read(value);
    }

    @Override
    public byte[] fromString(String text) {
        return writeChecked(parseLong(text, cqlName()));
    }

    @Override
    public String toString(byte[] value) {
        return Long.toString(read(value));
    }
}
