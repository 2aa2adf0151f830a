package ringdb.core.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.message.Message;
import ringdb.core.message.MutationResponse;

class RequestRegistryTest {
    private static final NodeId REPLICA = NodeId.of("replica");

    private static final class Waiting implements RequestRegistry.ResponseHandler {
        final List<NodeId> heard = new ArrayList<>();

        @Override
        public void onResponse(NodeId from, Message message) {
            heard.add(from);
        }

        @Override
        public void abort(String reason) {
        }

        @Override
        public boolean expects(NodeId from) {
            return from.equals(REPLICA);
        }
    }

    private static List<Long> ids(long seed, int count) {
        RequestRegistry registry = new RequestRegistry(seed);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(registry.register(new Waiting()));
        }
        return ids;
    }

    @Test
    void idsRepeatForOneSeedAndDifferAcrossSeeds() {
        assertThat(ids(42, 100)).isEqualTo(ids(42, 100)).doesNotHaveDuplicates().doesNotContain(0L);
        assertThat(ids(43, 100)).doesNotContainAnyElementsOf(ids(42, 100));
        List<Long> ids = ids(7, 2);
        assertThat(ids.get(1) - ids.get(0)).as("the next id is not the last plus one").isNotEqualTo(1);
    }

    @Test
    void aResponseFromANodeTheRequestDidNotGoToIsDroppedAndCounted() {
        RequestRegistry registry = new RequestRegistry(1);
        Waiting waiting = new Waiting();
        long id = registry.register(waiting);
        registry.dispatch(NodeId.of("intruder"), id, new MutationResponse(id, ""));
        registry.dispatch(REPLICA, id, new MutationResponse(id, ""));
        registry.dispatch(REPLICA, id + 1, new MutationResponse(id + 1, ""));
        assertThat(waiting.heard).containsExactly(REPLICA);
        assertThat(registry.unexpectedResponses()).isEqualTo(1);
    }
}
