package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A task's exception is logged and the thread goes on; an Error is fatal. */
class NodeThreadTest {
    @Test
    void anExceptionIsSurvivedButAnErrorGoesToTheFatalHandler() throws Exception {
        CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        try (NodeThread thread = new NodeThread("node-thread-test", fatal::complete)) {
            thread.execute(() -> {
                throw new IllegalStateException("a bug in one request");
            });
            assertThat(thread.call(() -> "still serving").get(5, TimeUnit.SECONDS)).isEqualTo("still serving");
            assertThat(fatal).isNotDone();
            OutOfMemoryError error = new OutOfMemoryError("simulated");
            thread.execute(() -> {
                throw error;
            });
            assertThat(fatal.get(5, TimeUnit.SECONDS)).isSameAs(error);
        }
    }

    @Test
    void anErrorInATimerIsFatalToo() throws Exception {
        CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        try (NodeThread thread = new NodeThread("node-thread-test", fatal::complete)) {
            thread.schedule(1_000, () -> {
                throw new StackOverflowError();
            });
            assertThat(fatal.get(5, TimeUnit.SECONDS)).isInstanceOf(StackOverflowError.class);
        }
    }
}
