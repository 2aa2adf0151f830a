package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The node decodes exactly what the client encodes into a key's path segment. */
class KeyPathsTest {

    @Property(tries = 300)
    void decodesWhatTheClientEncodesForAnyBytes(@ForAll byte[] key) {
        assertThat(KeyPaths.decode(ringdb.client.KeyPaths.encode(key))).isEqualTo(key);
    }

    @Test
    void malformedEscapesAreRefusedWithThePosition() {
        assertThatThrownBy(() -> KeyPaths.decode("ab%4")).hasMessageContaining("position 2");
        assertThatThrownBy(() -> KeyPaths.decode("%zz")).hasMessageContaining("malformed percent-escape");
    }
}
