package ringdb.sim.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.health.StorageHealth;
import ringdb.sim.SimCluster;
import ringdb.storage.StorageLayout;
import ringdb.storage.disk.SimDisk;

/**
 * The rare, heavy faults of the nemesis, a bounded number per run ({@link FaultSettings#clockStepsMax},
 * {@link FaultSettings#diskFaultsMax}), at moments drawn uniformly over the safety phase:
 *
 * <ul>
 *   <li>clock steps: a node's wall clock steps by 1-30 minutes or 1-6 hours, forwards or backwards (an
 *       NTP step, an operator setting the date); half of them are stepped back a few seconds later.
 *       Steps stay far below the tombstone grace period: a clock ahead by more than it would let
 *       compaction purge tombstones early, which ringdb (like Cassandra) does not claim to survive.</li>
 *   <li>disk episodes of 0.5-3 s on one live node: its disk fills up (appends fail with "No space left
 *       on device"), reads of a range of one of its tables fail, its syncs take 20-500 ms, or one sync
 *       of its data or hints files fails. A full disk or a failed sync fails the commit log (writes are
 *       refused until the node restarts), so such an episode ends as an operator would end it: space
 *       freed, the node restarted.</li>
 * </ul>
 *
 * <p>Every draw comes from a random source of its own, seeded from the cluster's seed, so a run without
 * heavy faults makes the same draws as before they existed. Nodes in an episode are left alone by the
 * crash and recover faults until it ends. Simulation thread only.
 */
final class HeavyFaults {
    /** Mixed into the cluster's seed for this class's random source. */
    private static final long SALT = 0x6A09E667F3BCC909L;
    private static final long SECOND = 1_000_000L;

    private final SimCluster cluster;
    private final FaultSettings settings;
    private final Consumer<String> log;
    private final Predicate<NodeId> spared;
    private final Random random;
    /** Open disk episodes: node to the action that ends it. */
    private final Map<NodeId, Runnable> episodes = new TreeMap<>();
    private boolean running;

    /** {@code spared}: nodes no disk episode may start on now (the subject of a membership change). */
    HeavyFaults(SimCluster cluster, FaultSettings settings, Consumer<String> log, Predicate<NodeId> spared) {
        this.cluster = cluster;
        this.settings = settings;
        this.log = log;
        this.spared = spared;
        this.random = new Random(cluster.seed() ^ SALT);
    }

    /** Schedules this run's heavy faults over the next {@code phaseMicros}. */
    void start(long phaseMicros) {
        running = true;
        for (int i = 0; i < settings.clockStepsMax(); i++) {
            at((long) (random.nextDouble() * phaseMicros), this::stepClock);
        }
        for (int i = 0; i < settings.diskFaultsMax(); i++) {
            at((long) (random.nextDouble() * phaseMicros), this::diskEpisode);
        }
    }

    /** Ends every open episode (the node restarted where its storage refuses writes); no more faults. */
    void stop() {
        running = false;
        for (Runnable end : new ArrayList<>(episodes.values())) {
            end.run();
        }
    }

    /** Whether {@code id} is in a disk episode (the crash and recover faults leave it alone). */
    boolean busy(NodeId id) {
        return episodes.containsKey(id);
    }

    private void at(long delayMicros, Runnable action) {
        cluster.scheduler().scheduleAfter(delayMicros, () -> {
            if (running) {
                action.run();
            }
        });
    }

    private void stepClock() {
        List<NodeId> members = members(false);
        NodeId id = members.get(random.nextInt(members.size()));
        boolean hours = random.nextBoolean();
        long magnitude = hours ? (3600 + random.nextInt(5 * 3600)) * SECOND : (60 + random.nextInt(29 * 60)) * SECOND;
        long step = random.nextBoolean() ? magnitude : -magnitude;
        cluster.clock(id).jump(step);
        log.accept("clock of " + id + " steps " + describe(step));
        if (random.nextBoolean()) {
            long after = SECOND + random.nextInt(4_000_000);
            at(after, () -> {
                cluster.clock(id).jump(-step);
                log.accept("clock of " + id + " steps back " + describe(-step));
            });
        }
    }

    private static String describe(long stepMicros) {
        double minutes = stepMicros / 60e6;
        return Math.abs(minutes) >= 60 ? String.format("%+.2f h", minutes / 60) : String.format("%+.1f min", minutes);
    }

