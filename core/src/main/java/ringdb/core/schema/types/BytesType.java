package ringdb.core.schema.types;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * ascii, text (alias varchar) and blob: the bytes themselves (UTF-8 for text, 7-bit for ascii),
 * ordered as unsigned bytes (for text, that is code point order). Ordered encoding: the bytes
 * with every 0x00 escaped as 0x00 0xFF, then 0x00 0x01.
 */
final class BytesType extends CqlType {
    enum Kind { ASCII, TEXT, BLOB }

    private final Kind kind;

    BytesType(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String cqlName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void validate(byte[] value) {
        if (kind == Kind.ASCII) {
            for (int i = 0; i < value.length; i++) {
                if (value[i] < 0) {
                    throw new InvalidValueException("byte " + i + " (0x" + Integer.toHexString(value[i] & 0xFF)
                            + ") is not US-ASCII");
                }
            }
        } else if (kind == Kind.TEXT && !isAscii(value)) { // US-ASCII is UTF-8: checked without a decoder
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
            } catch (CharacterCodingException e) {
                throw new InvalidValueException("not valid UTF-8");
            }
        }
    }

    private static boolean isAscii(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compare(byte[] left, byte[] right) {
        return Arrays.compareUnsigned(left, right);
    }

    @Override
    public Object toJava(byte[] value) {
        return kind == Kind.BLOB ? value.clone() : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] fromJava(Object value) {
        if (kind == Kind.BLOB) {
            if (value instanceof byte[] b) {
                return b.clone();
            }
            if (value instanceof ByteBuffer b) {
                ByteBuffer copy = b.duplicate();
                byte[] out = new byte[copy.remaining()];
                copy.get(out);
                return out;
            }
            throw wrongJava(value, "a byte[] or ByteBuffer");
        }
        if (!(value instanceof CharSequence s)) {
            throw wrongJava(value, "a String");
        }
        byte[] out = encodeUtf8(s.toString());
        validate(out);
        return out;
    }

    private static byte[] encodeUtf8(String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new InvalidValueException("the string is not valid Unicode (an unpaired surrogate)");
        }
    }

    @Override
    public Object toJson(byte[] value) {
        return toString(value);
    }

    @Override
    public byte[] fromJson(Object json) {
        if (kind == Kind.BLOB) {
            if (json instanceof String s) {
                return fromString(s);
            }
            throw wrongJava(json, "a 0x-prefixed hex string");
        }
        return fromJava(json);
    }

    @Override
    public byte[] fromString(String text) {
        if (kind != Kind.BLOB) {
            return fromJava(text);
        }
        String t = text.trim();
        if (!t.startsWith("0x") && !t.startsWith("0X")) {
            throw new InvalidValueException("a blob is written as 0x followed by hex digits, got '"
                    + abbreviate(t) + "'");
        }
        try {
            return HexFormat.of().parseHex(t.substring(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("'" + abbreviate(t)
                    + "' is not 0x followed by an even number of hex digits");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    @Override
    public String toString(byte[] value) {
        return kind == Kind.BLOB ? "0x" + HexFormat.of().formatHex(value) : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        out.writeEscaped(value);
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        return in.readEscaped();
    }
}
