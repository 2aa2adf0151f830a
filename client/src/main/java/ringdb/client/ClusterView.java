package ringdb.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.ring.Partitioner;

/**
 * The ring as a client learns it from {@code GET /v1/cluster}: each member's tokens and HTTP
 * address. Immutable. {@link #replicasFor} walks the ring clockwise from the key's token (the
 * owner of the first token at or after it, then the next distinct members), as the nodes do.
 */
public final class ClusterView {
    private final long[] tokens;
    private final String[] ownerHttp;
    private final List<String> members;
    private final int replicationFactor;
    private final Partitioner partitioner;

    private ClusterView(long[] tokens, String[] ownerHttp, List<String> members, int replicationFactor,
                        Partitioner partitioner) {
        this.partitioner = partitioner;
        this.tokens = tokens;
        this.ownerHttp = ownerHttp;
        this.members = members;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Builds the view from the JSON of {@code GET /v1/cluster}; members without an HTTP address are
     * skipped. Keys are placed by the cluster's {@code partitioner} (SHA-1 when the node does not say,
     * or names one this client does not know: a request to a non-replica is forwarded, never lost).
     */
    public static ClusterView fromJson(JsonNode cluster) {
        Map<Long, String> byToken = new TreeMap<>();
        Map<String, Boolean> members = new LinkedHashMap<>();
        for (JsonNode member : cluster.path("members")) {
            String http = member.path("http").asText("");
            String state = member.path("state").asText("");
            if (http.isEmpty() || state.equals("LEFT") || state.equals("REMOVED") || state.equals("UNKNOWN")) {
                continue;
            }
            members.put(http, member.path("up").asBoolean(true));
            for (JsonNode token : member.path("tokens")) {
                byToken.put(token.asLong(), http);
            }
        }
        long[] tokens = new long[byToken.size()];
        String[] owners = new String[byToken.size()];
        int i = 0;
        for (Map.Entry<Long, String> entry : byToken.entrySet()) {
            tokens[i] = entry.getKey();
            owners[i++] = entry.getValue();
        }
        Partitioner partitioner;
        try {
            partitioner = Partitioner.parse(cluster.path("partitioner").asText("sha1"));
        } catch (IllegalArgumentException e) {
            partitioner = Partitioner.SHA1;
        }
        return new ClusterView(tokens, owners, List.copyOf(members.keySet()),
                Math.max(1, cluster.path("replication_factor").asInt(1)), partitioner);
    }

    /**
     * HTTP address of the key's primary replica (the owner of the first token at or after its token);
     * null when the ring is unknown.
     */
    public String primaryFor(byte[] key) {
        return tokens.length == 0 ? null : ownerHttp[firstTokenAtOrAfter(key) % tokens.length];
    }

    /** HTTP addresses of the key's replicas, primary first; empty when the ring is unknown. */
    public List<String> replicasFor(byte[] key) {
        List<String> replicas = new ArrayList<>(replicationFactor);
        if (tokens.length == 0) {
            return replicas;
        }
        int start = firstTokenAtOrAfter(key);
        for (int step = 0; step < tokens.length && replicas.size() < replicationFactor; step++) {
            String owner = ownerHttp[(start + step) % tokens.length];
            if (!replicas.contains(owner)) {
                replicas.add(owner);
            }
        }
        return replicas;
    }

    /** Index of the first token at or after the key's (tokens.length when past the last: the ring wraps). */
    private int firstTokenAtOrAfter(byte[] key) {
        int index = Arrays.binarySearch(tokens, partitioner.token(key));
        return index >= 0 ? index : -index - 1;
    }

    /** Every member's HTTP address. */
    public List<String> members() {
        return members;
    }
}