    private void diskEpisode() {
        List<NodeId> candidates = members(true);
        candidates.removeIf(id -> busy(id) || spared.test(id));
        if (candidates.isEmpty()) {
            return;
        }
        NodeId id = candidates.get(random.nextInt(candidates.size()));
        SimDisk disk = cluster.disk(id);
        long durationMicros = SECOND / 2 + random.nextInt(2_500_000);
        String lasting = String.format(" for %.2f s", durationMicros / 1e6);
        Runnable end = switch (random.nextInt(4)) {
            case 0 -> fillDisk(id, disk, lasting);
            case 1 -> failReads(id, disk, lasting);
            case 2 -> slowSyncs(id, disk, lasting);
            default -> failSync(id, disk, lasting);
        };
        episodes.put(id, end);
        at(durationMicros, () -> {
            if (episodes.get(id) == end) {
                end.run();
            }
        });
    }

    private Runnable fillDisk(NodeId id, SimDisk disk, String lasting) {
        long capacity = disk.usedBytes() + random.nextInt(2 * 1024);
        long refusedBefore = disk.faultCounts()[0];
        disk.setCapacityBytes(capacity);
        log.accept("disk of " + id + " full at " + capacity + " bytes" + lasting);
        return () -> {
            disk.setCapacityBytes(Long.MAX_VALUE);
            settle(id, "disk of " + id + " has space again (" + (disk.faultCounts()[0] - refusedBefore)
                    + " writes refused)", true);
        };
    }

    private Runnable failReads(NodeId id, SimDisk disk, String lasting) {
        String tables = StorageLayout.tables(random.nextInt(4) == 0 ? "hints" : "data");
        List<String> files = disk.list(tables);
        files.removeIf(name -> !name.endsWith(".db")); // a table, not a file being written
        int count = 1 + random.nextInt(5);
        String target = files.isEmpty() ? tables + "/" : tables + "/" + files.get(random.nextInt(files.size()));
        long from = 0;
        long to = Long.MAX_VALUE;
        if (!files.isEmpty() && random.nextBoolean()) { // a range of one table, else all of it
            try {
                long size = Math.max(1, disk.size(target));
                from = (long) (random.nextDouble() * size);
                to = from + 1 + random.nextInt(8192);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long failedBefore = disk.faultCounts()[1];
        disk.failReads(target, from, to, count);
        log.accept("disk of " + id + ": " + count + " reads of " + target + " bytes " + from + ".."
                + (to == Long.MAX_VALUE ? "end" : Long.toString(to)) + " fail" + lasting);
        return () -> {
            disk.clearReadFaults();
            settle(id, "disk of " + id + " reads well again (" + (disk.faultCounts()[1] - failedBefore)
                    + " reads failed)", false);
        };
    }

    private Runnable slowSyncs(NodeId id, SimDisk disk, String lasting) {
        long normal = disk.syncLatencyMicros();
        long slow = 20_000 + random.nextInt(480_000);
        disk.setSyncLatencyMicros(slow);
        log.accept(String.format("disk of %s slow: syncs take %.0f ms%s", id, slow / 1e3, lasting));
        return () -> {
            disk.setSyncLatencyMicros(normal);
            settle(id, "disk of " + id + " fast again", false);
        };
    }

    private Runnable failSync(NodeId id, SimDisk disk, String lasting) {
        String directory = random.nextInt(4) == 0 ? "hints/" : "data/";
        disk.failNextSyncsOf(directory, 1);
        log.accept("disk of " + id + ": the next sync under " + directory + " fails" + lasting);
        return () -> {
            disk.failNextSyncsOf("", 0);
            settle(id, "disk of " + id + " replaced after its failed sync", true);
        };
    }

    /**
     * Ends an episode as an operator would once the disk is fixed: a node that its failure policy
     * stopped (or that refuses writes) is restarted, one the policy killed is started again, and after
     * a full disk or a failed sync ({@code restart}) the node restarts anyway, as its commit log
     * refuses writes until then.
     */
    private void settle(NodeId id, String why, boolean restart) {
        episodes.remove(id);
        if (!cluster.isAlive(id)) {
            if (cluster.isRetired(id)) {
                log.accept(why);
                return;
            }
            cluster.recover(id);
            log.accept(why + "; " + id + ", which its disk failure policy stopped, started again");
            return;
        }
        StorageHealth.State health = cluster.node(id).storageHealth().state();
        if (restart || health != StorageHealth.State.SERVING) {
            cluster.fail(id);
            cluster.recover(id);
            log.accept(why + "; " + id + " restarted" + (restart ? "" : " (its storage was " + health + ")"));
        } else {
            log.accept(why);
        }
    }

    /** Members (not retired), alive ones only when {@code aliveOnly}, in id order. */
    private List<NodeId> members(boolean aliveOnly) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (!cluster.isRetired(id) && (!aliveOnly || cluster.isAlive(id))) {
                out.add(id);
            }
        }
        return out;
    }
}
