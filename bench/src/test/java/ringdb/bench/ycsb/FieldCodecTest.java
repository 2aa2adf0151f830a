package ringdb.bench.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FieldCodecTest {
    @Property(tries = 200)
    void recordsRoundTrip(@ForAll @Size(max = 12) Map<String, byte[]> fields) {
        Map<String, byte[]> ordered = new LinkedHashMap<>(fields);
        Map<String, byte[]> decoded = FieldCodec.decode(FieldCodec.encode(ordered));
        assertThat(decoded.keySet()).containsExactlyElementsOf(ordered.keySet());
        ordered.forEach((name, value) -> assertThat(decoded.get(name)).isEqualTo(value));
    }

    @Test
    void aValueThatIsNotARecordIsRefused() {
        assertThatThrownBy(() -> FieldCodec.decode(new byte[] {0, 5, 0})).hasMessageContaining("is not a YCSB record");
        byte[] valid = FieldCodec.encode(Map.of("field0", new byte[] {1, 2}));
        byte[] longer = Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> FieldCodec.decode(longer)).hasMessageContaining("1 bytes after its last field");
    }
}
