package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.MemorySchema;

/**
 * Any value of any type, written as a CQL literal (the way cqlsh and drivers write them) and
 * analysed in an INSERT, comes out serialized as the value itself.
 */
class LiteralRoundTripProperties {
    private static final Set<CqlType> QUOTED = Set.of(CqlTypes.ASCII, CqlTypes.TEXT, CqlTypes.TIMESTAMP,
            CqlTypes.DATE, CqlTypes.TIME, CqlTypes.INET);
    private static final List<String> TYPES = List.of("ascii", "text", "blob", "boolean", "tinyint", "smallint",
            "int", "bigint", "varint", "float", "double", "decimal", "timestamp", "date", "time", "uuid", "timeuuid",
            "inet", "list<int>", "set<text>", "map<int, text>", "frozen<list<bigint>>");
    private static final MemorySchema SCHEMA = schema();

    private static MemorySchema schema() {
        MemorySchema s = new MemorySchema();
        s.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        StringBuilder cql = new StringBuilder("CREATE TABLE ks.t (k int PRIMARY KEY");
        for (int i = 0; i < TYPES.size(); i++) {
            cql.append(", c").append(i).append(' ').append(TYPES.get(i));
        }
        s.execute(cql.append(')').toString());
        return s;
    }

    record Case(int column, byte[] value) {
    }

    @Property(tries = 2000)
    void aLiteralOfAnyTypeSerializesAsItsValue(@ForAll("cases") Case c) {
        CqlType type = CqlTypes.parse(TYPES.get(c.column()));
        String literal = literal(type, c.value());
        ModificationStatement s = (ModificationStatement) Analyzer.analyze("INSERT INTO t (k, c" + c.column()
                + ") VALUES (0, " + literal + ")", "ks", SCHEMA);
        byte[] bound = s.bind(BindValues.NONE).operations().get(0).value();
        assertThat(bound).as(literal).isEqualTo(type.normalize(c.value()));
    }

    private static String literal(CqlType type, byte[] value) {
        if (type.isCollection()) {
            Object java = type.toJava(value);
            if (java instanceof Map<?, ?> m) {
                return m.entrySet().stream().map(e -> e.getKey() + ": '" + quote(e.getValue().toString()) + "'")
                        .collect(Collectors.joining(", ", "{", "}"));
            }
            boolean set = java instanceof Set<?>;
            return ((java.util.Collection<?>) java).stream().map(e -> e instanceof String str ? "'" + quote(str) + "'"
                    : e.toString()).collect(Collectors.joining(", ", set ? "{" : "[", set ? "}" : "]"));
        }
        String text = type.toString(value);
        return QUOTED.contains(type) ? "'" + quote(text) + "'" : text;
    }

    private static String quote(String s) {
        return s.replace("'", "''");
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.integers().between(0, TYPES.size() - 1).flatMap(i -> values(CqlTypes.parse(TYPES.get(i)))
                .map(v -> new Case(i, v)));
    }

    private static Arbitrary<byte[]> values(CqlType t) {
        Arbitrary<?> java = switch (t.cqlName()) {
            case "ascii" -> Arbitraries.strings().withCharRange((char) 0, (char) 127).ofMaxLength(20);
            case "text" -> Arbitraries.strings().withCharRange((char) 0, '\uD7FF').ofMaxLength(20);
            case "blob" -> Arbitraries.bytes().array(byte[].class).ofMaxSize(20);
            case "boolean" -> Arbitraries.of(true, false);
            case "tinyint" -> Arbitraries.bytes();
            case "smallint" -> Arbitraries.shorts();
            case "int" -> Arbitraries.integers();
            case "bigint" -> Arbitraries.longs();
            case "varint" -> Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30));
            case "float" -> Arbitraries.floats().withSpecialValue(Float.NaN).withSpecialValue(Float.NEGATIVE_INFINITY)
                    .withSpecialValue(Float.POSITIVE_INFINITY).withSpecialValue(-0.0f);
            case "double" -> Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(Double.MIN_VALUE)
                    .withSpecialValue(Double.POSITIVE_INFINITY).withSpecialValue(-1e300);
            case "decimal" -> Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(20).negate(),
                    BigInteger.TEN.pow(20)), Arbitraries.integers().between(-20, 20)).as(BigDecimal::new);
            case "timestamp" -> Arbitraries.longs().between(-62_000_000_000_000L, 250_000_000_000_000L)
                    .map(Instant::ofEpochMilli);
            case "date" -> Arbitraries.longs().between(-700_000, 2_900_000).map(LocalDate::ofEpochDay);
            case "time" -> Arbitraries.longs().between(0, 86_399_999_999_999L).map(LocalTime::ofNanoOfDay);
            case "uuid" -> Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
            case "timeuuid" -> Arbitraries.randomValue(r -> new UUID((r.nextLong() & ~0xF000L) | 0x1000L,
                    (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L));
            case "inet" -> Arbitraries.bytes().array(byte[].class).ofSize(4).map(b -> (b[0] & 255) + "." + (b[1] & 255)
                    + "." + (b[2] & 255) + "." + (b[3] & 255));
            case "list<int>" -> Arbitraries.integers().list().ofMaxSize(5);
            case "set<text>" -> Arbitraries.strings().alpha().ofMaxLength(5).set().ofMaxSize(5);
            case "map<int, text>" -> Arbitraries.maps(Arbitraries.integers(), Arbitraries.strings().ofMaxLength(5)
                    .withCharRange(' ', '~')).ofMaxSize(5);
            case "frozen<list<bigint>>" -> Arbitraries.longs().list().ofMaxSize(5);
            default -> throw new IllegalArgumentException(t.cqlName().toUpperCase(Locale.ROOT));
        };
        return java.map(t::fromJava);
    }

    @net.jqwik.api.Example
    void theLargestFloatsReadBackAsThemselves() {
        int column = TYPES.indexOf("float");
        for (float f : new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}) {
            ModificationStatement s = (ModificationStatement) Analyzer.analyze("INSERT INTO t (k, c" + column
                    + ") VALUES (0, " + f + ")", "ks", SCHEMA);
            assertThat(s.bind(BindValues.NONE).operations().get(0).value()).isEqualTo(CqlTypes.FLOAT.fromJava(f));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Analyzer.analyze("INSERT INTO t (k, c" + column
                + ") VALUES (0, 1e39)", "ks", SCHEMA)).hasMessageContaining("out of range for float");
    }

    @Property(tries = 200)
    void blobLiteralsAreHex(@ForAll byte[] bytes) {
        int blob = TYPES.indexOf("blob");
        ModificationStatement s = (ModificationStatement) Analyzer.analyze("INSERT INTO t (k, c" + blob
                + ") VALUES (0, 0x" + HexFormat.of().formatHex(bytes) + ")", "ks", SCHEMA);
        assertThat(s.bind(BindValues.NONE).operations().get(0).value()).isEqualTo(bytes);
    }
}
