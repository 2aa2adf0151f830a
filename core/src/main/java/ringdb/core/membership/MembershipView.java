package ringdb.core.membership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.ring.Ring;
import ringdb.core.ring.TokenRange;

/**
 * The ring as gossip describes it: the natural ring (members that serve reads: NORMAL, LEAVING and
 * REMOVING nodes) and the membership changes in progress, each with the ring it leads to. A node
 * that gains ranges through a move is a pending replica of them: it receives the writes for them
 * (so none made during the move is missed) but serves no reads until the move completes.
 *
 * <p>Immutable; built afresh whenever a member's status, tokens or replacement claim changes.
 */
public final class MembershipView {
    private final Ring natural;
    private final List<Move> moves;
    private final List<Ring> futures;
    private final int replicationFactor;
    private final Set<NodeId> replaced;
    private final long epoch;
    private final Ring readRing;

    private MembershipView(Ring natural, List<Move> moves, List<Ring> futures, int replicationFactor,
                           Set<NodeId> replaced) {
        this.replaced = Set.copyOf(replaced);
        this.natural = natural;
        this.moves = List.copyOf(moves);
        this.futures = List.copyOf(futures);
        this.replicationFactor = replicationFactor;
        this.epoch = computeEpoch(natural, this.moves);
        Ring reads = natural;
        for (int i = 0; i < this.moves.size(); i++) {
            if (this.moves.get(i).readsMoved()) {
                reads = futureRing(reads, this.moves.get(i), natural.version());
            }
        }
        this.readRing = reads;
    }

    /**
     * The ring reads are planned with: the natural ring, with every move that reached its second
     * step (reads moved to the replicas after the move: a join or replacement that streamed, a leave
     * or removal whose gainers all streamed) applied.
     */
    public Ring readRing() {
        return readRing;
    }

    /**
     * The ring epoch: a 64-bit fingerprint of everything a coordinator plans requests with (the
     * natural ring's members, tokens and replication factor, and each move in progress: its kind,
     * subject, replaced node and tokens; not generations or liveness). Every node whose gossip shows
     * the same ring changes computes the same epoch; a change of the ring changes it.
     */
    private static long computeEpoch(Ring natural, List<Move> moves) {
        long hash = natural.digest();
        for (Move move : moves) {
            hash = hash * 1_000_003L + move.kind().ordinal() * 2L + (move.readsMoved() ? 1 : 0);
            hash = hash * 31 + move.subject().id().hashCode();
            hash = hash * 31 + (move.replaced() == null ? 0 : move.replaced().id().hashCode());
            for (long token : move.tokens()) {
                hash = hash * 31 + Long.hashCode(token);
            }
        }
        return hash == 0 ? 1 : hash; // 0 marks a request that is not checked against the ring
    }

    /** The ring epoch (see {@link #computeEpoch}): requests carry it, replicas compare it with theirs. */
    public long epoch() {
        return epoch;
    }

    /** An empty view. */
    public static MembershipView empty(int replicationFactor) {
        return new MembershipView(Ring.empty(), List.of(), List.of(), replicationFactor, Set.of());
    }

    /** Builds the view of {@code members}; {@code version} becomes the natural ring's version. */
    public static MembershipView of(Collection<Member> members, int replicationFactor, long version) {
        Set<NodeId> replaced = replacedNodes(members);
        TreeMap<NodeId, long[]> ring = new TreeMap<>();
        List<Move> moves = new ArrayList<>();
        for (Member member : members) {
            if (member.tokens().length == 0 || replaced.contains(member.node())) {
                continue;
            }
            if (isNatural(member.status())) {
                ring.put(member.node(), member.tokens());
            }
            Move move = moveOf(member);
            if (move != null) {
                moves.add(move);
            }
        }
        Ring natural = Ring.of(ring, replicationFactor, version);
        List<Move> active = new ArrayList<>();
        List<Ring> futures = new ArrayList<>();
        for (Move move : moves) {
            if (move.kind() != Move.Kind.REPLACE || natural.members().contains(move.replaced())) {
                active.add(move);
                futures.add(futureRing(natural, move, version));
            }
        }
        return new MembershipView(natural, active, futures, replicationFactor, replaced);
    }

