package ringdb.sim.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.dashboard.DashboardActions;
import ringdb.dashboard.OperationMetrics;
import ringdb.dashboard.model.ActionResult;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimNetwork;

/**
 * The cluster-changing actions of a simulated cluster: client operations, node failure and
 * recovery, partitions and network faults. Threading: simulation thread only. Bad parameters throw
 * {@link InvalidRequestException} before anything changes.
 */
final class SimActions {
    static final long DELAY_MICROS_MAX = 10_000_000;

    private final SimCluster cluster;
    private final EventRecorder recorder;
    private final OperationMetrics metrics;
    private int nextCoordinator;

    SimActions(SimCluster cluster, EventRecorder recorder, OperationMetrics metrics) {
        this.cluster = cluster;
        this.recorder = recorder;
        this.metrics = metrics;
    }

    /** Starts a put, get or delete; the future completes when the simulation has answered it. */
    CompletableFuture<ActionResult> clientOperation(String action, Map<String, String> params) {
        byte[] key = DashboardActions.required(params, "key").getBytes(StandardCharsets.UTF_8);
        Limits.checkKey(key);
        ConsistencyLevel cl = ConsistencyLevel.parse(params.getOrDefault("cl", "ONE"));
        NodeId coordinator = coordinator(params.get("coordinator"));
        SimFuture<ClientResult> future = switch (action) {
            case DashboardActions.PUT -> {
                byte[] value = params.getOrDefault("value", "").getBytes(StandardCharsets.UTF_8);
                Limits.checkValue(value, cluster.config().valueSizeBytesMax());
                yield cluster.put(coordinator, key, value, cl);
            }
            case DashboardActions.GET -> cluster.get(coordinator, key, cl);
            default -> cluster.delete(coordinator, key, cl);
        };
        DemoWorkload.track(future, metrics, cluster.nowMicros());
        CompletableFuture<ActionResult> out = new CompletableFuture<>();
        future.whenDone(result -> out.complete(describe(result, cl, coordinator)));
        return out;
    }

    private NodeId coordinator(String requested) {
        if (requested != null && !requested.isBlank()) {
            NodeId id = node(requested);
            if (!cluster.isAlive(id)) {
                throw new InvalidRequestException("coordinator " + id + " is down; pick a live node");
            }
            return id;
        }
        List<NodeId> ids = cluster.nodeIds();
        for (int i = 0; i < ids.size(); i++) {
            NodeId candidate = ids.get((nextCoordinator + i) % ids.size());
            if (cluster.isAlive(candidate)) {
                nextCoordinator = (nextCoordinator + i + 1) % ids.size();
                return candidate;
            }
        }
        throw new InvalidRequestException("every node is down; recover one first");
    }

    static ActionResult describe(ClientResult result, ConsistencyLevel cl, NodeId coordinator) {
        String via = " (coordinator " + coordinator + ")";
        if (result instanceof ClientResult.Written written) {
            return ActionResult.ok("written at " + cl + ": " + written.acks() + " replica(s) acknowledged, timestamp "
                    + written.timestampMicros() + via);
        } else if (result instanceof ClientResult.Found found) {
            return ActionResult.ok("found \"" + new String(found.value(), StandardCharsets.UTF_8) + "\" at " + cl
                    + ", timestamp " + found.timestampMicros() + via);
        } else if (result instanceof ClientResult.NotFound) {
            return ActionResult.ok("not found at " + cl + via);
        } else if (result instanceof ClientResult.Unavailable unavailable) {
            return ActionResult.failed("unavailable: " + cl + " needs " + unavailable.required()
                    + " live replica(s), " + unavailable.alive() + " alive" + via);
        } else if (result instanceof ClientResult.Timeout timeout) {
            return ActionResult.failed("timed out: " + cl + " needs " + timeout.required() + " answer(s), got "
                    + timeout.received() + via);
        } else if (result instanceof ClientResult.Invalid invalid) {
            return ActionResult.failed("invalid: " + invalid.message());
        } else if (result instanceof ClientResult.Failed failed) {
            return ActionResult.failed("failed: " + failed.message());
        } else if (result instanceof ClientResult.Completed completed) {
            return ActionResult.ok(completed.message());
        }
        return ActionResult.failed("unexpected answer " + result);
    }

    ActionResult fail(Map<String, String> params) {
        NodeId id = node(DashboardActions.required(params, "node"));
        if (!cluster.isAlive(id)) {
            throw new InvalidRequestException(id + " is already down");
        }
        cluster.fail(id);
        return ActionResult.ok(id + " crashed: its memory and unsynced disk writes are lost");
    }

