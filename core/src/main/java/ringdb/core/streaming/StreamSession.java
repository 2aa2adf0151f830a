package ringdb.core.streaming;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.membership.MembershipView;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.store.LocalStore;

/**
 * Copies ranges a node gains from the replicas that hold them, pulling one chunk at a time with
 * the range sync messages (at most {@code chunkEntries} entries per request, resuming strictly
 * after the last key received).
 *
 * <p>Robust by construction: the source keeps no session state, so a dropped request or response
 * is retried after {@code timeoutMicros} from the same key, a source that stays silent for
 * {@code attemptsMax} attempts (or is down) is replaced by another replica of the range (starting
 * that range over), and with no source reachable the session waits and tries again. Completed
 * ranges are reported through {@link Host#persistCompleted} once every entry received so far is
 * durable, so a restarted target resumes where it stopped. Throttled to
 * {@code throughputBytesPerSecond} (0 = unthrottled).
 *
 * <p>A source whose ring differs from the node's refuses the request (the ring epochs differ) and
 * teaches the node its ring through gossip: the chunk is asked again after {@code retryIntervalMicros}
 * with the epoch the node then holds, counting as an attempt, so a source that keeps refusing is
 * replaced like a silent one. The move the session serves is planned again by the node's topology
 * rounds when the ring changes.
 *
 * <p>Each range is fetched as its gain's fetches say ({@link MembershipView.Fetch}: the keys of some
 * replication factors from the replicas holding them); a gain without fetches from
 * {@code sourcesPerRange} distinct replicas (RF - RF/2: enough that every write acknowledged at
 * QUORUM is among them). Not thread-safe: runs on the node's thread.
 */
public final class StreamSession {
    /** What the session needs from its node. Calls happen on the node's thread. */
    public interface Host {
        NodeId self();

        /** The node's monotonic clock ({@link ringdb.core.Clock#monotonicMicros}), for pacing. */
        long monotonicMicros();

        Timers timers();

        boolean isAlive(NodeId node);

        /** Sends a range sync request; {@code onResponse} gets its answer(s). Returns the request id. */
        long request(NodeId to, long startTokenExclusive, long endTokenInclusive, byte[] afterKey, int maxEntries,
                     Consumer<RangeSyncResponse> onResponse);

        /**
         * {@link #request} for the keys placed with a replication factor from {@code factorMin} to
         * {@code factorMax} only ({@link MembershipView.Fetch#everyFactor}: every key), with
         * {@code onRingRefusal} run when the source refuses it because its ring differs from the one this
         * node planned the stream with (a host that sends no ring epoch never runs it).
         */
        default long request(NodeId to, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                             int maxEntries, int factorMin, int factorMax, Consumer<RangeSyncResponse> onResponse,
                             Runnable onRingRefusal) {
            return request(to, startTokenExclusive, endTokenInclusive, afterKey, maxEntries, onResponse);
        }

        /** Forgets a request (late answers are dropped). */
        void forget(long requestId);

        /** Applies an entry locally; {@code onDurable} gets null once durable, else the error. */
        void apply(byte[] key, Cell cell, Consumer<String> onDurable);

        /** Reports ranges that no live or dead replica other than the departing one ever held. */
        void lostRanges(String message);

        /** Reports progress (events, status). */
        void progress(StreamProgress progress);

        /** Records durably which tasks are complete (keys from {@link #taskKey}), for a resume. */
        void persistCompleted(String moveId, Set<String> completed);
    }

    /** Tuning, all positive except {@code throughputBytesPerSecond} (0 = unthrottled). */
    public record Settings(int chunkEntries, long timeoutMicros, int attemptsMax, long retryIntervalMicros,
                           long throughputBytesPerSecond, int progressEveryChunks) {
    }

    private static final class Task {
        final long start;
        final long end;
        final List<NodeId> candidates;
        final int slot;
        final int factorMin;
        final int factorMax;
        int candidateIndex;

        Task(long start, long end, MembershipView.Fetch fetch) {
            this.start = start;
            this.end = end;
            this.candidates = fetch.sources();
            this.slot = fetch.copy();
            this.factorMin = fetch.factorMin();
            this.factorMax = fetch.factorMax();
            this.candidateIndex = slot;
        }

        boolean everyFactor() {
            return factorMin == MembershipView.Fetch.EVERY_FACTOR_MIN
                    && factorMax == MembershipView.Fetch.EVERY_FACTOR_MAX;
        }
    }

