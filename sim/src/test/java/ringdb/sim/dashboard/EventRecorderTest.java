package ringdb.sim.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.node.NodeEvent;
import ringdb.dashboard.model.MessageView;
import ringdb.dashboard.model.TimelineEntry;
import ringdb.sim.MessageEvent;

class EventRecorderTest {
    private long nowMicros;
    private final EventRecorder recorder = new EventRecorder(() -> nowMicros);
    private final NodeId a = NodeId.of("node1");
    private final NodeId b = NodeId.of("node2");

    @Test
    void aFloodOfHintsIsFoldedSoFailuresStayVisible() {
        recorder.onNodeEvent(new NodeEvent(0, a, NodeEvent.Kind.PEER_DOWN, b, "phi 9"));
        for (int i = 0; i < 1_000; i++) {
            nowMicros = i * 1_000L;
            recorder.onNodeEvent(new NodeEvent(nowMicros, a, NodeEvent.Kind.HINT_STORED, b, "hint " + i));
        }
        nowMicros = EventRecorder.COALESCE_WINDOW_MICROS;
        recorder.onNodeEvent(new NodeEvent(nowMicros, a, NodeEvent.Kind.HINT_STORED, b, "hint last"));
        List<TimelineEntry> timeline = recorder.latestTimeline(10);
        assertThat(timeline).extracting(TimelineEntry::kind).containsExactly("PEER_DOWN", "HINT_STORED", "HINT_STORED");
        assertThat(timeline.get(2).detail()).isEqualTo("hint last (+999 similar)");
    }

    @Test
    void messagesAreKeptOnceTheirFateIsKnownAndHandedOutAsDeltas() {
        recorder.onMessage(new MessageEvent(1, 1, a, b, "GossipSyn", MessageEvent.Outcome.SENT));
        for (int i = 0; i < 500; i++) {
            recorder.onMessage(new MessageEvent(i, i + 5, a, b, "GossipSyn", MessageEvent.Outcome.DELIVERED));
        }
        List<MessageView> first = recorder.messagesAfter(-1, 10, 1_000);
        assertThat(first).hasSize(500);
        assertThat(first.get(0).sequence()).isZero();
        recorder.onMessage(new MessageEvent(600, 600, a, b, "MutationRequest", MessageEvent.Outcome.DROPPED_PARTITION));
        List<MessageView> delta = recorder.messagesAfter(first.get(499).sequence(), 1, 1_000);
        assertThat(delta).extracting(MessageView::outcome).containsExactly("DROPPED_PARTITION");
        assertThat(recorder.messagesAfter(first.get(499).sequence(), 50, 1_000)).hasSize(50)
                .last().extracting(MessageView::type).isEqualTo("MutationRequest");
    }
}
