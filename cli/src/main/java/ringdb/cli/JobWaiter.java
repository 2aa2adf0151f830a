package ringdb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Locale;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * Follows a job on a node until it ends: polls {@code GET /v1/admin/jobs/{id}}, shows its progress
 * (one line rewritten in place on a terminal, a new line per change otherwise), and says how it
 * ended. The wait is bounded by the caller; a node that stops answering is reported, not mistaken
 * for a failed job: the job goes on on the node.
 */
final class JobWaiter {
    /** Exit status when the job failed. */
    static final int JOB_FAILED = 1;
    /** Exit status when the command stopped waiting (time limit, node unreachable); the job may go on. */
    static final int STOPPED_WAITING = 3;
    static final long POLL_MILLIS = 500;
    /** Polls in a row that may fail (the node busy, a connection reset) before the wait is given up. */
    static final int FAILED_POLLS_MAX = 10;

    private final RingClient ring;
    private final String host;
    private final PrintStream progress;
    private final boolean terminal;
    private int shownWidth;
    private String shownText = "";

    JobWaiter(RingClient ring, String host, PrintStream progress, boolean terminal) {
        this.ring = ring;
        this.host = host;
        this.progress = progress;
        this.terminal = terminal;
    }

    /** The outcome: the exit status, and the job's last state as the node showed it (null if never). */
    record Outcome(int exitStatus, JsonNode job) {
    }

    /** Waits for job {@code id} at most {@code waitMillis} (0: no limit). */
    Outcome await(String id, long waitMillis) throws InterruptedException {
        long deadline = waitMillis > 0 ? System.nanoTime() + waitMillis * 1_000_000 : Long.MAX_VALUE;
        JsonNode job = null;
        int failedPolls = 0;
        while (true) {
            try {
                job = ring.getFrom(host, "/v1/admin/jobs/" + id);
                failedPolls = 0;
            } catch (RingClientException e) {
                if (e.status() == 404) {
                    endLine();
                    System.err.println("error: the node at " + host + " no longer knows job " + id
                            + " (did it restart? jobs live in its memory): " + e.getMessage());
                    return new Outcome(STOPPED_WAITING, job);
                }
                if (++failedPolls >= FAILED_POLLS_MAX) {
                    endLine();
                    System.err.println("error: lost the connection to " + host + " while waiting for job " + id
                            + " (" + e.getMessage() + "); the job goes on on the node: follow it with "
                            + "ringdb jobs " + id + " --host " + host);
                    return new Outcome(STOPPED_WAITING, job);
                }
            }
            if (job != null && !job.path("state").asText().equals("running")) {
                endLine();
                return finished(id, job);
            }
            if (job != null) {
                show(line(job));
            }
            if (System.nanoTime() - deadline > 0 && deadline != Long.MAX_VALUE) {
                endLine();
                System.err.println("error: stopped waiting for job " + id + " after " + waitMillis + " ms; it goes on "
                        + "on the node: follow it with ringdb jobs " + id + " --host " + host);
                return new Outcome(STOPPED_WAITING, job);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private Outcome finished(String id, JsonNode job) {
        if (job.path("state").asText().equals("succeeded")) {
            return new Outcome(0, job);
        }
        System.err.println("error: job " + id + " " + job.path("state").asText() + ": " + job.path("error").asText());
        return new Outcome(JOB_FAILED, job);
    }

    /** "cleanup-3 running 12s: rewriting 3 tables: 120 of 4000 entries". */
    static String line(JsonNode job) {
        return job.path("id").asText() + " " + job.path("state").asText() + " "
                + age(job.path("duration_ms").asLong()) + ": " + job.path("progress").path("text").asText();
    }

    /** A duration as 850ms, 12s, 3m05s or 2h07m. */
    static String age(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    private void show(String text) {
        if (terminal) {
            String padded = text + " ".repeat(Math.max(0, shownWidth - text.length()));
            progress.print("\r" + padded);
            progress.flush();
            shownWidth = text.length();
        } else if (!text.replaceFirst(" running [^:]*:", "").equals(shownText)) {
            progress.println(text); // a new line only when the progress itself changed, not the age
            shownText = text.replaceFirst(" running [^:]*:", "");
        }
    }

    private void endLine() {
        if (terminal && shownWidth > 0) {
            progress.println();
            shownWidth = 0;
        }
    }
}