    private final Host host;
    private final String name;
    private final String moveId;
    private final Settings settings;
    private final Consumer<String> done;
    private final List<Task> tasks = new ArrayList<>();
    private final Set<String> completed = new LinkedHashSet<>();
    private int taskIndex;
    private int rangesDone;
    private int rangesResumed;
    private int rangesWithoutSource;
    private NodeId currentSource;
    private byte[] afterKey;
    private int attempts;
    private long ringRefusals;
    private long requestsSent;
    private long requestId;
    private Timers.Cancellable timer;
    private long bytesReceived;
    private long entriesReceived;
    private long chunks;
    private int largestChunkEntries;
    private long largestChunkBytes;
    private long earliestNextRequestMicros = Long.MIN_VALUE;
    private long lastSpacingMicros;
    private int pendingApplies;
    private boolean persistWanted;
    private boolean allFetched;
    private String state = "RUNNING";
    private String error;

    /**
     * @param gains the ranges to copy with their candidate sources (best first)
     * @param alreadyCompleted task keys a previous incarnation persisted as complete
     * @param done gets null on success or the reason of the failure; exactly once unless aborted
     */
    public StreamSession(Host host, String name, String moveId, List<MembershipView.Gain> gains, int sourcesPerRange,
                         Set<String> alreadyCompleted, Settings settings, Consumer<String> done) {
        this.host = host;
        this.name = name;
        this.moveId = moveId;
        this.settings = settings;
        this.done = done;
        for (MembershipView.Gain gain : gains) {
            List<MembershipView.Fetch> fetches = gain.fetches().isEmpty() ? everyKey(gain, sourcesPerRange)
                    : gain.fetches();
            if (gain.sources().isEmpty() || fetches.stream().anyMatch(fetch -> fetch.sources().isEmpty())) {
                rangesWithoutSource++;
            }
            for (long[] part : unwrapped(gain.startTokenExclusive(), gain.endTokenInclusive())) {
                for (MembershipView.Fetch fetch : fetches) {
                    if (fetch.sources().isEmpty()) {
                        continue;
                    }
                    Task task = new Task(part[0], part[1], fetch);
                    if (alreadyCompleted.contains(taskKey(task))) {
                        completed.add(taskKey(task));
                        rangesDone++;
                        rangesResumed++;
                    } else {
                        tasks.add(task);
                    }
                }
            }
        }
    }

    /** Copies of every key of {@code gain} from {@code sourcesPerRange} of its sources (as many as it has). */
    private static List<MembershipView.Fetch> everyKey(MembershipView.Gain gain, int sourcesPerRange) {
        List<MembershipView.Fetch> out = new ArrayList<>();
        for (int copy = 0; copy < Math.min(sourcesPerRange, gain.sources().size()); copy++) {
            out.add(new MembershipView.Fetch(MembershipView.Fetch.EVERY_FACTOR_MIN,
                    MembershipView.Fetch.EVERY_FACTOR_MAX, gain.sources(), copy));
        }
        return out;
    }

    /** Starts fetching. */
    public void start() {
        if (rangesWithoutSource > 0) {
            host.lostRanges(name + ": " + rangesWithoutSource + " range(s) have no replica left to copy from; their"
                    + " data is lost (was the replication factor 1?)");
        }
        host.progress(progress());
        next();
    }

    public String name() {
        return name;
    }

    public String moveId() {
        return moveId;
    }

    /** Where the session stands now. */
    public StreamProgress progress() {
        return new StreamProgress(name, moveId, rangesDone + tasks.size() - taskIndex, rangesDone, rangesResumed,
                bytesReceived, entriesReceived, state, settings.throughputBytesPerSecond(), chunks,
                largestChunkEntries, largestChunkBytes);
    }

    public boolean isFinished() {
        return state.equals("DONE") || state.equals("FAILED");
    }

    /** Stops without calling {@code done} (the node is stopping or the move was abandoned). */
    public void abort() {
        if (timer != null) {
            timer.cancel();
        }
        host.forget(requestId);
        if (!isFinished()) {
            state = "FAILED";
        }
    }

    private void next() {
        if (isFinished()) {
            return;
        }
        if (taskIndex >= tasks.size()) {
            allFetched = true;
            if (pendingApplies == 0) {
                finish();
            }
            return;
        }
        Task task = tasks.get(taskIndex);
        NodeId source = chooseSource(task);
        if (source == null) {
            if (!state.equals("WAITING")) {
                state = "WAITING";
                host.progress(progress());
            }
            timer = host.timers().schedule(settings.retryIntervalMicros(), this::next);
            return;
        }
        state = "RUNNING";
        if (!source.equals(currentSource)) {
            currentSource = source;
            afterKey = null;
            attempts = 0;
        }
        long sent = ++requestsSent;
        requestId = host.request(source, task.start, task.end, afterKey, settings.chunkEntries(), task.factorMin,
                task.factorMax, this::onResponse, () -> onRingRefusal(requestsSent == sent));
        // a timer that fired late keeps its lateness, up to one chunk's spacing, as credit for the next
        // chunk: else every late wake-up would lower the rate (a loaded machine lost a fifth of it)
        earliestNextRequestMicros = Math.max(earliestNextRequestMicros, host.monotonicMicros() - lastSpacingMicros);
        timer = host.timers().schedule(settings.timeoutMicros(), this::onTimeout);
    }

