package ringdb.cli.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a QUORUM workload was told, and the checks of what it reads. One writer writes the keys, each
 * value {@code seq-N} with N rising per key; any thread may read. A QUORUM read must return at least
 * the last write of its key acknowledged before the read began (else it is stale: older than an
 * acknowledged write, or missing) and at most the last one attempted before it ended (else it was
 * never written). A write that failed has an unknown outcome, as in Cassandra: it may or may not
 * be read later, until a later write of its key is acknowledged. Thread-safe.
 */
final class QuorumHistory {
    private final Map<String, Integer> lastAcknowledged = new HashMap<>();
    private final Map<String, Integer> lastAttempted = new HashMap<>();
    private final Set<String> unknownOutcome = new HashSet<>();
    private final Map<String, Integer> acknowledgedThrough = new TreeMap<>();
    private final Map<String, Integer> failedThrough = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private int acknowledged;
    private int readsChecked;

    /** The next value's sequence number for {@code key}, counted as attempted from now on. */
    synchronized int beginWrite(String key) {
        return lastAttempted.merge(key, 1, Integer::sum);
    }

    /** The answer to the write of {@code seq-sequence} to {@code key} through {@code node}. */
    synchronized void endWrite(String key, int sequence, String node, NamespaceClient.Answer answer) {
        if (answer.kind().equals("ok")) {
            lastAcknowledged.merge(key, sequence, Math::max);
            if (lastAcknowledged.get(key) == sequence) {
                unknownOutcome.remove(key);
            }
            acknowledged++;
            acknowledgedThrough.merge(node, 1, Integer::sum);
        } else {
            unknownOutcome.add(key);
            failedThrough.merge(node, 1, Integer::sum);
        }
    }

    /** The sequence number of the last acknowledged write of {@code key} (0: none), for a read about to begin. */
    synchronized int floor(String key) {
        return lastAcknowledged.getOrDefault(key, 0);
    }

    /**
     * Checks the answer to a QUORUM read of {@code key} through {@code node} that began when
     * {@link #floor} was {@code floor}: a failure (refused, timed out) is allowed, a stale or
     * invented value is a violation. Returns whether the read returned a value or an absence.
     */
    synchronized boolean checkRead(String key, String node, int floor, NamespaceClient.Answer answer) {
        if (answer.isError()) {
            failedThrough.merge(node, 1, Integer::sum);
            return false;
        }
        readsChecked++;
        String what = "QUORUM read of " + key + " through " + node + " begun after seq-" + floor
                + " was acknowledged";
        if (!answer.kind().equals("found")) {
            if (floor > 0) {
                violations.add(what + " found nothing: " + answer);
            }
            return true;
        }
        String value = answer.value();
        int sequence = value.startsWith("seq-") ? Integer.parseInt(value.substring(4)) : -1;
        if (sequence < floor) {
            violations.add(what + " returned the older " + value + " (stale)");
        } else if (sequence > lastAttempted.getOrDefault(key, 0)) {
            violations.add(what + " returned " + value + ", never written");
        }
        return true;
    }

    /**
     * Checks a QUORUM read of {@code key} through {@code node} made once every write ended: it must
     * return the last acknowledged value exactly, unless a write after it failed (then that one or
     * a later attempted one may have landed).
     */
    synchronized void checkSettled(String key, String node, NamespaceClient.Answer answer) {
        int floor = floor(key);
        if (unknownOutcome.contains(key) || answer.isError()) {
            if (answer.isError()) {
                violations.add("settled QUORUM read of " + key + " through " + node + " failed: " + answer);
            } else {
                checkRead(key, node, floor, answer);
            }
            return;
        }
        readsChecked++;
        if (!answer.kind().equals("found") || !answer.value().equals("seq-" + floor)) {
            violations.add("settled QUORUM read of " + key + " through " + node + " returned " + answer
                    + " instead of the acknowledged seq-" + floor);
        }
    }

    synchronized Set<String> keys() {
        return new TreeSet<>(lastAttempted.keySet());
    }

    synchronized int acknowledged() {
        return acknowledged;
    }

    synchronized int acknowledgedThrough(String node) {
        return acknowledgedThrough.getOrDefault(node, 0);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized String summary() {
        return acknowledged + " writes acknowledged (by coordinator: " + acknowledgedThrough + "), " + readsChecked
                + " reads checked, failed requests by coordinator: " + failedThrough + ", " + violations.size()
                + " violations";
    }
}
