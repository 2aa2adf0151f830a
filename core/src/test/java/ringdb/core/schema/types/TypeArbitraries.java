package ringdb.core.schema.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Valid serialized values of each type, biased towards the edges of each type's order. */
public final class TypeArbitraries {
    private TypeArbitraries() {
    }

    public static List<CqlType> keyTypes() {
        return List.of(CqlTypes.ASCII, CqlTypes.TEXT, CqlTypes.BLOB, CqlTypes.BOOLEAN, CqlTypes.TINYINT,
                CqlTypes.SMALLINT, CqlTypes.INT, CqlTypes.BIGINT, CqlTypes.VARINT, CqlTypes.FLOAT, CqlTypes.DOUBLE,
                CqlTypes.DECIMAL, CqlTypes.TIMESTAMP, CqlTypes.DATE, CqlTypes.TIME, CqlTypes.UUID, CqlTypes.TIMEUUID,
                CqlTypes.INET, CqlTypes.list(CqlTypes.INT, true), CqlTypes.set(CqlTypes.TEXT, true),
                CqlTypes.map(CqlTypes.TIMEUUID, CqlTypes.list(CqlTypes.DECIMAL, true), true));
    }

    public static Arbitrary<byte[]> values(CqlType type) {
        return switch (type.cqlName()) {
            case "ascii" -> Arbitraries.strings().ascii().ofMaxLength(12).map(type::fromJava);
            case "text" -> Arbitraries.strings().all().ofMaxLength(12)
                    .filter(s -> s.chars().noneMatch(ch -> Character.isSurrogate((char) ch))).map(type::fromJava)
                    .injectDuplicates(0.1);
            case "blob" -> Arbitraries.bytes().array(byte[].class).ofMaxSize(12)
                    .edgeCases(c -> c.add(new byte[] {0}, new byte[] {0, 0}, new byte[] {(byte) 0xFF}));
            case "boolean" -> Arbitraries.of(true, false).map(type::fromJava);
            case "tinyint", "smallint", "int", "bigint", "timestamp" -> fixed(type);
            case "varint" -> bigIntegers().map(type::fromJava);
            case "float" -> floats().map(type::fromJava);
            case "double" -> doubles().map(type::fromJava);
            case "decimal" -> Combinators.combine(bigIntegers(), Arbitraries.integers().between(-40, 40))
                    .as(BigDecimal::new).map(type::fromJava);
            case "date" -> Arbitraries.longs().between(0, 0xFFFFFFFFL).map(v -> ByteBuffer.allocate(4)
                    .putInt((int) (long) v).array());
            case "time" -> Arbitraries.longs().between(0, 86_399_999_999_999L)
                    .map(v -> ByteBuffer.allocate(8).putLong(v).array());
            case "uuid" -> uuids(false);
            case "timeuuid" -> uuids(true);
            case "inet" -> Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4),
                    Arbitraries.bytes().array(byte[].class).ofSize(16));
            default -> collection((CollectionType) type);
        };
    }

    private static Arbitrary<byte[]> fixed(CqlType type) {
        int width = switch (type.cqlName()) {
            case "tinyint" -> 1;
            case "smallint" -> 2;
            case "int" -> 4;
            default -> 8;
        };
        return Arbitraries.bytes().array(byte[].class).ofSize(width).edgeCases(c -> c.add(new byte[width]));
    }

    static Arbitrary<BigInteger> bigIntegers() {
        return Arbitraries.oneOf(Arbitraries.bigIntegers().between(BigInteger.valueOf(-300), BigInteger.valueOf(300)),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20).map(BigInteger::new));
    }

    private static Arbitrary<Float> floats() {
        return Arbitraries.oneOf(Arbitraries.floats(), Arbitraries.integers().map(Float::intBitsToFloat),
                Arbitraries.of(0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE));
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.longs().map(Double::longBitsToDouble),
                Arbitraries.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        Double.MIN_VALUE, -Double.MIN_VALUE));
    }

    /** Random bits with a version nibble; version 1 only for timeuuid, few versions so ties happen. */
    private static Arbitrary<byte[]> uuids(boolean timeBased) {
        Arbitrary<Integer> versions = timeBased ? Arbitraries.just(1) : Arbitraries.integers().between(0, 5);
        Arbitrary<Long> msbs = Arbitraries.longs().edgeCases(c -> c.add(0L, -1L));
        Arbitrary<Long> lsbs = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, 0x80L, 0x7FL));
        return Combinators.combine(versions, msbs, lsbs).as((v, m, l) -> {
            long msb = (m & ~0xF000L) | ((long) v << 12);
            return ByteBuffer.allocate(16).putLong(msb).putLong(l).array();
        });
    }

    private static Arbitrary<byte[]> collection(CollectionType type) {
        List<CqlType> parts = type.parts();
        Arbitrary<List<byte[]>> flat = values(parts.get(0)).list().ofMaxSize(4);
        if (parts.size() == 2) {
            flat = Combinators.combine(values(parts.get(0)), values(parts.get(1)))
                    .as((k, v) -> List.of(k, v)).list().ofMaxSize(3)
                    .map(pairs -> pairs.stream().flatMap(List::stream).toList());
        }
        return flat.map(f -> type.normalize(CollectionType.serialize(f, f.size() / parts.size())));
    }
}
