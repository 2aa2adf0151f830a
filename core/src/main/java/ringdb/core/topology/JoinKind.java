package ringdb.core.topology;

import ringdb.core.NodeId;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.membership.TokenAllocator;
import ringdb.core.node.NodeConfig;

/**
 * What a joining node joins as: a bootstrap takes new tokens; a replacement takes over the tokens
 * of a dead member. Both then go through the same {@link Join} phases; this says only where they
 * differ (the tokens, the move announced, and the words used to report it).
 */
sealed interface JoinKind {

    /** The kind of join for a node replacing {@code dead}, or a bootstrap when it is null. */
    static JoinKind of(NodeId dead) {
        return dead == null ? new Bootstrap() : new Replace(dead);
    }

    /** "bootstrap" or "replace", for the messages about it. */
    String verb();

    Move.Kind moveKind();

    /** Why it cannot start now (checked before choosing tokens), or null. */
    String refusal(TopologyContext context, MembershipView view);

    /** The tokens this node announces (once it has none persisted). */
    long[] tokens(TopologyContext context, MembershipView view);

    /** The name of the stream session that fetches its ranges. */
    String streamName(NodeId self);

    /** What the node reports while it listens to the ring before choosing its tokens. */
    String waitingMessage(NodeConfig config);

    /** The end of the JOINING and JOINED events ("" or ", replacing ..."). */
    String joiningSuffix();

    /** A new member with tokens of its own, chosen by the configured allocation. */
    record Bootstrap() implements JoinKind {
        @Override
        public String verb() {
            return "bootstrap";
        }

        @Override
        public Move.Kind moveKind() {
            return Move.Kind.JOIN;
        }

        @Override
        public String refusal(TopologyContext context, MembershipView view) {
            return null;
        }

        @Override
        public long[] tokens(TopologyContext context, MembershipView view) {
            NodeConfig config = context.config();
            return TokenAllocator.allocate(config.tokenAllocation(), context.id(), config.numTokens(),
                    view.natural().tokensByNode());
        }

        @Override
        public String streamName(NodeId self) {
            return "bootstrap of " + self;
        }

        @Override
        public String waitingMessage(NodeConfig config) {
            return "waiting " + config.ringDelayMicros() / 1000 + " ms for the ring before bootstrap";
        }

        @Override
        public String joiningSuffix() {
            return "";
        }
    }

    /** Takes over the tokens (and so the ranges) of {@code dead}, a member the ring holds down. */
    record Replace(NodeId dead) implements JoinKind {
        @Override
        public String verb() {
            return "replace";
        }

        @Override
        public Move.Kind moveKind() {
            return Move.Kind.REPLACE;
        }

        @Override
        public String refusal(TopologyContext context, MembershipView view) {
            EndpointState deadState = context.gossipState(dead);
            if (deadState == null) {
                return "cannot replace " + dead + ": gossip knows no node of that id yet";
            }
            if (context.isAlive(dead)) {
                return "cannot replace " + dead + ": it is alive; decommission it instead";
            }
            if (!view.natural().members().contains(dead)) {
                return "cannot replace " + dead + ": it is not a member of the ring";
            }
            return null;
        }

        @Override
        public long[] tokens(TopologyContext context, MembershipView view) {
            return view.natural().tokensOf(dead);
        }

        @Override
        public String streamName(NodeId self) {
            return "replacement of " + dead + " by " + self;
        }

        @Override
        public String waitingMessage(NodeConfig config) {
            return "waiting for the ring before replacing " + dead;
        }

        @Override
        public String joiningSuffix() {
            return ", replacing " + dead;
        }
    }
}