    ActionResult recover(Map<String, String> params) {
        NodeId id = node(DashboardActions.required(params, "node"));
        if (cluster.isAlive(id)) {
            throw new InvalidRequestException(id + " is already up");
        }
        try {
            cluster.recover(id);
        } catch (IllegalStateException e) {
            throw new InvalidRequestException(e.getMessage()); // e.g. it left the ring for good
        }
        recorder.record(id.id(), "RECOVER", id.id(), "restarted: commit log replay, then catch-up from peers");
        return ActionResult.ok(id + " restarted; it replays its commit log and catches up from its peers");
    }

    ActionResult partition(Map<String, String> params) {
        Set<NodeId> sideA = nodes(DashboardActions.required(params, "sideA"), "sideA");
        Set<NodeId> sideB = nodes(DashboardActions.required(params, "sideB"), "sideB");
        for (NodeId id : sideA) {
            if (sideB.contains(id)) {
                throw new InvalidRequestException(id + " is on both sides of the partition");
            }
        }
        boolean oneWay = Boolean.parseBoolean(params.getOrDefault("oneWay", "false"));
        SimNetwork network = cluster.network();
        if (oneWay) {
            for (NodeId from : sideA) {
                for (NodeId to : sideB) {
                    network.partitionOneWay(from, to);
                }
            }
        } else {
            network.partition(sideA, sideB);
        }
        String text = names(sideA) + (oneWay ? " → " : " | ") + names(sideB);
        recorder.record("", "PARTITION", "", text + (oneWay ? " (one-way)" : ""));
        return ActionResult.ok("partitioned " + text);
    }

    ActionResult heal() {
        cluster.network().heal();
        recorder.record("", "HEAL", "", "every partition removed");
        return ActionResult.ok("healed: every node can reach every other");
    }

    ActionResult network(Map<String, String> params) {
        SimNetwork network = cluster.network();
        double drop = DashboardActions.doubleIn(params, "dropProbability", 0, 1);
        double duplicate = DashboardActions.doubleIn(params, "duplicateProbability", 0, 1);
        long delayMin = DashboardActions.longIn(params, "delayMinMicros", 0, DELAY_MICROS_MAX,
                network.delayMinMicros());
        long delayMax = DashboardActions.longIn(params, "delayMaxMicros", 0, DELAY_MICROS_MAX,
                network.delayMaxMicros());
        if (delayMin > delayMax) {
            throw new InvalidRequestException("delayMinMicros " + delayMin + " is above delayMaxMicros " + delayMax);
        }
        network.setDropProbability(drop);
        network.setDuplicateProbability(duplicate);
        network.setDelayMicros(delayMin, delayMax);
        String text = String.format("drop %.0f%%, duplicate %.0f%%, delay %.1f–%.1f ms",
                drop * 100, duplicate * 100, delayMin / 1000.0, delayMax / 1000.0);
        recorder.record("", "NETWORK", "", text);
        return ActionResult.ok("network now: " + text);
    }

    /** Adds a node that bootstraps into the ring; JOINING and JOINED events follow on the timeline. */
    ActionResult addNode() {
        NodeId id = cluster.addNode();
        recorder.record(id.id(), "ADD_NODE", id.id(), "added: it learns the ring, picks tokens and streams its ranges");
        return ActionResult.ok(id + " added; it joins the ring once its ranges have streamed to it");
    }

    /**
     * Takes a node out of the ring: a live node decommissions (streams its ranges away, then stops); a
     * dead node is removed through a live one, which re-replicates its ranges from the survivors.
     */
    CompletableFuture<ActionResult> removeNode(Map<String, String> params) {
        NodeId id = node(DashboardActions.required(params, "node"));
        SimFuture<ClientResult> future;
        String what;
        if (cluster.isAlive(id)) {
            future = cluster.decommission(id);
            what = "decommission of " + id;
        } else {
            NodeId via = coordinator(null);
            future = cluster.removeNode(id, via);
            what = "removal of " + id + " through " + via;
        }
        recorder.record(id.id(), "REMOVE_NODE", id.id(), what + " started");
        CompletableFuture<ActionResult> out = new CompletableFuture<>();
        future.whenDone(result -> out.complete(result instanceof ClientResult.Completed completed
                ? ActionResult.ok(what + ": " + completed.message())
                : describe(result, ConsistencyLevel.ONE, id)));
        return out;
    }

    NodeId node(String name) {
        NodeId id = NodeId.of(name.trim());
        if (!cluster.nodeIds().contains(id)) {
            throw new InvalidRequestException("unknown node '" + name + "'; the cluster has " + cluster.nodeIds());
        }
        return id;
    }

    private Set<NodeId> nodes(String list, String parameter) {
        Set<NodeId> out = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                out.add(node(name));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidRequestException("parameter '" + parameter + "' names no node");
        }
        return out;
    }

    private static String names(Set<NodeId> ids) {
        List<String> names = new ArrayList<>();
        ids.stream().sorted().forEach(id -> names.add(id.id()));
        return "{" + String.join(", ", names) + "}";
    }
}
