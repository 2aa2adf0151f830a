package ringdb.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import ringdb.server.api.JsonResponses;

/**
 * One long operation a node runs for an operator (repair, decommission, removenode, cleanup, flush,
 * snapshot): what was asked, where it stands, how it ended. Thread-safe: the node's thread finishes
 * it, HTTP threads read it.
 */
public final class Job {
    private final String id;
    private final String kind;
    private final Map<String, String> parameters;
    private final long startedMillis;
    private final Supplier<JobProgress> progress;
    private JobState state = JobState.RUNNING;
    private long endedMillis;
    private JobProgress lastProgress;
    private JsonNode result;
    private String error;

    Job(String id, String kind, Map<String, String> parameters, long startedMillis, Supplier<JobProgress> progress) {
        this.id = id;
        this.kind = kind;
        this.parameters = Map.copyOf(parameters);
        this.startedMillis = startedMillis;
        this.progress = progress;
        this.lastProgress = JobProgress.phase("starting");
    }

    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public synchronized JobState state() {
        return state;
    }

    public synchronized String error() {
        return error;
    }

    /** The result's body once succeeded (its {@code message} says what was done), else null. */
    public synchronized JsonNode result() {
        return result;
    }

    /** Marks it succeeded with {@code result} (a JSON object with a {@code message}); later calls are ignored. */
    public synchronized void succeed(JsonNode body, long nowMillis) {
        if (state == JobState.RUNNING) {
            state = JobState.SUCCEEDED;
            result = body;
            endedMillis = nowMillis;
            lastProgress = JobProgress.phase("done");
        }
    }

    /** Marks it failed with {@code message}; later calls are ignored. */
    public synchronized void fail(String message, long nowMillis) {
        if (state == JobState.RUNNING) {
            state = JobState.FAILED;
            error = message;
            endedMillis = nowMillis;
            lastProgress = JobProgress.phase("failed");
        }
    }

    /**
     * The job as JSON: id, kind, parameters, state, start and end (ISO-8601 and epoch millis), age,
     * progress, and the result or the error. {@code nowMillis}: the node's wall clock, for the age.
     */
    public ObjectNode toJson(long nowMillis) {
        JobProgress current = currentProgress();
        ObjectNode body = JsonResponses.object();
        synchronized (this) {
            body.put("id", id);
            body.put("kind", kind);
            ObjectNode params = body.putObject("parameters");
            parameters.forEach(params::put);
            body.put("state", state.text());
            body.put("started_at", Instant.ofEpochMilli(startedMillis).toString());
            body.put("started_at_ms", startedMillis);
            if (state != JobState.RUNNING) {
                body.put("ended_at", Instant.ofEpochMilli(endedMillis).toString());
                body.put("ended_at_ms", endedMillis);
            }
            long end = state == JobState.RUNNING ? nowMillis : endedMillis;
            body.put("age_ms", Math.max(0, nowMillis - startedMillis));
            body.put("duration_ms", Math.max(0, end - startedMillis));
            ObjectNode p = body.putObject("progress");
            p.put("phase", current.phase());
            p.put("done", current.done());
            p.put("total", current.total());
            p.put("unit", current.unit());
            p.put("text", current.describe());
            if (result != null) {
                body.set("result", result);
                body.put("message", result.path("message").asText(""));
            }
            if (error != null) {
                body.put("error", error);
                body.put("message", error);
            }
        }
        return body;
    }

    /** The progress now: asked of the operation while it runs (remembering the last answer), else final. */
    private JobProgress currentProgress() {
        synchronized (this) {
            if (state != JobState.RUNNING) {
                return lastProgress;
            }
        }
        JobProgress now;
        try {
            now = progress.get();
        } catch (RuntimeException e) {
            now = null;
        }
        synchronized (this) {
            if (now != null && state == JobState.RUNNING) {
                lastProgress = now;
            }
            return lastProgress;
        }
    }
}