    /**
     * The nodes whose place another member took. A replacement that finished stays final, even once
     * the replacing node itself leaves or is removed. One exception: a node that moved to a new
     * address replaces its former id, and if it later moves back, the two ids claim each other (or,
     * after more moves, claim round in a circle); then the claim made by the earlier generation
     * gives way to the node it claims, which started later.
     */
    private static Set<NodeId> replacedNodes(Collection<Member> members) {
        Map<NodeId, Member> byNode = new HashMap<>();
        for (Member member : members) {
            byNode.put(member.node(), member);
        }
        Set<NodeId> replaced = new TreeSet<>();
        for (Member member : members) {
            if (claimsReplacement(member) && !claimCameBack(member, byNode)) {
                replaced.add(member.replacing());
            }
        }
        return replaced;
    }

    private static boolean claimsReplacement(Member member) {
        return member.replacing() != null && !member.status().equals("JOINING") && !member.status().equals("STARTING")
                && !member.status().isEmpty();
    }

    /** Whether the node {@code member} replaces started later and, through its own claims, replaces it. */
    private static boolean claimCameBack(Member member, Map<NodeId, Member> byNode) {
        Member claimed = byNode.get(member.replacing());
        if (claimed == null || claimed.generation() <= member.generation()) {
            return false;
        }
        Member next = claimed;
        for (int step = 0; step < byNode.size() && next != null && claimsReplacement(next); step++) {
            if (next.replacing().equals(member.node())) {
                return true;
            }
            next = byNode.get(next.replacing());
        }
        return false;
    }

    private static boolean isNatural(String status) {
        return status.equals("NORMAL") || status.equals("LEAVING") || status.equals("REMOVING")
                || status.equals("SHUTDOWN");
    }

    private static Move moveOf(Member member) {
        switch (member.status()) {
            case "JOINING":
                return member.replacing() == null
                        ? new Move(Move.Kind.JOIN, member.node(), null, member.generation(), member.tokens(),
                                member.readsMoved())
                        : new Move(Move.Kind.REPLACE, member.node(), member.replacing(), member.generation(),
                                member.tokens(), member.readsMoved());
            case "LEAVING":
                return new Move(Move.Kind.LEAVE, member.node(), null, member.generation(), member.tokens(),
                        member.readsMoved());
            case "REMOVING":
                return new Move(Move.Kind.REMOVE, member.node(), null, member.generation(), member.tokens(),
                        member.readsMoved());
            default:
                return null;
        }
    }

    /** The ring {@code move} leads to from {@code natural}. */
    public static Ring futureRing(Ring natural, Move move, long version) {
        Map<NodeId, long[]> tokens = natural.tokensByNode();
        switch (move.kind()) {
            case JOIN -> tokens.put(move.subject(), move.tokens());
            case LEAVE, REMOVE -> tokens.remove(move.subject());
            case REPLACE -> {
                tokens.remove(move.replaced());
                tokens.put(move.subject(), move.tokens());
            }
            default -> throw new IllegalStateException("unknown move kind " + move.kind());
        }
        return Ring.of(tokens, natural.replicationFactor(), version);
    }

    /** Nodes whose tokens another node took over (they are out of the ring for good). */
    public Set<NodeId> replaced() {
        return replaced;
    }

    /** The ring that serves reads. */
    public Ring natural() {
        return natural;
    }

    /** The moves in progress, in member order. */
    public List<Move> moves() {
        return moves;
    }

    /** The move whose subject is {@code node}, or null. */
    public Move moveOf(NodeId node) {
        for (Move move : moves) {
            if (move.subject().equals(node)) {
                return move;
            }
        }
        return null;
    }

