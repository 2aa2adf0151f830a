package ringdb.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The jobs of one node: every running job and the most recent finished ones (at most {@code
 * finishedMax}, oldest forgotten first), in memory only: a restarted node knows none. Kinds in
 * {@code exclusiveKinds} run one at a time: starting a second is refused, naming the running one.
 * Thread-safe.
 */
public final class JobRegistry {
    /** How many finished jobs a node remembers by default. */
    public static final int FINISHED_MAX = 100;

    private final int finishedMax;
    private final Set<String> exclusiveKinds;
    private final LongSupplier wallClockMillis;
    private final ArrayDeque<Job> jobs = new ArrayDeque<>(); // oldest first
    private long nextNumber = 1;

    public JobRegistry(int finishedMax, Set<String> exclusiveKinds, LongSupplier wallClockMillis) {
        if (finishedMax < 1) {
            throw new IllegalArgumentException("finishedMax must be at least 1, was " + finishedMax);
        }
        this.finishedMax = finishedMax;
        this.exclusiveKinds = Set.copyOf(exclusiveKinds);
        this.wallClockMillis = wallClockMillis;
    }

    /** Refused start: a job of the same kind runs. */
    public static final class ConflictException extends IllegalStateException {
        private final transient Job running;

        ConflictException(Job running) {
            super("a " + running.kind() + " job is already running on this node: " + running.id()
                    + " (see GET /v1/admin/jobs/" + running.id() + "); wait for it to finish");
            this.running = running;
        }

        public Job running() {
            return running;
        }
    }

    /**
     * Registers a new running job of {@code kind}; its id is {@code kind-N}. {@code progress} is asked
     * (from any thread) whenever the job is shown while it runs.
     *
     * @throws ConflictException when {@code kind} is exclusive and a job of it runs
     */
    public synchronized Job start(String kind, Map<String, String> parameters, Supplier<JobProgress> progress) {
        if (exclusiveKinds.contains(kind)) {
            for (Job job : jobs) {
                if (job.kind().equals(kind) && job.state() == JobState.RUNNING) {
                    throw new ConflictException(job);
                }
            }
        }
        Job job = new Job(kind + "-" + nextNumber++, kind, parameters, wallClockMillis.getAsLong(), progress);
        jobs.addLast(job);
        forgetOldFinished();
        return job;
    }

    private void forgetOldFinished() {
        int finished = 0;
        for (Job job : jobs) {
            finished += job.state() == JobState.RUNNING ? 0 : 1;
        }
        for (Iterator<Job> it = jobs.iterator(); it.hasNext() && finished > finishedMax; ) {
            if (it.next().state() != JobState.RUNNING) {
                it.remove();
                finished--;
            }
        }
    }

    public void succeed(Job job, JsonNode result) {
        job.succeed(result, wallClockMillis.getAsLong());
        synchronized (this) {
            forgetOldFinished();
        }
    }

    public void fail(Job job, String message) {
        job.fail(message, wallClockMillis.getAsLong());
        synchronized (this) {
            forgetOldFinished();
        }
    }

    /** Every job remembered, newest first. */
    public synchronized List<Job> list() {
        List<Job> newestFirst = new ArrayList<>(jobs);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    public synchronized Optional<Job> find(String id) {
        for (Job job : jobs) {
            if (job.id().equals(id)) {
                return Optional.of(job);
            }
        }
        return Optional.empty();
    }

    /** The wall clock the registry stamps jobs with, in epoch millis. */
    public long nowMillis() {
        return wallClockMillis.getAsLong();
    }
}
