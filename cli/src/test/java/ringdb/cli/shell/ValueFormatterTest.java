package ringdb.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueFormatterTest {
    @Test
    void valuesLookAsCqlshShowsThem() throws Exception {
        assertThat(ValueFormatter.format("it's")).isEqualTo("it's");
        assertThat(ValueFormatter.format(null)).isEqualTo("null");
        assertThat(ValueFormatter.format(true)).isEqualTo("True");
        assertThat(ValueFormatter.format(1.5f)).isEqualTo("1.5");
        assertThat(ValueFormatter.format(1.0 / 3)).isEqualTo("0.333333333333");
        assertThat(ValueFormatter.format(Double.NaN)).isEqualTo("NaN");
        assertThat(ValueFormatter.format(ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe}))).isEqualTo("0xcafe");
        assertThat(ValueFormatter.format(Instant.parse("2024-01-31T12:00:00.123456Z")))
                .isEqualTo("2024-01-31 12:00:00.123456+0000");
        assertThat(ValueFormatter.format(InetAddress.getByName("10.0.0.1"))).isEqualTo("10.0.0.1");
        assertThat(ValueFormatter.format(List.of("a", "b'c"))).isEqualTo("['a', 'b''c']");
        Map<String, List<Integer>> map = new LinkedHashMap<>();
        map.put("k", List.of(1, 2));
        assertThat(ValueFormatter.format(map)).isEqualTo("{'k': [1, 2]}");
        assertThat(ValueFormatter.format(new LinkedHashSet<>(List.of(3, 1)))).isEqualTo("{3, 1}");
    }
}
