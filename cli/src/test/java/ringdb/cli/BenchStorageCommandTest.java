package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ringdb bench storage} on a small load: every figure is printed, and bad options are refused. */
@Timeout(120)
class BenchStorageCommandTest {
    @TempDir
    Path directory;

    @Test
    void printsEveryFigureForASmallLoad() {
        ClusterHarness.Run run = ClusterHarness.cli("bench", "storage", "--dir", directory.toString(),
                "--writes", "3000", "--reads", "2000", "--replay-writes", "2000", "--compaction-writes", "2000",
                "--runs", "1", "--warmup-runs", "1");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("after 1 warm-up runs").contains("warm-up:").contains("writes per fsync")
                .containsPattern("put/s +GROUP .* [0-9,]+ puts/s").containsPattern("put/s +PERIODIC .* [0-9,]+ puts/s")
                .containsPattern("get/s .* [0-9,]+ reads/s").containsPattern("replay +commit log .* [0-9,]+ MB/s")
                .containsPattern("compact 4 tables, unthrottled .* [0-9,]+ MB/s")
                .containsPattern("compact 4 tables, paced to 64 MiB/s \\(default\\) .* [0-9,]+ MB/s");
    }

    @Test
    void refusesCountsThatAreNotPositive() {
        ClusterHarness.Run run = ClusterHarness.cli("bench", "storage", "--dir", directory.toString(), "--runs", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("counts must be positive");
    }
}
