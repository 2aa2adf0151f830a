package ringdb.core.schema.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * For every key type: the order of the encodings (unsigned bytes) is the type's order, ascending
 * and descending; encodings decode back to an equal value; composite keys order component-wise.
 */
class OrderedEncodingProperties {

    record Pair(CqlType type, byte[] a, byte[] b, boolean descending) {
        @Override
        public String toString() {
            return type + (descending ? " DESC " : " ASC ") + type.toString(a) + " vs " + type.toString(b);
        }
    }

    @Provide
    Arbitrary<Pair> pairs() {
        return Arbitraries.of(TypeArbitraries.keyTypes()).flatMap(t -> Combinators.combine(
                TypeArbitraries.values(t), TypeArbitraries.values(t), Arbitraries.of(false, true))
                .as((a, b, d) -> new Pair(t, a, b, d)));
    }

    private static byte[] encode(CqlType type, byte[] value, boolean descending) {
        OrderedWriter out = new OrderedWriter();
        type.encodeOrdered(value, out, descending);
        return out.toByteArray();
    }

    @Property(tries = 1500)
    void encodingOrderIsTheTypeOrder(@ForAll("pairs") Pair p) {
        p.type.validate(p.a);
        p.type.validate(p.b);
        int expected = Integer.signum(p.type.compare(p.a, p.b)) * (p.descending ? -1 : 1);
        int actual = Integer.signum(Arrays.compareUnsigned(encode(p.type, p.a, p.descending),
                encode(p.type, p.b, p.descending)));
        assertThat(actual).as(p.toString()).isEqualTo(expected);
    }

    @Property(tries = 1500)
    void encodingDecodesToAnEqualValue(@ForAll("pairs") Pair p) {
        byte[] encoded = encode(p.type, p.a, p.descending);
        OrderedReader in = new OrderedReader(encoded);
        byte[] decoded = p.type.decodeOrdered(in, p.descending);
        assertThat(in.hasRemaining()).as("decoding consumes exactly the encoding").isFalse();
        p.type.validate(decoded);
        assertThat(p.type.compare(decoded, p.a)).as(p.toString()).isZero();
        assertThat(encode(p.type, decoded, p.descending)).isEqualTo(encoded);
    }

    @Property(tries = 1000)
    void noEncodingIsAProperPrefixOfAnother(@ForAll("pairs") Pair p) {
        byte[] x = encode(p.type, p.a, p.descending);
        byte[] y = encode(p.type, p.b, p.descending);
        if (x.length < y.length) {
            assertThat(Arrays.equals(x, 0, x.length, y, 0, x.length)).as(p.toString()).isFalse();
        }
    }

    record Composite(List<CqlType> types, List<Boolean> descending, List<byte[]> a, List<byte[]> b) {
        @Override
        public String toString() {
            return types + " " + descending;
        }
    }

    @Provide
    Arbitrary<Composite> composites() {
        Arbitrary<List<Tuple.Tuple2<CqlType, Boolean>>> shape = Combinators.combine(
                Arbitraries.of(TypeArbitraries.keyTypes()), Arbitraries.of(false, true)).as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(3);
        return shape.flatMap(s -> {
            List<CqlType> types = s.stream().map(Tuple.Tuple2::get1).toList();
            List<Boolean> desc = s.stream().map(Tuple.Tuple2::get2).toList();
            Arbitrary<List<byte[]>> values = Combinators.combine(types.stream()
                    .map(TypeArbitraries::values).toList()).as(l -> l);
            return Combinators.combine(values, values).as((a, b) -> new Composite(types, desc, a, b));
        });
    }

    private static byte[] encodeAll(Composite c, List<byte[]> values, int count) {
        OrderedWriter out = new OrderedWriter();
        for (int i = 0; i < count; i++) {
            c.types.get(i).encodeOrdered(values.get(i), out, c.descending.get(i));
        }
        return out.toByteArray();
    }

    @Property(tries = 1000)
    void compositeKeysOrderComponentWiseAndDecode(@ForAll("composites") Composite c) {
        int expected = 0;
        for (int i = 0; i < c.types.size() && expected == 0; i++) {
            expected = Integer.signum(c.types.get(i).compare(c.a.get(i), c.b.get(i)))
                    * (c.descending.get(i) ? -1 : 1);
        }
        byte[] x = encodeAll(c, c.a, c.types.size());
        byte[] y = encodeAll(c, c.b, c.types.size());
        assertThat(Integer.signum(Arrays.compareUnsigned(x, y))).as(c.toString()).isEqualTo(expected);
        OrderedReader in = new OrderedReader(x);
        for (int i = 0; i < c.types.size(); i++) {
            byte[] decoded = c.types.get(i).decodeOrdered(in, c.descending.get(i));
            assertThat(c.types.get(i).compare(decoded, c.a.get(i))).isZero();
        }
        assertThat(in.hasRemaining()).isFalse();
    }

    @Property(tries = 1000)
    void aPrefixSortsBeforeEveryLongerKeyItBegins(@ForAll("composites") Composite c) {
        byte[] full = encodeAll(c, c.a, c.types.size());
        for (int n = 0; n < c.types.size(); n++) {
            byte[] prefix = encodeAll(c, c.a, n);
            assertThat(Arrays.compareUnsigned(prefix, full)).isNegative();
            assertThat(Arrays.equals(prefix, 0, prefix.length, full, 0, prefix.length)).isTrue();
        }
    }
}