    /** Nodes that must also receive writes for {@code token}: future replicas that are not natural ones. */
    public List<NodeId> pendingReplicasForToken(long token) {
        if (moves.isEmpty()) {
            return List.of();
        }
        List<NodeId> current = natural.replicasForToken(token);
        LinkedHashSet<NodeId> pending = new LinkedHashSet<>();
        for (Ring future : futures) {
            for (NodeId replica : future.replicasForToken(token)) {
                if (!current.contains(replica)) {
                    pending.add(replica);
                }
            }
        }
        return List.copyOf(pending);
    }

    /**
     * Where a write for {@code token} goes: the natural replicas, minus dead nodes being removed or
     * replaced (their successors take their place), plus the pending replicas. {@code extraAcks}
     * is how many acknowledgements the coordinator needs on top of the consistency level: one per
     * pending replica that does not take the place of such a departing node, so the consistency
     * level holds both in the ring before and in the ring after the move.
     */
    public WritePlan writePlan(long token) {
        return writePlan(token, replicationFactor);
    }

    /**
     * {@link #writePlan(long)} for a keyspace with replication factor {@code factor} (at most the
     * ring's): the same rule applied to the first {@code factor} replicas of the natural ring and of
     * each future ring. A node counts as pending only if it is among the first {@code factor}
     * replicas of a future ring and not among the first {@code factor} natural ones.
     */
    public WritePlan writePlan(long token, int factor) {
        List<NodeId> current = prefix(natural.replicasForToken(token), factor);
        if (moves.isEmpty()) {
            return new WritePlan(current, 0);
        }
        LinkedHashSet<NodeId> pending = new LinkedHashSet<>();
        Set<NodeId> departing = new HashSet<>();
        for (int i = 0; i < moves.size(); i++) {
            boolean gains = false;
            for (NodeId replica : prefix(futures.get(i).replicasForToken(token), factor)) {
                if (!current.contains(replica)) {
                    pending.add(replica);
                    gains = true;
                }
            }
            NodeId leaving = moves.get(i).departing();
            if (gains && leaving != null && current.contains(leaving)) {
                departing.add(leaving);
            }
        }
        List<NodeId> targets = new ArrayList<>();
        for (NodeId replica : current) {
            if (!departing.contains(replica)) {
                targets.add(replica);
            }
        }
        targets.addAll(pending);
        return new WritePlan(targets, Math.max(0, pending.size() - departing.size()));
    }

    /** The replicas that serve reads of {@code token} for a keyspace with replication factor {@code factor}. */
    public List<NodeId> readReplicas(long token, int factor) {
        return prefix(readRing.replicasForToken(token), factor);
    }

    /** The first {@code factor} of {@code replicas} (all of them when there are no more). */
    public static List<NodeId> prefix(List<NodeId> replicas, int factor) {
        return replicas.size() <= factor ? replicas : replicas.subList(0, factor);
    }

    /** The nodes a write goes to and the acknowledgements needed beyond the consistency level. */
    public record WritePlan(List<NodeId> targets, int extraAcks) {
        public WritePlan {
            targets = List.copyOf(targets);
        }
    }

    /** The ranges {@code node} gains through {@code move}, each with the natural replicas to copy it from. */
    public List<Gain> gains(Move move, NodeId node) {
        return gains(move, node, List.of(replicationFactor));
    }

