package ringdb.sim.scratch;

import org.junit.jupiter.api.Test;
import ringdb.core.node.NodeEvent;
import ringdb.sim.MessageEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;
import ringdb.sim.check.History;
import ringdb.sim.run.SimRunSettings;
import ringdb.sim.workload.ClientWorkload;
import ringdb.sim.workload.FaultInjector;

class ScratchTest {
    @Test
    void trace() {
        long seed = Long.getLong("s", 38);
        SimRunSettings settings = SimRunSettings.derive(seed, 0, 10_000_000);
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(settings.nodes())
                .nodeConfig(c -> c.withReplicationFactor(settings.replicationFactor())).build()) {
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    if (cluster.nowMicros() > 12_900_000) System.out.println(cluster.nowMicros() + " EVENT " + event);
                }
                @Override
                public void onMessage(MessageEvent e) {
                    if (cluster.nowMicros() > 12_990_000 && cluster.nowMicros() < 16_000_000 && e.type().startsWith("Gossip")) System.out.println(e);
                }
            });
            History history = new History();
            ClientWorkload workload = new ClientWorkload(cluster, cluster.newRandom(), history, settings.clients(),
                    settings.keys(), settings.thinkMicrosMax());
            FaultInjector faults = new FaultInjector(cluster, cluster.newRandom(), settings.faults());
            cluster.runFor(3_000_000);
            workload.start();
            faults.start();
            cluster.runFor(10_000_000);
            faults.stop();
            workload.stop();
            cluster.runFor(5_000_000);
            System.out.println(cluster.node(cluster.nodeIds().get(2)).status());
        }
    }
}
