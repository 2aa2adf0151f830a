package ringdb.core.schema.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The CQL types: one immutable instance per native type, collection factories and the type parser. */
public final class CqlTypes {
    public static final CqlType ASCII = new BytesType(BytesType.Kind.ASCII);
    public static final CqlType TEXT = new BytesType(BytesType.Kind.TEXT);
    public static final CqlType BLOB = new BytesType(BytesType.Kind.BLOB);
    public static final CqlType BOOLEAN = new BooleanType();
    public static final CqlType TINYINT = new IntegerType("tinyint", 1);
    public static final CqlType SMALLINT = new IntegerType("smallint", 2);
    public static final CqlType INT = new IntegerType("int", 4);
    public static final CqlType BIGINT = new IntegerType("bigint", 8);
    public static final CqlType VARINT = new VarintType();
    public static final CqlType FLOAT = new FloatingType(false);
    public static final CqlType DOUBLE = new FloatingType(true);
    public static final CqlType DECIMAL = new DecimalType();
    public static final CqlType TIMESTAMP = new TimestampType();
    public static final CqlType DATE = new DateType();
    public static final CqlType TIME = new TimeType();
    public static final CqlType UUID = new UuidType(false);
    public static final CqlType TIMEUUID = new UuidType(true);
    public static final CqlType INET = new InetType();

    /** Every native type, by its CQL name ({@code varchar} is an alias of text). */
    public static final Map<String, CqlType> NATIVE = Map.ofEntries(
            Map.entry("ascii", ASCII), Map.entry("text", TEXT), Map.entry("varchar", TEXT),
            Map.entry("blob", BLOB), Map.entry("boolean", BOOLEAN), Map.entry("tinyint", TINYINT),
            Map.entry("smallint", SMALLINT), Map.entry("int", INT), Map.entry("bigint", BIGINT),
            Map.entry("varint", VARINT), Map.entry("float", FLOAT), Map.entry("double", DOUBLE),
            Map.entry("decimal", DECIMAL), Map.entry("timestamp", TIMESTAMP), Map.entry("date", DATE),
            Map.entry("time", TIME), Map.entry("uuid", UUID), Map.entry("timeuuid", TIMEUUID),
            Map.entry("inet", INET));

    /** Deepest nesting of collection types accepted by the parser. */
    public static final int NESTING_DEPTH_MAX = 16;

    private CqlTypes() {
    }

    /** list&lt;element&gt;; a collection element must be frozen (it is frozen here if it is not). */
    public static ListType list(CqlType element, boolean frozen) {
        return new ListType(element.freeze(), frozen);
    }

    public static SetType set(CqlType element, boolean frozen) {
        return new SetType(element.freeze(), frozen);
    }

    public static MapType map(CqlType key, CqlType value, boolean frozen) {
        return new MapType(key.freeze(), value.freeze(), frozen);
    }

    /**
     * Parses a CQL type: {@code int}, {@code varchar}, {@code list<text>},
     * {@code map<text, frozen<list<int>>>}, {@code frozen<set<uuid>>}. Names are case-insensitive.
     * A collection inside a collection must be written frozen (as CQL requires), except inside
     * a frozen type, where everything is frozen. Throws {@link InvalidValueException} saying
     * where the text is wrong.
     */
    public static CqlType parse(String text) {
        Parser p = new Parser(text);
        CqlType t = p.type(false, 0);
        p.skipSpaces();
        if (p.position < text.length()) {
            throw p.error("unexpected '" + text.substring(p.position) + "'");
        }
        return t;
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        /** A type; in a frozen context (inside frozen&lt;&gt;) every collection is frozen. */
        CqlType type(boolean frozenContext, int depth) {
            if (depth > NESTING_DEPTH_MAX) {
                throw error("types nest deeper than " + NESTING_DEPTH_MAX);
            }
            String name = word();
            if (name.equals("frozen")) {
                List<CqlType> args = arguments(1, depth, true);
                if (!args.get(0).isCollection()) {
                    throw error("frozen<> applies to a collection, not to " + args.get(0).cqlName());
                }
                return args.get(0).freeze();
            }
            CqlType nativeType = NATIVE.get(name);
            if (nativeType != null) {
                return nativeType;
            }
            CqlType t = switch (name) {
                case "list" -> list(arguments(1, depth, frozenContext).get(0), false);
                case "set" -> set(arguments(1, depth, frozenContext).get(0), false);
                case "map" -> {
                    List<CqlType> kv = arguments(2, depth, frozenContext);
                    yield map(kv.get(0), kv.get(1), false);
                }
                case "counter" -> throw error("counter columns are not supported");
                default -> throw error("unknown type '" + name + "'");
            };
            return frozenContext ? t.freeze() : t;
        }

        /** {@code <T, ...>} with exactly {@code count} types; inner non-frozen collections refused. */
        private List<CqlType> arguments(int count, int depth, boolean frozenContext) {
            expect('<');
            List<CqlType> out = new ArrayList<>();
            while (true) {
                int at = position;
                CqlType t = type(frozenContext, depth + 1);
                if (!frozenContext && t.isMultiCell()) {
                    position = at;
                    throw error("a collection inside a collection must be frozen: write frozen<" + t.cqlName() + ">");
                }
                out.add(t);
                skipSpaces();
                if (peek() == ',') {
                    position++;
                    continue;
                }
                expect('>');
                break;
            }
            if (out.size() != count) {
                throw error("expected " + count + " type argument" + (count == 1 ? "" : "s") + ", got " + out.size());
            }
            return out;
        }

        private String word() {
            skipSpaces();
            int start = position;
            while (position < text.length() && Character.isLetterOrDigit(text.charAt(position))) {
                position++;
            }
            if (start == position) {
                throw error("expected a type name");
            }
            return text.substring(start, position).toLowerCase(Locale.ROOT);
        }

        private void expect(char c) {
            skipSpaces();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            position++;
        }

        private int peek() {
            return position < text.length() ? text.charAt(position) : -1;
        }

        void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        InvalidValueException error(String what) {
            return new InvalidValueException("bad type '" + text + "' at character " + position + ": " + what);
        }
    }
}
