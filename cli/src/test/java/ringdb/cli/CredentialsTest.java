package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.ClientCredentials;

/** Where the CLI finds the role and password: --credentials, RINGDB_PASSWORD, ~/.ringdb/credentials. */
class CredentialsTest {
    @TempDir
    Path dir;

    @Test
    void noRoleAnywhereMeansNoLogin() {
        assertThat(Credentials.resolve(null, null, Map.of(), dir.resolve("absent"))).isNull();
    }

    @Test
    void theCredentialsFileNamesRoleAndPassword() throws Exception {
        Path file = Files.writeString(dir.resolve("creds"), "user=alice\npassword=s3cret\n");
        assertThat(Credentials.resolve(null, file, Map.of("RINGDB_PASSWORD", "ignored"), null))
                .isEqualTo(new ClientCredentials("alice", "s3cret"));
    }

    @Test
    void theEnvironmentGivesThePasswordOfTheRoleNamed() throws Exception {
        Path home = Files.writeString(dir.resolve("home-creds"), "user=alice\npassword=from-home\n");
        assertThat(Credentials.resolve("bob", null, Map.of("RINGDB_PASSWORD", "from-env"), home))
                .isEqualTo(new ClientCredentials("bob", "from-env"));
        assertThat(Credentials.resolve(null, null, Map.of(), home))
                .isEqualTo(new ClientCredentials("alice", "from-home"));
    }

    @Test
    void aRoleWithoutAPasswordOutsideATerminalIsAnError() {
        assertThatThrownBy(() -> Credentials.resolve("carol", null, Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RINGDB_PASSWORD")
                .hasMessageContaining("carol");
        assertThat(new ClientCredentials("carol", "pw").toString()).doesNotContain("pw");
    }
}
