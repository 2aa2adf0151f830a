package ringdb.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.ring.Ring;

class MembershipViewTest {
    private static final int RF = 2;
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId D = NodeId.of("d");

    private static Member member(NodeId node, String status) {
        return new Member(node, 1, status, Ring.tokensFor(node, 8), null);
    }

    private static MembershipView view(Member... members) {
        return MembershipView.of(List.of(members), RF, 1);
    }

    private static List<Long> sampleTokens() {
        Random random = new Random(5);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            out.add(random.nextLong());
        }
        return out;
    }

    @Test
    void aJoiningNodeIsPendingExactlyWhereItWillBeAReplica() {
        MembershipView view = view(member(A, "NORMAL"), member(B, "NORMAL"), member(C, "NORMAL"), member(D, "JOINING"));
        assertEquals(Set.of(A, B, C), view.natural().members());
        Move join = view.moveOf(D);
        assertEquals(Move.Kind.JOIN, join.kind());
        Ring future = MembershipView.futureRing(view.natural(), join, 2);
        for (long token : sampleTokens()) {
            boolean willReplicate = future.replicasForToken(token).contains(D);
            MembershipView.WritePlan plan = view.writePlan(token);
            assertEquals(willReplicate, plan.targets().contains(D), "token " + token);
            assertEquals(willReplicate ? 1 : 0, plan.extraAcks());
            assertTrue(plan.targets().containsAll(view.natural().replicasForToken(token)));
        }
        assertEquals(Set.of(D), view.gainers(join));
        for (MembershipView.Gain gain : view.gains(join, D)) {
            List<NodeId> before = view.natural().replicasForToken(gain.endTokenInclusive());
            List<NodeId> after = future.replicasForToken(gain.endTokenInclusive());
            assertEquals(Set.copyOf(before), Set.copyOf(gain.sources()));
            // the replica that gives the range up comes first: it may hold writes acknowledged at ONE alone
            assertFalse(after.contains(gain.sources().get(0)), "first source of " + gain + " keeps the range");
        }
    }

    @Test
    void aLeavingNodeStillServesWhileItsSuccessorsArePending() {
        MembershipView view = view(member(A, "NORMAL"), member(B, "LEAVING"), member(C, "NORMAL"), member(D, "NORMAL"));
        assertEquals(Set.of(A, B, C, D), view.natural().members());
        Move leave = view.moveOf(B);
        Set<NodeId> gainers = view.gainers(leave);
        assertTrue(!gainers.isEmpty() && !gainers.contains(B));
        for (NodeId gainer : gainers) {
            for (MembershipView.Gain gain : view.gains(leave, gainer)) {
                assertEquals(B, gain.sources().get(0), "the leaving node is the first source");
            }
        }
    }

    @Test
    void aRemovedNodeIsNoSourceAndItsSuccessorTakesItsPlaceOnWrites() {
        MembershipView view = view(member(A, "NORMAL"), member(B, "REMOVING"), member(C, "NORMAL"),
                member(D, "NORMAL"));
        Move remove = view.moveOf(B);
        assertEquals(Move.Kind.REMOVE, remove.kind());
        for (NodeId gainer : view.gainers(remove)) {
            for (MembershipView.Gain gain : view.gains(remove, gainer)) {
                assertTrue(!gain.sources().contains(B) && !gain.sources().isEmpty());
            }
        }
        for (long token : sampleTokens()) {
            MembershipView.WritePlan plan = view.writePlan(token);
            assertTrue(!plan.targets().contains(B) || !view.natural().replicasForToken(token).contains(B));
            assertEquals(0, plan.extraAcks());
            assertEquals(RF, plan.targets().size());
        }
        MembershipView removed = view(member(A, "NORMAL"), member(B, "REMOVED"), member(C, "NORMAL"),
                member(D, "NORMAL"));
        assertEquals(Set.of(A, C, D), removed.natural().members());
        assertTrue(removed.moves().isEmpty());
    }

    @Test
    void aReplacementTakesTheDeadNodesTokensAndThenItsPlace() {
        long[] deadTokens = Ring.tokensFor(B, 8);
        Member replacing = new Member(D, 1, "JOINING", deadTokens, B);
        MembershipView during = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"), member(C, "NORMAL"),
                replacing), RF, 1);
        Move replace = during.moveOf(D);
        assertEquals(Move.Kind.REPLACE, replace.kind());
        assertEquals(Set.of(D), during.gainers(replace));
        Member replaced = new Member(D, 1, "NORMAL", deadTokens, B);
        MembershipView after = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"), member(C, "NORMAL"),
                replaced), RF, 2);
        assertEquals(Set.of(A, C, D), after.natural().members());
        Member replacementRemoved = new Member(D, 1, "REMOVED", deadTokens, B);
        MembershipView later = MembershipView.of(List.of(member(A, "NORMAL"), member(B, "NORMAL"), member(C, "NORMAL"),
                replacementRemoved), RF, 3);
        assertEquals(Set.of(A, C), later.natural().members(), "a replaced node never comes back into the ring");
        assertEquals(Set.of(B), later.replaced());
    }

    @Test
    void aNodeThatMovedAwayAndBackHoldsItsPlaceUnderTheIdItStartedWithLast() {
        long[] tokens = Ring.tokensFor(B, 8);
        Member movedAway = new Member(D, 5, "NORMAL", tokens, B);
        Member formerId = new Member(B, 1, "NORMAL", tokens, null);
        MembershipView away = MembershipView.of(List.of(member(A, "NORMAL"), formerId, member(C, "NORMAL"), movedAway),
                RF, 1);
        assertEquals(Set.of(A, C, D), away.natural().members());
        Member movedBack = new Member(B, 9, "NORMAL", tokens, D);
        MembershipView back = MembershipView.of(List.of(member(A, "NORMAL"), movedBack, member(C, "NORMAL"), movedAway),
                RF, 2);
        assertEquals(Set.of(A, B, C), back.natural().members(), "the later start wins the claims round the circle");
        assertEquals(Set.of(D), back.replaced());
        Member thirdAddress = new Member(NodeId.of("e"), 12, "NORMAL", tokens, B);
        MembershipView again = MembershipView.of(List.of(member(A, "NORMAL"), movedBack, member(C, "NORMAL"),
                movedAway, thirdAddress), RF, 3);
        assertEquals(Set.of(A, C, NodeId.of("e")), again.natural().members());
        assertEquals(Set.of(B, D), again.replaced());
    }

    @Test
    void overlappingMovesConflictAndDisjointOnesDoNot() {
        MembershipView view = view(member(A, "NORMAL"), member(B, "NORMAL"), member(C, "NORMAL"), member(D, "JOINING"));
        String conflict = view.conflict(new Move(Move.Kind.LEAVE, A, null, 1, Ring.tokensFor(A, 8)));
        assertNotNull(conflict);
        assertEquals("d joining changes the replicas of some of the same ranges; wait until it finishes", conflict);
        MembershipView quiet = view(member(A, "NORMAL"), member(B, "NORMAL"), member(C, "NORMAL"));
        assertNull(quiet.conflict(new Move(Move.Kind.LEAVE, A, null, 1, Ring.tokensFor(A, 8))));
    }
}
