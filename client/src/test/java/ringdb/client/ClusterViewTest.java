package ringdb.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.Ring;

class ClusterViewTest {
    private static final List<String> NODES = List.of("127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002");

    private static Ring ring() {
        Map<NodeId, long[]> tokens = new LinkedHashMap<>();
        NODES.forEach(n -> tokens.put(NodeId.of(n), Ring.tokensFor(NodeId.of(n), 16)));
        return Ring.of(tokens, 2, 1);
    }

    /** The JSON a node would serve for {@link #ring()}, HTTP port = internode port + 1000. */
    private static JsonNode clusterJson(Ring ring) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("replication_factor", ring.replicationFactor());
        ArrayNode members = root.putArray("members");
        for (String node : NODES) {
            ObjectNode member = members.addObject();
            member.put("id", node);
            member.put("state", "NORMAL");
            member.put("up", true);
            member.put("http", http(node));
            ArrayNode tokens = member.putArray("tokens");
            for (long token : ring.tokensOf(NodeId.of(node))) {
                tokens.add(token);
            }
        }
        return root;
    }

    private static String http(String internode) {
        return "127.0.0.1:" + (Integer.parseInt(internode.substring(internode.indexOf(':') + 1)) + 1000);
    }

    @Property(tries = 300)
    void routesEveryKeyToTheReplicasTheNodesThemselvesCompute(@ForAll @Size(min = 1, max = 40) String key) {
        Ring ring = ring();
        ClusterView view = ClusterView.fromJson(clusterJson(ring));
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        List<String> expected = ring.replicasFor(Partitioner.SHA1, bytes).stream().map(id -> http(id.id())).toList();
        assertThat(view.replicasFor(bytes)).containsExactlyElementsOf(expected);
        assertThat(view.primaryFor(bytes)).isEqualTo(expected.get(0));
    }

    @Test
    void emptyClusterHasNoReplicas() {
        ClusterView view = ClusterView.fromJson(new ObjectMapper().createObjectNode());
        assertThat(view.replicasFor("k".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(view.primaryFor("k".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Property(tries = 300)
    void keyPathsEncodeAnyBytesAsUnreservedCharactersAndEscapes(@ForAll byte[] key) {
        // that the node decodes it back to the same bytes is the server's KeyPathsTest
        assertThat(KeyPaths.encode(key)).matches("[A-Za-z0-9._~%-]*");
    }
}
