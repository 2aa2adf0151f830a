package ringdb.core.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import ringdb.core.Invariants;
import ringdb.core.NodeId;

/**
 * An immutable view of the token ring: which node owns which positions and, for every range
 * between consecutive tokens, its replicas (the owner of the range's end token, then the next
 * distinct nodes clockwise, up to the replication factor).
 *
 * <p>Lookup is a binary search over a sorted {@code long[]} with the replica lists precomputed
 * per range; a changed membership builds a new {@code Ring}. Thread-safe (immutable).
 */
public final class Ring {
    private static final Ring EMPTY = new Ring(new TreeMap<>(), 1, 0);

    private final Map<NodeId, long[]> tokensByNode;
    private final int replicationFactor;
    private final long version;
    private final long[] tokens;
    private final List<List<NodeId>> replicasByRange;
    private final long digest;

    private Ring(TreeMap<NodeId, long[]> tokensByNode, int replicationFactor, long version) {
        this.tokensByNode = Collections.unmodifiableMap(tokensByNode);
        this.replicationFactor = replicationFactor;
        this.version = version;
        NodeId[] members = tokensByNode.keySet().toArray(new NodeId[0]);
        int total = 0;
        for (long[] nodeTokens : tokensByNode.values()) {
            total += nodeTokens.length;
        }
        // sort (token, member index) pairs packed as indices into parallel arrays
        long[] allTokens = new long[total];
        int[] allOwners = new int[total];
        int next = 0;
        for (int member = 0; member < members.length; member++) {
            for (long token : tokensByNode.get(members[member])) {
                allTokens[next] = token;
                allOwners[next] = member;
                next++;
            }
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> allTokens[a] != allTokens[b] ? Long.compare(allTokens[a], allTokens[b])
                : Integer.compare(allOwners[a], allOwners[b]));
        this.tokens = new long[total];
        int[] owners = new int[total];
        for (int i = 0; i < total; i++) {
            tokens[i] = allTokens[order[i]];
            owners[i] = allOwners[order[i]];
        }
        for (int i = 1; i < total; i++) {
            Invariants.check(tokens[i - 1] <= tokens[i], "a ring's tokens are sorted");
        }
        this.replicasByRange = placeReplicas(owners, members, Math.min(replicationFactor, members.length));
        this.digest = computeDigest(tokensByNode, replicationFactor);
    }

    /** A ring with no members. */
    public static Ring empty() {
        return EMPTY;
    }

    /** Builds a ring of the given members and their tokens; {@code version} is the caller's counter. */
    public static Ring of(Map<NodeId, long[]> tokensByNode, int replicationFactor, long version) {
        if (replicationFactor <= 0) {
            throw new IllegalArgumentException("replication factor must be positive, got " + replicationFactor);
        }
        TreeMap<NodeId, long[]> copy = new TreeMap<>();
        tokensByNode.forEach((node, nodeTokens) -> {
            if (nodeTokens.length > 0) {
                copy.put(node, nodeTokens.clone());
            }
        });
        return new Ring(copy, replicationFactor, version);
    }

