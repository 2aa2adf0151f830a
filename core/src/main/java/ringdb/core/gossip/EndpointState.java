package ringdb.core.gossip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.message.EndpointStateSnapshot;
import ringdb.core.message.GossipDigest;
import ringdb.core.message.VersionedValue;

/**
 * What a node knows of one endpoint (itself included): generation, heartbeat version and versioned
 * application states. Versions of one generation grow strictly; heartbeat and states share them.
 * Mutable, owned by the {@link Gossiper}; not thread-safe.
 */
public final class EndpointState {
    private final NodeId node;
    private final long generation;
    private long heartbeatVersion;
    private final TreeMap<String, VersionedValue> states = new TreeMap<>();

    EndpointState(NodeId node, long generation, long heartbeatVersion) {
        this.node = node;
        this.generation = generation;
        this.heartbeatVersion = heartbeatVersion;
    }

    public NodeId node() {
        return node;
    }

    public long generation() {
        return generation;
    }

    public long heartbeatVersion() {
        return heartbeatVersion;
    }

    /** The highest version of anything in this state. */
    public long maxVersion() {
        long max = heartbeatVersion;
        for (VersionedValue value : states.values()) {
            max = Math.max(max, value.version());
        }
        return max;
    }

    /** The value of application state {@code name}, or null. */
    public String get(String name) {
        VersionedValue value = states.get(name);
        return value == null ? null : value.value();
    }

    /** The version of application state {@code name}, or -1 when it is not set. */
    public long versionOf(String name) {
        VersionedValue value = states.get(name);
        return value == null ? -1 : value.version();
    }

    /** Application states by name (read-only view). */
    public Map<String, String> values() {
        TreeMap<String, String> out = new TreeMap<>();
        states.forEach((name, value) -> out.put(name, value.value()));
        return Collections.unmodifiableMap(out);
    }

    void setHeartbeatVersion(long version) {
        heartbeatVersion = version;
    }

    void put(VersionedValue value) {
        states.put(value.name(), value);
    }

    GossipDigest digest() {
        return new GossipDigest(node, generation, maxVersion());
    }

    /** The parts newer than {@code version} (heartbeat always included). */
    EndpointStateSnapshot snapshotAfter(long version) {
        List<VersionedValue> newer = new ArrayList<>();
        for (VersionedValue value : states.values()) {
            if (value.version() > version) {
                newer.add(value);
            }
        }
        return new EndpointStateSnapshot(node, generation, heartbeatVersion, version, newer);
    }

    /**
     * Merges a snapshot of the same generation. Returns a bitmask: {@link #HEARTBEAT_CHANGED} and/or
     * {@link #STATES_CHANGED}.
     */
    int merge(EndpointStateSnapshot snapshot) {
        int changed = 0;
        if (snapshot.heartbeatVersion() > heartbeatVersion) {
            heartbeatVersion = snapshot.heartbeatVersion();
            changed |= HEARTBEAT_CHANGED;
        }
        for (VersionedValue value : snapshot.states()) {
            VersionedValue current = states.get(value.name());
            if (current == null || value.version() > current.version()) {
                states.put(value.name(), value);
                changed |= STATES_CHANGED;
            }
        }
        return changed;
    }

    static final int HEARTBEAT_CHANGED = 1;
    static final int STATES_CHANGED = 2;
}
