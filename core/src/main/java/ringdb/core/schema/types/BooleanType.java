package ringdb.core.schema.types;

/** boolean: one byte, 0 is false and anything else true; false sorts before true. */
final class BooleanType extends CqlType {
    @Override
    public String cqlName() {
        return "boolean";
    }

    @Override
    public void validate(byte[] value) {
        checkLength(value, 1);
    }

    private static boolean truth(byte[] value) {
        return value[0] != 0;
    }

    @Override
    public int compare(byte[] left, byte[] right) {
        return Boolean.compare(truth(left), truth(right));
    }

    @Override
    public Object toJava(byte[] value) {
        return truth(value);
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof Boolean b) {
            return new byte[] {(byte) (b ? 1 : 0)};
        }
        throw wrongJava(value, "a Boolean");
    }

    @Override
    public Object toJson(byte[] value) {
        return truth(value);
    }

    @Override
    public byte[] fromJson(Object json) {
        return json instanceof String s ? fromString(s) : fromJava(json);
    }

    @Override
    public byte[] fromString(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return fromJava(t.equals("true"));
        }
        throw new InvalidValueException("'" + text + "' is not a boolean (true or false)");
    }

    @Override
    public String toString(byte[] value) {
        return Boolean.toString(truth(value));
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        out.writeByte(truth(value) ? 1 : 0);
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        int b = in.readByte();
        if (b > 1) {
            throw new IllegalArgumentException("bad boolean byte " + b + " at byte " + (in.position() - 1));
        }
        return new byte[] {(byte) b};
    }
}