    /**
     * The tokens of a node: index 0 is SHA-1 of the node id itself (so one token per node is the
     * seed's ring exactly); index i &gt; 0 is SHA-1 of "id#i". SHA-1 whatever the partitioner of keys:
     * both partitioners spread keys over the whole {@code long} range.
     */
    public static long[] tokensFor(NodeId node, int numTokens) {
        long[] out = new long[numTokens];
        for (int i = 0; i < numTokens; i++) {
            String source = i == 0 ? node.id() : node.id() + "#" + i;
            out[i] = Partitioner.SHA1.token(source.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<List<NodeId>> placeReplicas(int[] owners, NodeId[] members, int replicas) {
        List<List<NodeId>> out = new ArrayList<>(owners.length);
        int[] chosen = new int[replicas];
        for (int start = 0; start < owners.length; start++) {
            int count = 0;
            for (int step = 0; step < owners.length && count < replicas; step++) {
                int owner = owners[(start + step) % owners.length];
                boolean seen = false;
                for (int i = 0; i < count && !seen; i++) {
                    seen = chosen[i] == owner;
                }
                if (!seen) {
                    chosen[count++] = owner;
                }
            }
            NodeId[] list = new NodeId[count];
            for (int i = 0; i < count; i++) {
                list[i] = members[chosen[i]];
            }
            out.add(List.of(list));
        }
        return out;
    }

    private static long computeDigest(Map<NodeId, long[]> tokensByNode, int replicationFactor) {
        long hash = 1125899906842597L + replicationFactor;
        for (Map.Entry<NodeId, long[]> entry : tokensByNode.entrySet()) {
            hash = hash * 31 + entry.getKey().id().hashCode();
            for (long token : entry.getValue()) {
                hash = hash * 31 + Long.hashCode(token);
            }
        }
        return hash;
    }

    /** Index of the range holding {@code token}: the first token at or after it, wrapping to 0. */
    private int rangeIndex(long token) {
        int found = Arrays.binarySearch(tokens, token);
        int index;
        if (found >= 0) {
            index = found;
            while (index > 0 && tokens[index - 1] == token) {
                index--;
            }
        } else {
            index = -found - 1;
        }
        index = index == tokens.length ? 0 : index;
        checkRangeHolds(tokens, index, token);
        return index;
    }

    /**
     * The lookup's assertion: range {@code index} of the sorted {@code tokens}, which runs from
     * the token before it (wrapping) to its own, holds {@code token}. O(1); every request runs it.
     */
    static void checkRangeHolds(long[] tokens, int index, long token) {
        long start = tokens[index == 0 ? tokens.length - 1 : index - 1];
        Invariants.check(TokenRange.contains(start, tokens[index], token), "the ring range found for a token holds it");
    }

    /**
     * The replicas of a key of the key-value API as clients give it (untagged), primary first; empty
     * when the ring has no members.
     */
    public List<NodeId> replicasFor(Partitioner partitioner, byte[] rawKvKey) {
        return replicasForToken(StorageKeys.kvToken(partitioner, rawKvKey));
    }

    /** The replicas of a data store key ({@link StorageKeys}), primary first; empty when the ring has no members. */
    public List<NodeId> replicasForKey(Partitioner partitioner, byte[] storageKey) {
        return replicasForToken(StorageKeys.token(partitioner, storageKey));
    }

    /** The replicas of the range holding {@code token}, primary first. */
    public List<NodeId> replicasForToken(long token) {
        if (tokens.length == 0) {
            return List.of();
        }
        return replicasByRange.get(rangeIndex(token));
    }

    /** Every range of the ring in token order with its replicas. */
    public List<TokenRange> ranges() {
        List<TokenRange> out = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            long start = tokens[(i - 1 + tokens.length) % tokens.length];
            out.add(new TokenRange(start, tokens[i], replicasByRange.get(i)));
        }
        return out;
    }

    /** The ranges {@code node} holds a replica of. */
    public List<TokenRange> rangesReplicatedBy(NodeId node) {
        List<TokenRange> out = new ArrayList<>();
        for (TokenRange range : ranges()) {
            if (range.replicas().contains(node)) {
                out.add(range);
            }
        }
        return out;
    }

    /** Fraction (0..1) of the ring each member is the primary replica of. */
    public Map<NodeId, Double> ownership() {
        TreeMap<NodeId, Double> out = new TreeMap<>();
        tokensByNode.keySet().forEach(node -> out.put(node, 0.0));
        for (TokenRange range : ranges()) {
            out.merge(range.replicas().get(0), range.fractionOfRing(), Double::sum);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Members in id order. */
    public Set<NodeId> members() {
        return tokensByNode.keySet();
    }

    /** The tokens of {@code node} (a copy), or an empty array when it is not a member. */
    public long[] tokensOf(NodeId node) {
        long[] nodeTokens = tokensByNode.get(node);
        return nodeTokens == null ? new long[0] : nodeTokens.clone();
    }

    /** Tokens per member (copies). */
    public Map<NodeId, long[]> tokensByNode() {
        TreeMap<NodeId, long[]> out = new TreeMap<>();
        tokensByNode.forEach((node, nodeTokens) -> out.put(node, nodeTokens.clone()));
        return out;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** The builder's version counter. */
    public long version() {
        return version;
    }

    /** A hash of members, tokens and replication factor: equal rings have equal digests. */
    public long digest() {
        return digest;
    }

    @Override
    public String toString() {
        return "Ring[members=" + tokensByNode.size() + ", tokens=" + tokens.length + ", rf=" + replicationFactor + "]";
    }
}
