package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ringdb bench cluster}'s options as a user meets them before any node is reached. */
class BenchClusterCommandTest {
    @Test
    void itsTlsOptionsAreTheOnesOfTheOtherClientCommands() {
        ClusterHarness.Run bench = ClusterHarness.cli("bench", "cluster", "--help");
        ClusterHarness.Run status = ClusterHarness.cli("status", "--help");
        assertThat(bench.exitCode()).isZero();
        for (String shared : new String[] {"--tls, --ssl", "Connect with TLS, as cqlsh --ssl",
            "PEM file of the authority that signed the nodes'", "PEM file of this client's certificate",
            "PEM file of the private key of --cert (PKCS#8)"}) {
            assertThat(status.out()).contains(shared);
            assertThat(bench.out()).as(shared).contains(shared);
        }
    }

    @Test
    void anUnknownWorkloadNamesTheOnesThereAre() {
        ClusterHarness.Run run = ClusterHarness.cli("bench", "cluster", "--workload", "F", "--host", "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("workload must be A, B, C or E, got 'F'");
    }
}
