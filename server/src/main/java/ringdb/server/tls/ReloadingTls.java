package ringdb.server.tls;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS context of one endpoint (the internode port, the client port) that is built again from its
 * {@link TlsMaterial} when the files change: {@link #reloadIfChanged} compares a digest of the
 * files' contents with the one the current context was built from, and on a change builds a new
 * context and swaps it in. New connections use the context current when they open; connections
 * already open keep theirs (their keys were agreed at their handshake). A change that cannot be
 * built (a half-written file, a key that does not go with its certificate) keeps the current
 * context, is logged and counted, and is tried again at the next change.
 *
 * <p>Threading: {@link #current} from any thread; reloads are serialised.
 */
public final class ReloadingTls<T> {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);

    /** What a reload did: {@code reloaded} when a new context is in use, {@code error} when building it failed. */
    public record Outcome(String endpoint, boolean reloaded, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    private final String endpoint;
    private final TlsMaterial material;
    private final Function<TlsMaterial, T> build;
    private final LongAdder reloads = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile T current;
    private String fingerprint;
    private String failedFingerprint;

    private ReloadingTls(String endpoint, TlsMaterial material, Function<TlsMaterial, T> build) {
        this.endpoint = endpoint;
        this.material = material;
        this.build = build;
    }

    /**
     * Builds the first context of {@code endpoint}; throws {@link IllegalArgumentException} saying what is
     * wrong when it cannot be built (a node does not start without it).
     */
    public static <T> ReloadingTls<T> start(String endpoint, TlsMaterial material, Function<TlsMaterial, T> build) {
        ReloadingTls<T> tls = new ReloadingTls<>(endpoint, material, build);
        tls.fingerprint = material.fingerprint();
        tls.current = build.apply(material);
        return tls;
    }

    /** The context new connections use. */
    public T current() {
        return current;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Builds and swaps in a new context when the files changed since the current one was built. */
    public synchronized Outcome reloadIfChanged() {
        String now = material.fingerprint();
        if (now.equals(fingerprint)) {
            return new Outcome(endpoint, false, null);
        }
        try {
            T fresh = build.apply(material);
            current = fresh;
            fingerprint = now;
            failedFingerprint = null;
            reloads.increment();
            log.info("{} TLS: certificates reloaded from {}; new connections use them", endpoint, material.files());
            return new Outcome(endpoint, true, null);
        } catch (RuntimeException e) {
            if (!now.equals(failedFingerprint)) { // once per change, not at every check
                failures.increment();
                failedFingerprint = now;
                log.error("{} TLS: the changed certificate files cannot be used, keeping the current ones: {}",
                        endpoint, e.getMessage());
            }
            return new Outcome(endpoint, false, e.getMessage());
        }
    }

    /** Contexts swapped in since start. */
    public long reloadCount() {
        return reloads.sum();
    }

    /** Changes of the files that could not be used. */
    public long failedReloadCount() {
        return failures.sum();
    }
}
