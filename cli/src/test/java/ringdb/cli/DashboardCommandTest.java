package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DashboardCommandTest {
    private String stderrOf(Runnable run) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusesANodeCountOutsideTheSimulatorsRange() {
        int[] exit = new int[1];
        String error = stderrOf(() -> exit[0] = Main.run("dashboard", "--nodes", "0", "--port", "0"));
        assertThat(exit[0]).isEqualTo(2);
        assertThat(error).contains("--nodes must be between 1 and 200, got 0");
    }

    @Test
    void refusesAPortThatCannotExist() {
        int[] exit = new int[1];
        String error = stderrOf(() -> exit[0] = Main.run("dashboard", "--port", "70000"));
        assertThat(exit[0]).isEqualTo(2);
        assertThat(error).contains("--port must be between 0 and 65535, got 70000");
    }

    @Test
    void refusesASpeedTheSimulatorCannotRunAt() {
        int[] exit = new int[1];
        String error = stderrOf(() -> exit[0] = Main.run("dashboard", "--speed", "0", "--port", "0"));
        assertThat(exit[0]).isEqualTo(2);
        assertThat(error).contains("--speed must be between 0.001 and 1000");
    }
}
