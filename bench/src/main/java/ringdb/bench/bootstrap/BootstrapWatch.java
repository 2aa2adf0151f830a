package ringdb.bench.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.List;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * Follows a joining node through {@code GET /v1/cluster} on the node itself, polled every
 * {@link #POLL_MILLIS} ms, and records when each step of its bootstrap was first seen: HTTP answering
 * (process started), JOINING (tokens chosen and announced, after the first ring delay), its bootstrap
 * stream running (after the second ring delay), the stream DONE, and the node NORMAL. Times are
 * {@link System#nanoTime()} values, -1 until seen; each is late by at most one poll (plus the
 * request's time). Single-threaded: one thread calls {@link #poll}.
 */
final class BootstrapWatch {
    static final long POLL_MILLIS = 100;

    private final long startNanos;
    private final PrintStream out;
    private final long progressNanos;
    private RingClient client;
    private String httpAddress;
    private long answeringNanos = -1;
    private long joiningNanos = -1;
    private long streamStartNanos = -1;
    private long streamDoneNanos = -1;
    private long normalNanos = -1;
    private JsonNode lastStream;
    private String lastState = "not started";
    private long lastProgressNanos;
    private long lastProgressBytes;

    BootstrapWatch(long startNanos, long progressSeconds, PrintStream out) {
        this.startNanos = startNanos;
        this.progressNanos = progressSeconds * 1_000_000_000L;
        this.lastProgressNanos = startNanos;
        this.out = out;
    }

    /** Starts following the node at {@code address} once its configuration is known. */
    void follow(String address) {
        if (client == null) {
            httpAddress = address;
            client = new RingClient(List.of(address), new RingClient.Options(2_000, 60_000, 1, false));
        }
    }

    boolean following() {
        return client != null;
    }

    /** Asks the node once and records any step seen for the first time; prints a progress line now and then. */
    void poll() {
        if (client == null) {
            return;
        }
        long now;
        JsonNode cluster;
        try {
            cluster = client.cluster();
            now = System.nanoTime();
        } catch (RingClientException e) {
            return; // not answering yet (starting) or busy: the next poll asks again
        }
        answeringNanos = answeringNanos < 0 ? now : answeringNanos;
        lastState = selfState(cluster);
        joiningNanos = joiningNanos < 0 && (lastState.equals("JOINING") || lastState.equals("NORMAL"))
                ? now : joiningNanos;
        JsonNode stream = bootstrapStream(cluster);
        if (stream != null) {
            lastStream = stream;
            streamStartNanos = streamStartNanos < 0 ? now : streamStartNanos;
            streamDoneNanos = streamDoneNanos < 0 && stream.path("state").asText().equals("DONE")
                    ? now : streamDoneNanos;
        }
        normalNanos = normalNanos < 0 && lastState.equals("NORMAL") ? now : normalNanos;
        if (now - lastProgressNanos >= progressNanos) {
            out.println("[bootstrap] " + describe(now));
            lastProgressNanos = now;
        }
    }

    private String describe(long now) {
        StringBuilder line = new StringBuilder(String.format("%5.1f s: %s", (now - startNanos) / 1e9, lastState));
        if (lastStream != null) {
            double streamSeconds = (now - streamStartNanos) / 1e9;
            long bytes = lastStream.path("bytes_received").asLong();
            double sinceLastSeconds = (now - Math.max(lastProgressNanos, streamStartNanos)) / 1e9;
            line.append(String.format(
                    ", stream %d of %d ranges, %.1f MiB, %,d entries, %.1f MB/s (%.1f MB/s lately) (%s)",
                    lastStream.path("ranges_done").asInt(), lastStream.path("ranges_total").asInt(), bytes / 1048576.0,
                    lastStream.path("entries_received").asLong(), streamSeconds > 0 ? bytes / streamSeconds / 1e6 : 0.0,
                    sinceLastSeconds > 0 ? (bytes - lastProgressBytes) / sinceLastSeconds / 1e6 : 0.0,
                    lastStream.path("state").asText()));
            lastProgressBytes = bytes;
        }
        return line.toString();
    }

    private static String selfState(JsonNode cluster) {
        for (JsonNode member : cluster.path("members")) {
            if (member.path("self").asBoolean()) {
                return member.path("state").asText();
            }
        }
        return "UNKNOWN";
    }

    /** The node's own bootstrap stream session (named "bootstrap of <node>"), newest first; null before it starts. */
    private static JsonNode bootstrapStream(JsonNode cluster) {
        JsonNode found = null;
        for (JsonNode session : cluster.path("stream_sessions")) {
            if (session.path("name").asText().startsWith("bootstrap of ")) {
                found = session;
            }
        }
        return found;
    }

    String httpAddress() {
        return httpAddress;
    }

    long answeringNanos() {
        return answeringNanos;
    }

    long joiningNanos() {
        return joiningNanos;
    }

    long streamStartNanos() {
        return streamStartNanos;
    }

    long streamDoneNanos() {
        return streamDoneNanos;
    }

    long normalNanos() {
        return normalNanos;
    }

    /**
     * The last state seen of the bootstrap stream session (bytes_received, entries_received,
     * ranges_total...), or null.
     */
    JsonNode lastStream() {
        return lastStream;
    }

    void close() {
        if (client != null) {
            client.close();
        }
    }
}