    /**
     * The ranges {@code node} gains through {@code move} for any of the replication factors {@code
     * factors} (ascending, each at most the ring's): those where it is among the first r replicas
     * after the move and not before it, for some r of them. A node already a replica of a range may
     * gain it for a smaller factor (it moves up the list when a node before it leaves). Each gain
     * says which factors to copy from which sources ({@link Gain#fetches}).
     */
    public List<Gain> gains(Move move, NodeId node, List<Integer> factors) {
        Ring future = futures.get(indexOf(move));
        List<Gain> out = new ArrayList<>();
        for (TokenRange piece : elementaryRanges(natural, future)) {
            List<NodeId> before = natural.replicasForToken(piece.endTokenInclusive());
            List<NodeId> after = future.replicasForToken(piece.endTokenInclusive());
            if (gainsFor(node, before, after, factors)) {
                List<NodeId> sources = sourcesOf(move, before, after, node);
                List<Fetch> fetches = fetches(node, before, after, sources, factors);
                Gain last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.endTokenInclusive() == piece.startTokenExclusive()
                        && last.sources().equals(sources) && last.fetches().equals(fetches)) {
                    out.set(out.size() - 1, new Gain(last.startTokenExclusive(), piece.endTokenInclusive(), sources,
                            fetches));
                } else {
                    out.add(new Gain(piece.startTokenExclusive(), piece.endTokenInclusive(), sources, fetches));
                }
            }
        }
        return out;
    }

    /**
     * What {@code node} copies of a range it gains, given the range's replicas {@code before} and
     * {@code after} the move and its {@code sources} (best first): the keys of every factor r it lacks
     * (it is among the first r after the move, not before), each from r - r/2 of the sources that hold
     * it (among the first r before the move: enough that every write acknowledged at QUORUM for r is
     * among them). Copy k takes every factor that needs more than k copies, from the sources holding
     * the smallest of them; a factor no source holds is a fetch without sources (its data is lost). With
     * one factor: the cluster's r - r/2 copies of every key from every source, as without keyspaces.
     */
    private static List<Fetch> fetches(NodeId node, List<NodeId> before, List<NodeId> after, List<NodeId> sources,
                                       List<Integer> factors) {
        int afterIndex = after.indexOf(node);
        int beforeIndex = before.indexOf(node);
        int factorMax = beforeIndex < 0 ? Fetch.EVERY_FACTOR_MAX : beforeIndex;
        List<Integer> needed = new ArrayList<>();
        for (int factor : factors) {
            if (factor > afterIndex && factor <= factorMax) {
                needed.add(factor);
            }
        }
        List<Fetch> out = new ArrayList<>();
        for (int factor : needed) {
            if (holders(before, sources, factor).isEmpty()) {
                out.add(new Fetch(factor, factor, List.of(), 0));
            }
        }
        for (int copy = 0; ; copy++) {
            Integer smallest = null;
            for (int factor : needed) {
                if (copy < Math.min(factor - factor / 2, holders(before, sources, factor).size())) {
                    smallest = factor;
                    break;
                }
            }
            if (smallest == null) {
                return out;
            }
            int factorMin = smallest <= factors.get(0) ? Fetch.EVERY_FACTOR_MIN : smallest;
            out.add(new Fetch(factorMin, factorMax, holders(before, sources, smallest), copy));
        }
    }

    /** The {@code sources} (in their order) among the first {@code factor} replicas of {@code before}. */
    private static List<NodeId> holders(List<NodeId> before, List<NodeId> sources, int factor) {
        List<NodeId> prefix = prefix(before, factor);
        List<NodeId> out = new ArrayList<>();
        for (NodeId source : sources) {
            if (prefix.contains(source)) {
                out.add(source);
            }
        }
        return out;
    }

    private static boolean gainsFor(NodeId node, List<NodeId> before, List<NodeId> after, List<Integer> factors) {
        for (int factor : factors) {
            if (prefix(after, factor).contains(node) && !prefix(before, factor).contains(node)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The natural replicas to copy a gained range from, best first: those that give the range up
     * in the future ring come first (a leaving node first of all). A write acknowledged by fewer
     * replicas than a quorum (at ONE) may sit on that replica alone; it keeps no copy once the move
     * completes, so any other source would leave the write nowhere among the future replicas.
     */
    private static List<NodeId> sourcesOf(Move move, List<NodeId> naturalReplicas, List<NodeId> futureReplicas,
                                          NodeId node) {
        List<NodeId> sources = new ArrayList<>();
        if (move.kind() == Move.Kind.LEAVE && naturalReplicas.contains(move.subject())) {
            sources.add(move.subject());
        }
        for (boolean givingUp : new boolean[] {true, false}) {
            for (NodeId replica : naturalReplicas) {
                if (!replica.equals(node) && !replica.equals(move.departing()) && !sources.contains(replica)
                        && futureReplicas.contains(replica) != givingUp) {
                    sources.add(replica);
                }
            }
        }
        return sources;
    }

    /** Every node that gains ranges through {@code move}. */
    public Set<NodeId> gainers(Move move) {
        return gainers(move, List.of(replicationFactor));
    }

    /** Every node that gains ranges through {@code move} for any of the replication factors {@code factors}. */
    public Set<NodeId> gainers(Move move, List<Integer> factors) {
        Ring future = futures.get(indexOf(move));
        TreeSet<NodeId> out = new TreeSet<>();
        for (TokenRange piece : elementaryRanges(natural, future)) {
            List<NodeId> before = natural.replicasForToken(piece.endTokenInclusive());
            for (NodeId replica : future.replicasForToken(piece.endTokenInclusive())) {
                if (gainsFor(replica, before, future.replicasForToken(piece.endTokenInclusive()), factors)) {
                    out.add(replica);
                }
            }
        }
        return out;
    }

    /**
     * The replica sets a progress barrier of {@code move} must hear from: for every range whose
     * replicas the move changes, its replicas in the ring before the move and in the ring after it
     * (each set once, in ring order). A coordinator may use a quorum of any of them while the move
     * is under way, so each must have learned a step before the next one starts.
     */
    public List<List<NodeId>> affectedReplicaSets(Move move) {
        return affectedReplicaSets(move, List.of(replicationFactor));
    }

    /**
     * {@link #affectedReplicaSets(Move)} for keyspaces with each of the replication factors {@code
     * factors}: also the first r replicas before and after the move, for each such r, where they
     * differ. A quorum of a prefix need not meet a quorum of the whole list (r = 1 of 3), so each
     * prefix is a set of its own.
     */
    public List<List<NodeId>> affectedReplicaSets(Move move, List<Integer> factors) {
        Ring future = futures.get(indexOf(move));
        LinkedHashSet<List<NodeId>> out = new LinkedHashSet<>();
        for (TokenRange piece : elementaryRanges(natural, future)) {
            List<NodeId> before = natural.replicasForToken(piece.endTokenInclusive());
            List<NodeId> after = future.replicasForToken(piece.endTokenInclusive());
            if (!new HashSet<>(before).equals(new HashSet<>(after))) {
                out.add(before);
                out.add(after);
                for (int factor : factors) {
                    List<NodeId> was = prefix(before, factor);
                    List<NodeId> will = prefix(after, factor);
                    if (factor < replicationFactor && !new HashSet<>(was).equals(new HashSet<>(will))) {
                        out.add(List.copyOf(was));
                        out.add(List.copyOf(will));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The step ids of the moves in progress, sorted and comma-separated: what this view acknowledges. */
    public String moveIds() {
        TreeSet<String> ids = new TreeSet<>();
        for (Move move : moves) {
            ids.add(move.stepId());
        }
        return String.join(",", ids);
    }

    /**
     * Why {@code candidate} may not start now, or null when it may: another move in progress changes
     * the replicas of some of the same ranges.
     */
    public String conflict(Move candidate) {
        return conflict(candidate, move -> true);
    }

    /** As {@link #conflict(Move)}, looking only at the moves {@code considered} accepts. */
    public String conflict(Move candidate, Predicate<Move> considered) {
        List<TokenRange> mine = affectedRanges(natural, futureRing(natural, candidate, 0));
        for (int i = 0; i < moves.size(); i++) {
            Move other = moves.get(i);
            if (other.subject().equals(candidate.subject()) || !considered.test(other)) {
                continue;
            }
            List<TokenRange> theirs = affectedRanges(natural, futures.get(i));
            if (overlap(mine, theirs)) {
                return other.describe() + " changes the replicas of some of the same ranges; wait until it"
                        + " finishes";
            }
        }
        return null;
    }

    private static List<TokenRange> affectedRanges(Ring before, Ring after) {
        List<TokenRange> out = new ArrayList<>();
        for (TokenRange piece : elementaryRanges(before, after)) {
            Set<NodeId> was = new HashSet<>(before.replicasForToken(piece.endTokenInclusive()));
            Set<NodeId> will = new HashSet<>(after.replicasForToken(piece.endTokenInclusive()));
            if (!was.equals(will)) {
                out.add(piece);
            }
        }
        return out;
    }

    private static boolean overlap(List<TokenRange> a, List<TokenRange> b) {
        for (TokenRange x : a) {
            for (TokenRange y : b) {
                if (intersects(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Two ring ranges (start, end] intersect when either holds the other's end token. */
    static boolean intersects(TokenRange x, TokenRange y) {
        return x.contains(y.endTokenInclusive()) || y.contains(x.endTokenInclusive());
    }

    /** The ranges between consecutive tokens of both rings together. */
    static List<TokenRange> elementaryRanges(Ring a, Ring b) {
        TreeSet<Long> all = new TreeSet<>();
        for (Ring ring : List.of(a, b)) {
            for (long[] tokens : ring.tokensByNode().values()) {
                for (long token : tokens) {
                    all.add(token);
                }
            }
        }
        if (all.isEmpty()) {
            return List.of();
        }
        List<TokenRange> out = new ArrayList<>(all.size());
        long previous = all.last();
        for (long token : all) {
            out.add(new TokenRange(previous, token, List.of()));
            previous = token;
        }
        return out;
    }

    private int indexOf(Move move) {
        int index = moves.indexOf(move);
        if (index < 0) {
            throw new IllegalArgumentException(move + " is not in progress");
        }
        return index;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** Moves in progress as operators read them. */
    public List<String> describeMoves() {
        List<String> out = new ArrayList<>();
        for (Move move : moves) {
            out.add(move.describe());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A range a node gains through a move, the natural replicas holding its data (best first), and
     * what to copy from which of them ({@link Fetch}); no fetches: every key from {@code sources}, as
     * many copies as the stream session's {@code sourcesPerRange}.
     */
    public record Gain(long startTokenExclusive, long endTokenInclusive, List<NodeId> sources, List<Fetch> fetches) {
        public Gain {
            sources = List.copyOf(sources);
            fetches = List.copyOf(fetches);
        }

        public Gain(long startTokenExclusive, long endTokenInclusive, List<NodeId> sources) {
            this(startTokenExclusive, endTokenInclusive, sources, List.of());
        }

        public TokenRange range() {
            return new TokenRange(startTokenExclusive, endTokenInclusive, sources);
        }
    }

    /**
     * One copy of a gained range: the keys placed with a replication factor from {@code factorMin} to
     * {@code factorMax} ({@link #EVERY_FACTOR_MIN}..{@link #EVERY_FACTOR_MAX}: every key), from the
     * first live of {@code sources} starting at the {@code copy}-th (each holds all those keys); no
     * sources: no node holds those keys any more.
     */
    public record Fetch(int factorMin, int factorMax, List<NodeId> sources, int copy) {
        /** The lowest factor of the band that holds every key. */
        public static final int EVERY_FACTOR_MIN = 1;
        /** The highest factor of the band that holds every key. */
        public static final int EVERY_FACTOR_MAX = Integer.MAX_VALUE;

        public Fetch {
            sources = List.copyOf(sources);
        }

        /** Whether this copy takes every key. */
        public boolean everyFactor() {
            return factorMin == EVERY_FACTOR_MIN && factorMax == EVERY_FACTOR_MAX;
        }
    }
}
