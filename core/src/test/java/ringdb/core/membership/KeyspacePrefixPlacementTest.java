package ringdb.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.ring.Ring;

/** A keyspace with a smaller replication factor than the cluster's uses the first r replicas, moves included. */
class KeyspacePrefixPlacementTest {
    private static final int RF = 3;
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId D = NodeId.of("d");

    private static Member member(NodeId node, String status) {
        return new Member(node, 1, status, Ring.tokensFor(node, 8), null);
    }

    private static long[] sampleTokens() {
        Random random = new Random(11);
        long[] out = new long[2000];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextLong();
        }
        return out;
    }

    @Test
    void withoutMovesAKeyspaceOfFactorRWritesAndReadsTheFirstRReplicas() {
        MembershipView view = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"),
                member(C, "NORMAL"), member(D, "NORMAL")), RF, 1);
        for (long token : sampleTokens()) {
            List<NodeId> all = view.natural().replicasForToken(token);
            for (int factor = 1; factor <= RF; factor++) {
                assertEquals(all.subList(0, factor), view.writePlan(token, factor).targets());
                assertEquals(0, view.writePlan(token, factor).extraAcks());
                assertEquals(all.subList(0, factor), view.readReplicas(token, factor));
            }
            assertEquals(view.writePlan(token), view.writePlan(token, RF));
        }
    }

    @Test
    void aJoiningNodeIsPendingForAFactorOnlyWhereItWillBeAmongItsFirstReplicas() {
        MembershipView view = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"),
                member(C, "NORMAL"), member(D, "JOINING")), RF, 1);
        Move join = view.moveOf(D);
        Ring future = MembershipView.futureRing(view.natural(), join, 2);
        int pendingForOne = 0;
        for (long token : sampleTokens()) {
            boolean first = future.replicasForToken(token).get(0).equals(D);
            MembershipView.WritePlan plan = view.writePlan(token, 1);
            assertEquals(first, plan.targets().contains(D), "token " + token);
            assertEquals(first ? 1 : 0, plan.extraAcks());
            assertEquals(view.natural().replicasForToken(token).get(0), plan.targets().get(0));
            pendingForOne += first ? 1 : 0;
        }
        assertTrue(pendingForOne > 0, "the joining node is first for some tokens");
    }

    @Test
    void aLeaveMakesTheNextReplicaGainTheRangeOfASmallerFactor() {
        MembershipView view = MembershipView.of(List.of(member(A, "LEAVING"), member(B, "NORMAL"),
                member(C, "NORMAL"), member(D, "NORMAL")), RF, 1);
        Move leave = view.moveOf(A);
        Ring future = MembershipView.futureRing(view.natural(), leave, 2);
        List<Integer> factors = List.of(1, RF);
        Set<NodeId> fullGainers = view.gainers(leave);
        Set<NodeId> gainers = view.gainers(leave, factors);
        assertTrue(gainers.containsAll(fullGainers));
        for (long token : sampleTokens()) {
            List<NodeId> before = view.natural().replicasForToken(token);
            List<NodeId> after = future.replicasForToken(token);
            if (!before.get(0).equals(A)) {
                continue;
            }
            NodeId next = after.get(0);
            // the node after the leaving one was already a replica at RF 3, but holds no RF 1 data yet
            assertTrue(before.contains(next));
            assertTrue(gainers.contains(next));
            assertTrue(covers(view.gains(leave, next, factors), token), "token " + token);
            assertFalse(covers(view.gains(leave, next), token), "at RF 3 only, it gains nothing there");
            MembershipView.WritePlan plan = view.writePlan(token, 1);
            assertEquals(List.of(A, next), plan.targets());
            assertEquals(1, plan.extraAcks());
        }
    }

    @Test
    void theBarrierAlsoHearsFromEachChangedPrefix() {
        MembershipView view = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"),
                member(C, "NORMAL"), member(D, "JOINING")), RF, 1);
        Move join = view.moveOf(D);
        List<List<NodeId>> full = view.affectedReplicaSets(join);
        List<List<NodeId>> withOne = view.affectedReplicaSets(join, List.of(1, RF));
        assertEquals(full, view.affectedReplicaSets(join, List.of(RF)));
        assertTrue(withOne.containsAll(full));
        Set<List<NodeId>> singles = new HashSet<>();
        for (List<NodeId> set : withOne) {
            if (set.size() == 1) {
                singles.add(set);
            }
        }
        assertTrue(singles.contains(List.of(D)), "D becomes the first replica of some ranges: " + singles);
        assertTrue(singles.size() >= 2, "and the first replica it takes over from is a set too: " + singles);
    }

    @Test
    void aJoiningNodeCopiesEachFactorOnlyFromTheReplicasHoldingItAndOnlyAsOftenAsAQuorumNeeds() {
        MembershipView view = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"),
                member(C, "NORMAL"), member(D, "JOINING")), RF, 1);
        Move join = view.moveOf(D);
        Ring future = MembershipView.futureRing(view.natural(), join, 2);
        List<Integer> factors = List.of(1, 2, RF);
        List<MembershipView.Gain> gains = view.gains(join, D, factors);
        int checked = 0;
        for (long token : sampleTokens()) {
            List<NodeId> before = view.natural().replicasForToken(token);
            int afterIndex = future.replicasForToken(token).indexOf(D);
            MembershipView.Gain gain = gains.stream().filter(g -> g.range().contains(token)).findFirst().orElse(null);
            assertEquals(afterIndex >= 0, gain != null, "token " + token);
            if (gain == null) {
                continue;
            }
            checked++;
            for (int factor : factors) {
                List<NodeId> holders = before.subList(0, factor);
                int copies = 0;
                for (MembershipView.Fetch fetch : gain.fetches()) {
                    if (fetch.factorMin() <= factor && factor <= fetch.factorMax()) {
                        copies++;
                        assertTrue(holders.containsAll(fetch.sources()), fetch + " copies factor " + factor
                                + " from sources that hold it: " + holders);
                        assertFalse(fetch.sources().isEmpty());
                    }
                }
                // a factor D is not among the first replicas of after the join is not copied at all
                assertEquals(factor > afterIndex ? factor - factor / 2 : 0, copies, "factor " + factor + " of "
                        + gain);
            }
            // at most RF - RF/2 copies of a range, against one whole copy from each of the RF replicas before
            assertTrue(gain.fetches().size() <= RF - RF / 2, gain.toString());
        }
        assertTrue(checked > 0);
        // with the cluster's factor only: every key from the sources, RF - RF/2 copies, as without keyspaces
        for (MembershipView.Gain gain : view.gains(join, D)) {
            assertEquals(RF - RF / 2, gain.fetches().size());
            assertTrue(gain.fetches().stream().allMatch(fetch -> fetch.everyFactor()
                    && fetch.sources().equals(gain.sources())));
        }
    }

    @Test
    void theNextReplicaOfALeavingNodeCopiesTheSmallerFactorFromItAlone() {
        assertTheNextReplicaCopiesFactorOneFrom("LEAVING", List.of(A));
    }

    @Test
    void aFactorWhoseOnlyHolderIsRemovedHasNoSource() {
        assertTheNextReplicaCopiesFactorOneFrom("REMOVING", List.of());
    }

    /**
     * With A departing ({@code status}), the node after A in each of A's first ranges holds the
     * factor-3 keys already and copies only the factor-1 keys, from {@code sources}.
     */
    private static void assertTheNextReplicaCopiesFactorOneFrom(String status, List<NodeId> sources) {
        MembershipView view = MembershipView.of(List.of(member(A, status), member(B, "NORMAL"),
                member(C, "NORMAL"), member(D, "NORMAL")), RF, 1);
        Move move = view.moveOf(A);
        Ring future = MembershipView.futureRing(view.natural(), move, 2);
        int checked = 0;
        for (long token : sampleTokens()) {
            if (!view.natural().replicasForToken(token).get(0).equals(A)) {
                continue;
            }
            NodeId next = future.replicasForToken(token).get(0);
            MembershipView.Gain gain = view.gains(move, next, List.of(1, RF)).stream()
                    .filter(g -> g.range().contains(token)).findFirst().orElseThrow();
            assertEquals(List.of(new MembershipView.Fetch(1, 1, sources, 0)), gain.fetches());
            checked++;
        }
        assertTrue(checked > 0);
    }

    private static boolean covers(List<MembershipView.Gain> gains, long token) {
        for (MembershipView.Gain gain : gains) {
            if (gain.range().contains(token)) {
                return true;
            }
        }
        return false;
    }
}
