package ringdb.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.health.StorageHealth;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.Ring;
import ringdb.core.streaming.StreamProgress;
import ringdb.server.api.JsonResponses;

/**
 * The JSON of {@code GET /v1/cluster} and {@code GET /v1/ring?key=}, built from a node's status and
 * ring view. Field names are part of the HTTP API (docs/server.md); add, never rename.
 */
final class ClusterJson {
    static final String HTTP_STATE = "http";

    private ClusterJson() {
    }

    static JsonNode cluster(String clusterName, NodeStatus status, Ring ring) {
        ObjectNode root = JsonResponses.object();
        root.put("cluster_name", clusterName);
        root.put("node", status.id().id());
        root.put("replication_factor", ring.replicationFactor());
        root.put("ring_version", status.ringVersion());
        root.put("ring_digest", Long.toHexString(status.ringDigest()));
        root.put("recovery_done", status.recoveryDone());
        ArrayNode streams = root.putArray("streams");
        status.streams().forEach(stream -> streams.add(stream.describe()));
        ArrayNode sessions = root.putArray("stream_sessions");
        status.streams().forEach(stream -> sessions.add(stream(stream)));
        ArrayNode moves = root.putArray("moves_in_progress");
        status.movesInProgress().forEach(moves::add);
        ObjectNode hints = root.putObject("hints");
        hints.put("pending", status.hintsPending());
        hints.put("handed_over", status.hintsHandedOver());
        hints.put("dropped", status.hintsDropped());
        if (status.storageHealth() != null) {
            root.set("storage_health", storageHealth(status.storageHealth()));
        }
        Map<NodeId, Double> ownership = ring.ownership();
        Set<NodeId> ids = new TreeSet<>(ring.members());
        ids.add(status.id());
        status.peers().forEach(p -> ids.add(p.id()));
        ArrayNode members = root.putArray("members");
        for (NodeId id : ids) {
            PeerStatus peer = status.peers().stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
            members.add(member(id, status, peer, ring, ownership.getOrDefault(id, 0.0)));
        }
        return root;
    }

    /** What the disk and commit failure policies made of this node, and the tables in quarantine. */
    private static ObjectNode storageHealth(StorageHealth.Status health) {
        ObjectNode node = JsonResponses.object();
        node.put("state", health.state().name());
        node.put("reason", health.reason() == null ? "" : health.reason());
        node.put("disk_failure_policy", health.diskFailurePolicy().configName());
        node.put("commit_failure_policy", health.commitFailurePolicy().configName());
        node.put("failures", health.failures());
        ArrayNode quarantined = node.putArray("quarantined_tables");
        health.quarantinedTables().forEach(quarantined::add);
        return node;
    }

    /** One stream session as numbers (the same sessions as "streams", which describes them in words). */
    private static ObjectNode stream(StreamProgress progress) {
        ObjectNode stream = JsonResponses.object();
        stream.put("name", progress.name());
        stream.put("move", progress.moveId());
        stream.put("state", progress.state());
        stream.put("ranges_total", progress.rangesTotal());
        stream.put("ranges_done", progress.rangesDone());
        stream.put("ranges_resumed", progress.rangesResumed());
        stream.put("bytes_received", progress.bytesReceived());
        stream.put("entries_received", progress.entriesReceived());
        stream.put("chunks_received", progress.chunksReceived());
        stream.put("largest_chunk_entries", progress.largestChunkEntries());
        stream.put("largest_chunk_bytes", progress.largestChunkBytes());
        stream.put("throttle_bytes_per_second", progress.throughputBytesPerSecond());
        return stream;
    }

    private static ObjectNode member(NodeId id, NodeStatus self, PeerStatus peer, Ring ring, double owns) {
        ObjectNode member = JsonResponses.object();
        boolean isSelf = id.equals(self.id());
        member.put("id", id.id());
        member.put("self", isSelf);
        if (isSelf) {
            member.put("state", self.state().name());
            member.put("up", true);
            member.put("http", self.applicationStates().getOrDefault(HTTP_STATE, ""));
            member.put("generation", self.generation());
            member.put("heartbeat_version", self.heartbeatVersion());
            member.put("load_bytes", self.storeStats() == null ? 0 : self.storeStats().liveBytes());
            member.put("schema_version", self.applicationStates().getOrDefault(ApplicationState.SCHEMA, ""));
        } else if (peer != null) {
            member.put("state", peer.state().name());
            member.put("up", peer.up());
            member.put("http", peer.applicationStates().getOrDefault(HTTP_STATE, ""));
            member.put("generation", peer.generation());
            member.put("heartbeat_version", peer.heartbeatVersion());
            member.put("heartbeat_age_micros", peer.heartbeatAgeMicros());
            member.put("phi", Double.isFinite(peer.phi()) ? peer.phi() : -1);
            member.put("load_bytes", peer.loadBytes());
            member.put("schema_version", peer.applicationStates().getOrDefault(ApplicationState.SCHEMA, ""));
        } else {
            member.put("state", "UNKNOWN");
            member.put("up", false);
            member.put("http", "");
        }
        member.put("ownership", owns);
        ArrayNode tokens = member.putArray("tokens");
        for (long token : ring.members().contains(id) ? ring.tokensOf(id) : new long[0]) {
            tokens.add(token);
        }
        return member;
    }

    private static String httpOf(NodeId id, NodeStatus status) {
        if (id.equals(status.id())) {
            return status.applicationStates().getOrDefault(HTTP_STATE, "");
        }
        return status.peers().stream().filter(p -> p.id().equals(id)).findFirst()
                .map(p -> p.applicationStates().getOrDefault(HTTP_STATE, "")).orElse("");
    }

    static JsonNode ring(byte[] key, String keyText, Ring ring, NodeStatus status, Partitioner partitioner) {
        ObjectNode root = JsonResponses.object();
        root.put("key", keyText);
        root.put("token", partitioner.token(key));
        ArrayNode replicas = root.putArray("replicas");
        List<NodeId> ids = ring.replicasFor(partitioner, key);
        for (NodeId id : ids) {
            ObjectNode replica = replicas.addObject();
            replica.put("id", id.id());
            replica.put("http", httpOf(id, status));
        }
        return root;
    }
}
