package ringdb.server.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reloads a node's TLS contexts: every {@code intervalMillis} (0: only when asked) from a thread of
 * its own, and at once when {@link #reloadAll} is called ({@code POST /v1/admin/reloadssl},
 * {@code ringdb reloadssl}). A check reads the certificate files (a few kilobytes), off the node's
 * thread.
 */
public final class TlsReloader implements AutoCloseable {
    private final List<ReloadingTls<?>> contexts;
    private final ScheduledExecutorService timer;

    public TlsReloader(List<ReloadingTls<?>> contexts, long intervalMillis) {
        this.contexts = List.copyOf(contexts);
        if (intervalMillis > 0 && !this.contexts.isEmpty()) {
            timer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "ringdb-tls-reload");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleWithFixedDelay(this::reloadAll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Reloads every context whose files changed; one outcome per context. */
    public List<ReloadingTls.Outcome> reloadAll() {
        List<ReloadingTls.Outcome> outcomes = new ArrayList<>();
        contexts.forEach(context -> outcomes.add(context.reloadIfChanged()));
        return outcomes;
    }

    public List<ReloadingTls<?>> contexts() {
        return contexts;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
