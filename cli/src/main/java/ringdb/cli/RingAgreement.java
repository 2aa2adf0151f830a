package ringdb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * Waits, after a membership change, until every live member reports the same ring as the node
 * that made the change ({@code ring_digest} of {@code GET /v1/cluster}). The change spreads by
 * gossip; until a node has heard of it, that node may still count a removed replica and refuse a
 * QUORUM request it could serve. Members that are down, have left or were removed are not asked.
 */
final class RingAgreement {
    private static final long POLL_MILLIS = 100;

    private RingAgreement() {
    }

    /** Returns whether every live member agreed within {@code timeoutMillis}; says which did not when they did not. */
    static boolean await(RingClient client, String host, long timeoutMillis, PrintStream out) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Map<String, String> disagreeing = new LinkedHashMap<>();
        while (true) {
            disagreeing.clear();
            JsonNode reference = client.cluster(host);
            String digest = reference.path("ring_digest").asText();
            List<String> members = liveMembers(reference);
            for (String member : members) {
                String theirs = digestAt(client, member);
                if (!digest.equals(theirs)) {
                    disagreeing.put(member, theirs);
                }
            }
            if (disagreeing.isEmpty()) {
                out.println("all " + members.size() + " live nodes agree on the ring (digest " + digest + ")");
                return true;
            }
            if (System.nanoTime() >= deadline) {
                out.println("warning: after " + timeoutMillis + " ms these nodes still see another ring than " + host
                        + " (digest " + digest + "): " + disagreeing
                        + "; they may refuse requests until gossip reaches them");
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    private static List<String> liveMembers(JsonNode cluster) {
        List<String> members = new ArrayList<>();
        for (JsonNode member : cluster.path("members")) {
            String state = member.path("state").asText("");
            String http = member.path("http").asText("");
            boolean gone = state.equals("LEFT") || state.equals("REMOVED") || state.equals("UNKNOWN");
            if (!http.isEmpty() && !gone && member.path("up").asBoolean(false)) {
                members.add(http);
            }
        }
        return members;
    }

    private static String digestAt(RingClient client, String member) {
        try {
            return client.cluster(member).path("ring_digest").asText();
        } catch (RingClientException e) {
            return "unreachable: " + e.getMessage();
        }
    }
}
