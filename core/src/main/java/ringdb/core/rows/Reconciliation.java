package ringdb.core.rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * Merges the entries several replicas answered for one slice of one partition, entry by entry
 * ({@link Cell#reconcile}), and says for each replica what it lacks or holds older: the read
 * repair to send it. Replicas that stopped at their entry limit ({@code complete == false}) only
 * vouch for keys up to their last one, so the merge stops at the earliest such key in read order;
 * beyond it nothing is returned or repaired (the next page reads it). Pure.
 */
public final class Reconciliation {
    /** One replica's answer: its entries (in either order) and whether they reach the end of the slice. */
    public record ReplicaAnswer(List<LocalStore.Entry> entries, boolean complete) {
        public ReplicaAnswer {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The merged entries in read order, per replica (in the answers' order) the winning entries
     * it lacks or holds an older version of, and whether the merge covers the whole slice.
     */
    public record Result(List<LocalStore.Entry> entries, List<List<LocalStore.Entry>> repairs, boolean complete) {
    }

    private Reconciliation() {
    }

    public static Result reconcile(List<ReplicaAnswer> answers, boolean reversed) {
        byte[] cut = null;
        for (ReplicaAnswer answer : answers) {
            if (!answer.complete() && !answer.entries().isEmpty()) {
                byte[] last = lastInReadOrder(answer.entries(), reversed);
                if (cut == null || (reversed ? Arrays.compareUnsigned(last, cut) > 0
                        : Arrays.compareUnsigned(last, cut) < 0)) {
                    cut = last;
                }
            }
        }
        boolean complete = answers.stream().allMatch(ReplicaAnswer::complete);
        TreeMap<byte[], LocalStore.Entry> merged = new TreeMap<>(Arrays::compareUnsigned);
        List<Map<ByteKey, Cell>> held = new ArrayList<>();
        for (ReplicaAnswer answer : answers) {
            Map<ByteKey, Cell> mine = new HashMap<>();
            for (LocalStore.Entry entry : answer.entries()) {
                byte[] key = entry.key().key();
                if (cut != null && (reversed ? Arrays.compareUnsigned(key, cut) < 0
                        : Arrays.compareUnsigned(key, cut) > 0)) {
                    continue;
                }
                mine.put(new ByteKey(key), entry.cell());
                LocalStore.Entry before = merged.get(key);
                Cell winner = Cell.reconcile(before == null ? null : before.cell(), entry.cell());
                if (before == null || winner != before.cell()) {
                    merged.put(key, new LocalStore.Entry(new DecoratedKey(entry.key().token(), key), winner));
                }
            }
            held.add(mine);
        }
        List<LocalStore.Entry> ordered = new ArrayList<>(reversed ? merged.descendingMap().values()
                : merged.values());
        List<List<LocalStore.Entry>> repairs = new ArrayList<>();
        for (Map<ByteKey, Cell> mine : held) {
            List<LocalStore.Entry> missing = new ArrayList<>();
            for (LocalStore.Entry entry : ordered) {
                Cell theirs = mine.get(new ByteKey(entry.key().key()));
                if (theirs == null || theirs.compareVersion(entry.cell()) < 0) {
                    missing.add(entry);
                }
            }
            repairs.add(missing);
        }
        return new Result(ordered, repairs, complete);
    }

    private static byte[] lastInReadOrder(List<LocalStore.Entry> entries, boolean reversed) {
        byte[] last = null;
        for (LocalStore.Entry entry : entries) {
            byte[] key = entry.key().key();
            if (last == null || (reversed ? Arrays.compareUnsigned(key, last) < 0
                    : Arrays.compareUnsigned(key, last) > 0)) {
                last = key;
            }
        }
        return last;
    }

    /** A key with content equality, for hashing. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