    /** The first live candidate from the task's current position; moves the position to it. */
    private NodeId chooseSource(Task task) {
        int count = task.candidates.size();
        for (int step = 0; step < count; step++) {
            int index = (task.candidateIndex + step) % count;
            NodeId candidate = task.candidates.get(index);
            if (host.isAlive(candidate) && !candidate.equals(host.self())) {
                task.candidateIndex = index;
                return candidate;
            }
        }
        return null;
    }

    private void onResponse(RangeSyncResponse response) {
        if (isFinished() || response.requestId() != requestId) {
            return;
        }
        timer.cancel();
        host.forget(requestId);
        attempts = 0;
        long chunkBytes = 0;
        for (LocalStore.Entry entry : response.entries()) {
            chunkBytes += entry.key().key().length + (long) entry.cell().sizeBytes();
            pendingApplies++;
            host.apply(entry.key().key(), entry.cell(), this::onApplied);
        }
        bytesReceived += chunkBytes;
        entriesReceived += response.entries().size();
        chunks++;
        largestChunkEntries = Math.max(largestChunkEntries, response.entries().size());
        largestChunkBytes = Math.max(largestChunkBytes, chunkBytes);
        if (response.rangeDone()) {
            taskComplete();
        } else {
            afterKey = response.nextAfterKey();
        }
        if (chunks % settings.progressEveryChunks() == 0) {
            host.progress(progress());
        }
        long delayMicros = throttleDelayMicros(chunkBytes);
        if (delayMicros > 0) {
            timer = host.timers().schedule(delayMicros, this::next);
        } else {
            next();
        }
    }

    private long throttleDelayMicros(long chunkBytes) {
        if (settings.throughputBytesPerSecond() <= 0) {
            return 0;
        }
        lastSpacingMicros = chunkBytes * 1_000_000L / settings.throughputBytesPerSecond();
        earliestNextRequestMicros += lastSpacingMicros;
        return Math.max(0, earliestNextRequestMicros - host.monotonicMicros());
    }

    private void taskComplete() {
        Task task = tasks.get(taskIndex);
        completed.add(taskKey(task));
        rangesDone++;
        taskIndex++;
        currentSource = null;
        afterKey = null;
        persistWanted = true;
        persistIfDurable();
        host.progress(progress());
    }

    private void onApplied(String applyError) {
        pendingApplies--;
        if (applyError != null && error == null) {
            error = "entry not applied: " + applyError;
        }
        persistIfDurable();
        if (pendingApplies == 0 && allFetched) {
            finish();
        }
    }

    private void persistIfDurable() {
        if (persistWanted && pendingApplies == 0 && error == null) {
            persistWanted = false;
            host.persistCompleted(moveId, Set.copyOf(completed));
        }
    }

    /** The source refused the current request ({@code current}) for its ring: ask again after the retry interval. */
    private void onRingRefusal(boolean current) {
        if (isFinished() || !current) {
            return;
        }
        timer.cancel();
        host.forget(requestId);
        ringRefusals++;
        countAttempt();
        timer = host.timers().schedule(settings.retryIntervalMicros(), this::next);
    }

    /** Requests refused by a source whose ring differed, since the session started. */
    public long ringRefusals() {
        return ringRefusals;
    }

    private void onTimeout() {
        host.forget(requestId);
        countAttempt();
        next();
    }

    /** One more failed attempt at the current source; after {@code attemptsMax} the next candidate is tried. */
    private void countAttempt() {
        attempts++;
        if (attempts >= settings.attemptsMax()) {
            Task task = tasks.get(taskIndex);
            task.candidateIndex = (task.candidateIndex + 1) % task.candidates.size();
            currentSource = null;
            attempts = 0;
        }
    }

    private void finish() {
        if (isFinished()) {
            return;
        }
        state = error == null ? "DONE" : "FAILED";
        host.progress(progress());
        done.accept(error);
    }

    private static String taskKey(Task task) {
        String key = task.start + ":" + task.end + ":" + task.slot;
        return task.everyFactor() ? key : key + ":" + task.factorMin + "-" + task.factorMax;
    }

    /** A wrapping range as (start, MAX] and (MAX, end], so each part is scanned in plain token order. */
    static List<long[]> unwrapped(long start, long end) {
        if (start < end || start == Long.MAX_VALUE) {
            return List.of(new long[] {start, end});
        }
        return List.of(new long[] {start, Long.MAX_VALUE}, new long[] {Long.MAX_VALUE, end});
    }
}
