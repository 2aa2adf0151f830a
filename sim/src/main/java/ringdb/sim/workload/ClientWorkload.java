package ringdb.sim.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.check.History;
import ringdb.sim.check.Operation;

/**
 * Closed-loop clients over a small key space: each client issues one operation at a time (put,
 * get or delete at ONE or QUORUM) through a random alive coordinator, waits for the answer, thinks
 * a little, and goes again. Every operation lands in a {@link History}. Written values are unique
 * ("c2-17" = client 2's 17th value), so a read names the write it observed.
 *
 * <p>Simulation thread only; all choices come from the given random source.
 */
public final class ClientWorkload {
    /** Share of operations that are puts, deletes, and (the rest) gets, in percent. */
    public static final int PUT_PERCENT = 50;
    public static final int DELETE_PERCENT = 12;
    /** Share of operations at QUORUM, in percent (the rest at ONE). */
    public static final int QUORUM_PERCENT = 60;

    private final SimCluster cluster;
    private final Random random;
    private final History history;
    private final int keys;
    private final long thinkMicrosMax;
    private final List<Client> clients = new ArrayList<>();
    private boolean running;

    public ClientWorkload(SimCluster cluster, Random random, History history, int clients, int keys,
                          long thinkMicrosMax) {
        this.cluster = cluster;
        this.random = random;
        this.history = history;
        this.keys = keys;
        this.thinkMicrosMax = thinkMicrosMax;
        for (int i = 1; i <= clients; i++) {
            this.clients.add(new Client(i));
        }
    }

    /** Starts every client; each issues its first operation within one think time. */
    public void start() {
        running = true;
        for (Client client : clients) {
            scheduleNext(client);
        }
    }

    /** Clients issue no new operation; those in flight still complete. */
    public void stop() {
        running = false;
    }

    public static String key(int index) {
        return "key" + index;
    }

    private void scheduleNext(Client client) {
        long thinkMicros = thinkMicrosMax == 0 ? 0 : (long) (random.nextDouble() * thinkMicrosMax);
        cluster.scheduler().scheduleAfter(thinkMicros, () -> issue(client));
    }

    private void issue(Client client) {
        if (!running) {
            return;
        }
        NodeId coordinator = randomAliveNode();
        if (coordinator == null) {
            scheduleNext(client);
            return;
        }
        String key = key(random.nextInt(keys));
        ConsistencyLevel cl = random.nextInt(100) < QUORUM_PERCENT ? ConsistencyLevel.QUORUM : ConsistencyLevel.ONE;
        int roll = random.nextInt(100);
        Operation operation;
        SimFuture<ClientResult> future;
        int incarnation = cluster.incarnation(coordinator);
        long now = cluster.nowMicros();
        if (roll < PUT_PERCENT) {
            String value = "c" + client.number + "-" + (++client.written);
            operation = history.invoke(Operation.Kind.PUT, key, value, cl, coordinator, incarnation, now);
            future = cluster.put(coordinator, key, value, cl);
        } else if (roll < PUT_PERCENT + DELETE_PERCENT) {
            operation = history.invoke(Operation.Kind.DELETE, key, null, cl, coordinator, incarnation, now);
            future = cluster.delete(coordinator, key, cl);
        } else {
            operation = history.invoke(Operation.Kind.GET, key, null, cl, coordinator, incarnation, now);
            future = cluster.get(coordinator, key, cl);
        }
        future.whenDone(result -> {
            history.complete(operation, result, cluster.nowMicros());
            scheduleNext(client);
        });
    }

    private NodeId randomAliveNode() {
        List<NodeId> alive = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                alive.add(id);
            }
        }
        return alive.isEmpty() ? null : alive.get(random.nextInt(alive.size()));
    }

    private static final class Client {
        final int number;
        int written;

        Client(int number) {
            this.number = number;
        }
    }
}
