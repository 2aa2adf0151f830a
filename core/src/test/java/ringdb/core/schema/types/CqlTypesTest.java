package ringdb.core.schema.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;

class CqlTypesTest {

    @Test
    void parsesNestedTypesAndWritesThemBack() {
        assertThat(CqlTypes.parse("map<text, frozen<list<int>>>").cqlName()).isEqualTo("map<text, frozen<list<int>>>");
        assertThat(CqlTypes.parse(" MAP < VARCHAR , FROZEN<SET<uuid>> > ").cqlName())
                .isEqualTo("map<text, frozen<set<uuid>>>");
        assertThat(CqlTypes.parse("frozen<list<list<int>>>").cqlName())
                .isEqualTo("frozen<list<frozen<list<int>>>>");
        assertThat(CqlTypes.parse("list<timeuuid>").isMultiCell()).isTrue();
        assertThat(CqlTypes.parse("frozen<list<timeuuid>>").isMultiCell()).isFalse();
        assertThat(CqlTypes.parse("varchar")).isEqualTo(CqlTypes.TEXT);
    }

    @Test
    void refusesBadTypesSayingWhere() {
        assertThatThrownBy(() -> CqlTypes.parse("list<list<int>>"))
                .hasMessageContaining("a collection inside a collection must be frozen: "
                        + "write frozen<list<int>>");
        assertThatThrownBy(() -> CqlTypes.parse("map<int>")).hasMessageContaining("expected 2 type arguments, got 1")
                .isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> CqlTypes.parse("integer")).hasMessageContaining("unknown type 'integer'");
        assertThatThrownBy(() -> CqlTypes.parse("frozen<int>"))
                .hasMessageContaining("frozen<> applies to a collection");
        assertThatThrownBy(() -> CqlTypes.parse("int>")).hasMessageContaining("unexpected '>'");
        assertThatThrownBy(() -> CqlTypes.parse("list<int")).hasMessageContaining("expected '>'");
    }

    @Test
    void aValueThatDoesNotFitNamesTheColumnAndTheType() {
        assertThatThrownBy(() -> CqlTypes.INT.validate("age", new byte[3])).isInstanceOf(InvalidRequestException.class)
                .hasMessage("column 'age' is int: expected 4 bytes, got 3");
        assertThatThrownBy(() -> CqlTypes.TEXT.validate("name", new byte[] {(byte) 0xC3}))
                .hasMessage("column 'name' is text: not valid UTF-8");
        assertThatThrownBy(() -> CqlTypes.ASCII.validate("code", new byte[] {'a', (byte) 0xE9}))
                .hasMessage("column 'code' is ascii: byte 1 (0xe9) is not US-ASCII");
        assertThatThrownBy(() -> CqlTypes.TIMEUUID.validate("id", CqlTypes.UUID.fromString(
                "123e4567-e89b-42d3-a456-426614174000"))).hasMessage("column 'id' is timeuuid: a timeuuid is a "
                + "version 1 uuid, got version 4");
        assertThatThrownBy(() -> CqlTypes.TIME.validate("at", CqlTypes.BIGINT.fromJava(86_400_000_000_000L)))
                .hasMessageContaining("column 'at' is time: 86400000000000 nanoseconds is not a time of day");
        assertThatThrownBy(() -> CqlTypes.INET.validate("ip", new byte[5]))
                .hasMessage("column 'ip' is inet: expected 4 or 16 bytes, got 5");
        byte[] listWithNull = {0, 0, 0, 1, -1, -1, -1, -1};
        assertThatThrownBy(() -> CqlTypes.list(CqlTypes.INT, false).validate("xs", listWithNull))
                .hasMessageContaining("column 'xs' is list<int>: list element 0: length -1")
                .hasMessageContaining("null elements are not allowed");
        byte[] mapWithBadValue = CollectionType.serialize(List.of(CqlTypes.TEXT.fromJava("k"), new byte[2]), 1);
        assertThatThrownBy(() -> CqlTypes.map(CqlTypes.TEXT, CqlTypes.INT, false).validate("m", mapWithBadValue))
                .hasMessage("column 'm' is map<text, int>: map element 0 value is int: expected 4 bytes, got 2");
        byte[] tooMany = java.nio.ByteBuffer.allocate(4).putInt(65_536).array();
        assertThatThrownBy(() -> CqlTypes.set(CqlTypes.INT, false).validate("s", tooMany))
                .hasMessage("column 's' is set<int>: 65536 elements; the limit is 65535");
        assertThatThrownBy(() -> CqlTypes.INT.validate("age", null))
                .hasMessage("column 'age' is int: value is missing");
    }

    @Test
    void javaValuesRoundTripAndOutOfRangeIsRefused() {
        assertThat(CqlTypes.INT.toJava(CqlTypes.INT.fromJava(-7))).isEqualTo(-7);
        assertThat(CqlTypes.TINYINT.toJava(CqlTypes.TINYINT.fromJava(-128))).isEqualTo((byte) -128);
        assertThatThrownBy(() -> CqlTypes.TINYINT.fromJava(128)).hasMessageContaining("out of range for tinyint");
        assertThatThrownBy(() -> CqlTypes.INT.fromJava("7")).hasMessageContaining("expected an integer for int");
        assertThat(CqlTypes.VARINT.toJava(CqlTypes.VARINT.fromJava(new BigInteger("-123456789012345678901234567890"))))
                .isEqualTo(new BigInteger("-123456789012345678901234567890"));
        assertThat(CqlTypes.DECIMAL.toJava(CqlTypes.DECIMAL.fromJava(new BigDecimal("-12.3400"))))
                .isEqualTo(new BigDecimal("-12.3400"));
        assertThat(CqlTypes.TIMESTAMP.toJava(CqlTypes.TIMESTAMP.fromJava(Instant.ofEpochMilli(-5))))
                .isEqualTo(Instant.ofEpochMilli(-5));
        assertThat(CqlTypes.DATE.toJava(CqlTypes.DATE.fromJava(LocalDate.of(1969, 12, 31))))
                .isEqualTo(LocalDate.of(1969, 12, 31));
        assertThat(CqlTypes.DATE.fromJava(LocalDate.of(1970, 1, 1))).containsExactly(0x80, 0, 0, 0);
        assertThat(CqlTypes.TIME.toJava(CqlTypes.TIME.fromJava(LocalTime.of(23, 59, 59, 999_999_999))))
                .isEqualTo(LocalTime.of(23, 59, 59, 999_999_999));
        UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(CqlTypes.TIMEUUID.toJava(CqlTypes.TIMEUUID.fromJava(u))).isEqualTo(u);
        assertThat(CqlTypes.INET.toJava(CqlTypes.INET.fromJava("2001:db8:0:0:0:0:2:1"))).isEqualTo("2001:db8::2:1");
        assertThat(CqlTypes.INET.toJava(CqlTypes.INET.fromJava("::ffff:10.0.0.1"))).isEqualTo("::ffff:a00:1");
        assertThat(CqlTypes.INET.fromJava("10.0.0.255")).containsExactly(10, 0, 0, 255);
        assertThatThrownBy(() -> CqlTypes.INET.fromJava("10.0.0.256")).hasMessageContaining("is not an IPv4 or IPv6");
        SetType set = CqlTypes.set(CqlTypes.INT, true);
        assertThat(List.copyOf((Set<?>) set.toJava(set.fromJava(Set.of(3, 1, 2, -4))))).isEqualTo(List.of(-4, 1, 2, 3));
    }

    @Test
    void jsonValuesRoundTripInTheShapeAJsonLibraryUses() {
        MapType m = CqlTypes.map(CqlTypes.INT, CqlTypes.list(CqlTypes.TEXT, true), false);
        byte[] v = m.fromJson(Map.of("2", List.of("b"), "1", List.of("a", "c")));
        assertThat(m.toJson(v)).isEqualTo(Map.of("1", List.of("a", "c"), "2", List.of("b")));
        assertThat(m.toJson(v).toString()).isEqualTo("{1=[a, c], 2=[b]}");
        assertThat(CqlTypes.BLOB.toJson(CqlTypes.BLOB.fromJson("0x00ff"))).isEqualTo("0x00ff");
        assertThatThrownBy(() -> CqlTypes.BLOB.fromJson("00ff")).hasMessageContaining("0x followed by hex digits");
        assertThat(CqlTypes.TIMESTAMP.toJson(CqlTypes.TIMESTAMP.fromJson("2021-03-04 05:06:07.089Z")))
                .isEqualTo("2021-03-04 05:06:07.089Z");
        assertThat(CqlTypes.TIMESTAMP.toJava(CqlTypes.TIMESTAMP.fromJson("2021-03-04T07:06:07+02:00")))
                .isEqualTo(Instant.parse("2021-03-04T05:06:07Z"));
        assertThat(CqlTypes.BIGINT.toJson(CqlTypes.BIGINT.fromJson(42))).isEqualTo(42L);
        assertThat(CqlTypes.BIGINT.toJson(CqlTypes.BIGINT.fromJson("42"))).isEqualTo(42L);
        assertThat(CqlTypes.DOUBLE.toJson(CqlTypes.DOUBLE.fromJson("NaN"))).isEqualTo("NaN");
        assertThat(CqlTypes.DECIMAL.toJson(CqlTypes.DECIMAL.fromJson(new BigDecimal("1.50")))).isEqualTo(
                new BigDecimal("1.50"));
        assertThat(CqlTypes.TIME.toJson(CqlTypes.TIME.fromJson("01:02:03.5"))).isEqualTo("01:02:03.500000000");
        assertThatThrownBy(() -> CqlTypes.INT.fromJson("seven")).hasMessage("'seven' is not a valid int");
        assertThatThrownBy(() -> m.fromJson("{}")).hasMessageContaining("expected a JSON object");
    }

    @Test
    void ordersAsCassandraDoes() {
        // text by UTF-8 bytes (code points), not by UTF-16 units as String.compareTo
        assertThat(CqlTypes.TEXT.compare(CqlTypes.TEXT.fromJava("\uFFFF"), CqlTypes.TEXT.fromJava("\uD83D\uDE00")))
                .isNegative();
        assertThat(CqlTypes.BOOLEAN.compare(CqlTypes.BOOLEAN.fromJava(false), CqlTypes.BOOLEAN.fromJava(true)))
                .isNegative();
        assertThat(CqlTypes.INT.compare(CqlTypes.INT.fromJava(-1), CqlTypes.INT.fromJava(1))).isNegative();
        assertThat(CqlTypes.DECIMAL.compare(CqlTypes.DECIMAL.fromJava(new BigDecimal("1.0")),
                CqlTypes.DECIMAL.fromJava(new BigDecimal("1.00")))).isZero();
        assertThat(CqlTypes.VARINT.compare(new byte[] {0, 1}, new byte[] {1})).isZero();
        assertThat(CqlTypes.DOUBLE.compare(CqlTypes.DOUBLE.fromJava(-0.0), CqlTypes.DOUBLE.fromJava(0.0))).isNegative();
        assertThat(CqlTypes.DOUBLE.compare(CqlTypes.DOUBLE.fromJava(Double.POSITIVE_INFINITY),
                CqlTypes.DOUBLE.fromJava(Double.NaN))).isNegative();
        assertThat(CqlTypes.DATE.compare(CqlTypes.DATE.fromJava(LocalDate.of(1900, 1, 1)),
                CqlTypes.DATE.fromJava(LocalDate.of(2000, 1, 1)))).isNegative();
        assertThat(CqlTypes.INET.compare(CqlTypes.INET.fromJava("255.0.0.1"), CqlTypes.INET.fromJava("::1")))
                .isPositive();
    }

    @Test
    void timeuuidsOrderByTimeThenBySignedBytes() {
        // same node/clock bits, timestamps 1 and 2^32 (time_low wraps into time_mid)
        UUID early = new UUID(0xFFFFFFFF_0000_1000L, 0L);
        UUID late = new UUID(0x00000000_0001_1000L, 0L);
        assertThat(CqlTypes.TIMEUUID.compare(CqlTypes.TIMEUUID.fromJava(early), CqlTypes.TIMEUUID.fromJava(late)))
                .isNegative();
        UUID lowBytesNegative = new UUID(0x1000L, 0x80L << 56);
        UUID lowBytesPositive = new UUID(0x1000L, 0x7FL << 56);
        assertThat(CqlTypes.TIMEUUID.compare(CqlTypes.TIMEUUID.fromJava(lowBytesNegative),
                CqlTypes.TIMEUUID.fromJava(lowBytesPositive))).isNegative();
        // uuid: by version first, whatever the bits
        UUID v1 = new UUID(0xFFFFFFFF_FFFF_1FFFL, -1L);
        UUID v4 = new UUID(0x4000L, 0L);
        assertThat(CqlTypes.UUID.compare(CqlTypes.UUID.fromJava(v1), CqlTypes.UUID.fromJava(v4))).isNegative();
        assertThat(CqlTypes.UUID.compare(CqlTypes.UUID.fromJava(early), CqlTypes.UUID.fromJava(late))).isNegative();
    }
}
