package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.message.BatchMutationRequest;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.RangeScanResponse;
import ringdb.core.message.ReadFailure;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.message.SliceReadResponse;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * Coordinates one read of entries (a partition slice, or a chunk of a table range scan): asks the
 * first {@code required} live replicas, reconciles per entry ({@link Cell#reconcile}) and answers
 * once {@code required} answered. A replica that stopped at the entry limit ("more") is complete
 * only up to its last entry, so the answer is cut there (the client reads on after it): an entry
 * another replica lacks beyond that point is not mistaken for missing.
 *
 * <p>Read repair (slices): each answering replica is sent exactly the entries of the answer (and
 * range tombstones) it lacks or holds older, as one batch mutation; at QUORUM and ALL the answer
 * waits for those repairs, as a single-key read does, so a later QUORUM read never sees older
 * entries. A replica that fails or holds another ring is replaced by the next candidate; with none
 * left the read fails, or is planned again ({@code replan}) when a replica held another ring.
 */
final class EntriesReadHandler implements RequestRegistry.ResponseHandler {
    /** One replica's answer: entries in the order asked, range tombstones, and whether it stopped early. */
    record Answer(List<LocalStore.Entry> entries, List<LocalStore.Entry> tombstones, boolean more) {
    }

    /** What is read. */
    interface Read {
        /** The request sent to a replica. */
        Message request(long requestId, long ringEpoch);

        /** The same read on the local store; may throw. */
        Answer local();

        /** The order entries come in. */
        Comparator<DecoratedKey> order();

        int maxEntries();

        /** The partition token of a slice (its entries can be repaired as one batch); null for a scan. */
        Long repairToken();
    }

    private final CoordinatorContext context;
    private final Coordinator coordinator;
    private final Read read;
    private final ConsistencyLevel cl;
    private final int required;
    private final List<NodeId> candidates;
    private final List<NodeId> targets = new ArrayList<>();
    private final Consumer<ClientResult> done;
    private final long ringEpoch;
    private final Runnable replan;
    private final Map<NodeId, Answer> answers = new LinkedHashMap<>();
    private final Map<NodeId, String> failures = new TreeMap<>();
    private final Set<NodeId> repairsPending = new LinkedHashSet<>();
    private boolean ringDiffers;
    private long requestId;
    private Timers.Cancellable timeout;
    private ClientResult resultAfterRepair;
    private boolean reconciled;
    private boolean answered;

    EntriesReadHandler(CoordinatorContext context, Coordinator coordinator, Read read, ConsistencyLevel cl,
                       int required, List<NodeId> candidates, long ringEpoch, Consumer<ClientResult> done,
                       Runnable replan) {
        this.context = context;
        this.coordinator = coordinator;
        this.read = read;
        this.cl = cl;
        this.required = required;
        this.candidates = List.copyOf(candidates);
        this.ringEpoch = ringEpoch;
        this.done = done;
        this.replan = replan;
    }

    void start(long timeoutMicros) {
        requestId = context.requests().register(this);
        timeout = context.timers().schedule(timeoutMicros, this::onTimeout);
        askMore();
    }

    private void askMore() {
        while (!reconciled && targets.size() - failures.size() < required && targets.size() < candidates.size()) {
            ask(candidates.get(targets.size()));
        }
        if (!reconciled && !answered && targets.size() - failures.size() < required) {
            finish();
            if (ringDiffers) {
                answered = true;
                replan.run();
                return;
            }
            answer(new ClientResult.Failed("read failed at " + cl + ": " + answers.size() + " of " + required
                    + " replicas answered; failures: " + failures));
        }
    }

    private void ask(NodeId target) {
        targets.add(target);
        if (target.equals(context.self())) {
            Answer local;
            try {
                local = read.local();
            } catch (RuntimeException e) {
                onFailure(target, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                return;
            }
            onAnswer(target, local);
        } else {
            context.network().send(target, read.request(requestId, ringEpoch));
        }
    }

    private void onFailure(NodeId from, String error) {
        if (reconciled || answered || !targets.contains(from) || answers.containsKey(from)
                || failures.containsKey(from)) {
            return;
        }
        failures.put(from, error);
        askMore();
    }

    @Override
    public boolean expects(NodeId from) {
        return targets.contains(from);
    }

    @Override
    public void onResponse(NodeId from, Message message) {
        if (message instanceof SliceReadResponse slice) {
            onAnswer(from, new Answer(slice.entries(), slice.rangeTombstones(), slice.more()));
        } else if (message instanceof RangeScanResponse chunk) {
            onAnswer(from, new Answer(chunk.entries(), List.of(), !chunk.complete()));
        } else if (message instanceof ReadFailure failure) {
            onFailure(from, failure.error());
        } else if (message instanceof MutationResponse) {
            onRepairAck(from);
        } else if (message instanceof RingEpochMismatch) {
            onRingMismatch(from);
        }
    }

    private void onRingMismatch(NodeId from) {
        if (answered) {
            return;
        }
        if (reconciled) {
            if (repairsPending.contains(from)) {
                finish();
                answered = true;
                replan.run();
            }
            return;
        }
        ringDiffers = true;
        onFailure(from, "holds another ring");
    }

    private void onAnswer(NodeId from, Answer answer) {
        if (reconciled || !targets.contains(from) || answers.containsKey(from)) {
            return;
        }
        answers.put(from, answer);
        if (answers.size() < required) {
            return;
        }
        reconciled = true;
        if (inOrder(answer) && allAlike(answer)) {
            // one answer, or every replica answered the same entries and range tombstones (the common
            // case): it is the reconciled answer, and no replica lacks anything of it (no repairs)
            finish();
            answer(alone(answer));
            return;
        }
        Comparator<DecoratedKey> order = read.order();
        TreeMap<DecoratedKey, Cell> merged = new TreeMap<>(order);
        TreeMap<DecoratedKey, Cell> tombstones = new TreeMap<>();
        DecoratedKey cutoff = null;
        boolean more = false;
        for (Answer a : answers.values()) {
            a.entries().forEach(e -> merged.merge(e.key(), e.cell(), Cell::reconcile));
            a.tombstones().forEach(e -> tombstones.merge(e.key(), e.cell(), Cell::reconcile));
            if (a.more() && !a.entries().isEmpty()) {
                DecoratedKey last = a.entries().get(a.entries().size() - 1).key();
                cutoff = cutoff == null || order.compare(last, cutoff) < 0 ? last : cutoff;
            }
            more |= a.more();
        }
        SortedMap<DecoratedKey, Cell> window = cutoff == null ? merged : merged.headMap(cutoff, true);
        List<LocalStore.Entry> entries = new ArrayList<>();
        for (Map.Entry<DecoratedKey, Cell> e : window.entrySet()) {
            if (entries.size() == read.maxEntries()) {
                more = true;
                break;
            }
            entries.add(new LocalStore.Entry(e.getKey(), e.getValue()));
        }
        List<LocalStore.Entry> rangeTombstones = new ArrayList<>();
        tombstones.forEach((k, c) -> rangeTombstones.add(new LocalStore.Entry(k, c)));
        ClientResult result = new ClientResult.Entries(entries, rangeTombstones, more, null);
        Map<NodeId, List<LocalStore.Entry>> repairs = read.repairToken() == null ? Map.of()
                : repairs(entries, rangeTombstones);
        if (cl == ConsistencyLevel.ONE || repairs.isEmpty()) {
            finish();
            repair(repairs, 0);
            answer(result);
            return;
        }
        resultAfterRepair = result;
        repairsPending.addAll(repairs.keySet());
        repair(repairs, requestId);
    }

    /** Whether an answer's entries (in read order) and range tombstones (in key order) are strictly increasing. */
    private boolean inOrder(Answer answer) {
        Comparator<DecoratedKey> order = read.order();
        List<LocalStore.Entry> entries = answer.entries();
        for (int i = 1; i < entries.size(); i++) {
            if (order.compare(entries.get(i - 1).key(), entries.get(i).key()) >= 0) {
                return false;
            }
        }
        List<LocalStore.Entry> tombstones = answer.tombstones();
        for (int i = 1; i < tombstones.size(); i++) {
            if (tombstones.get(i - 1).key().compareTo(tombstones.get(i).key()) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every answer holds exactly the entries and range tombstones of {@code first} (same keys in
     * the same order, equal cells): then merging them per key gives {@code first}'s entries back, and
     * each replica holds every cell of that result at its version, so none needs a read repair.
     */
    private boolean allAlike(Answer first) {
        for (Answer other : answers.values()) {
            if (other != first && !(sameEntries(first.entries(), other.entries())
                    && sameEntries(first.tombstones(), other.tombstones()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameEntries(List<LocalStore.Entry> a, List<LocalStore.Entry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            LocalStore.Entry x = a.get(i);
            LocalStore.Entry y = b.get(i);
            if (!x.key().equals(y.key()) || !x.cell().equals(y.cell())) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the merge of {@link #onAnswer} makes of answers that are all alike ({@link #allAlike}) and
     * in order: their entries, cut at the entry limit, and "more" when any of them stopped early.
     */
    private ClientResult alone(Answer answer) {
        List<LocalStore.Entry> entries = answer.entries();
        boolean more = false;
        for (Answer a : answers.values()) {
            more |= a.more();
        }
        if (entries.size() > read.maxEntries()) {
            entries = entries.subList(0, read.maxEntries());
            more = true;
        }
        return new ClientResult.Entries(entries, answer.tombstones(), more, null);
    }

    /** Per answering replica, the entries of the answer it lacks or holds older. */
    private Map<NodeId, List<LocalStore.Entry>> repairs(List<LocalStore.Entry> entries,
                                                         List<LocalStore.Entry> rangeTombstones) {
        Map<NodeId, List<LocalStore.Entry>> out = new LinkedHashMap<>();
        for (Map.Entry<NodeId, Answer> a : answers.entrySet()) {
            Map<DecoratedKey, Cell> held = new HashMap<>();
            a.getValue().entries().forEach(e -> held.put(e.key(), e.cell()));
            a.getValue().tombstones().forEach(e -> held.merge(e.key(), e.cell(), Cell::reconcile));
            List<LocalStore.Entry> missing = new ArrayList<>();
            for (List<LocalStore.Entry> list : List.of(entries, rangeTombstones)) {
                for (LocalStore.Entry e : list) {
                    Cell mine = held.get(e.key());
                    if (mine == null || mine.compareVersion(e.cell()) < 0) {
                        missing.add(e);
                    }
                }
            }
            if (!missing.isEmpty()) {
                out.put(a.getKey(), missing);
            }
        }
        return out;
    }

    private void repair(Map<NodeId, List<LocalStore.Entry>> repairs, long repairId) {
        repairs.forEach((replica, entries) -> {
            coordinator.countReadRepair();
            if (replica.equals(context.self())) {
                context.data().applyBatchDescribingError(entries, error -> {
                    if (repairId != 0) {
                        onRepairAck(replica);
                    }
                });
            } else {
                context.network().send(replica, new BatchMutationRequest(repairId, read.repairToken(), entries,
                        repairId == 0 ? MutationRequest.NO_RING_CHECK : ringEpoch));
            }
        });
    }

    private void onRepairAck(NodeId from) {
        if (answered || !repairsPending.remove(from) || !repairsPending.isEmpty()) {
            return;
        }
        finish();
        answer(resultAfterRepair);
    }

    private void onTimeout() {
        context.requests().unregister(requestId);
        if (!answered) {
            answer(new ClientResult.Timeout(cl, required, answers.size() - repairsPending.size()));
        }
    }

    private void finish() {
        timeout.cancel();
        context.requests().unregister(requestId);
    }

    private void answer(ClientResult result) {
        answered = true;
        done.accept(result);
    }

    @Override
    public void abort(String reason) {
        timeout.cancel();
        if (!answered) {
            answer(new ClientResult.Failed(reason + " before the read completed"));
        }
    }
}
