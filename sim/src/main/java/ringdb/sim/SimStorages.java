package ringdb.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/** Builds the storage each simulated node runs on. */
final class SimStorages {
    private SimStorages() {
    }

    /** The node's data and hints engines over one simulated disk that outlives crashes. */
    static SimStorage engines(ringdb.core.NodeId id, Random random, long syncLatencyMicros, Timers diskTimers) {
        return new ModelStorage(diskTimers, syncLatencyMicros);
    }

    /** Interim: a durable-on-sync in-memory model, until the storage engine lands. */
    private static final class ModelStorage implements SimStorage {
        private final Timers timers;
        private final long syncLatencyMicros;
        private final ModelStore[] stores = {new ModelStore(), new ModelStore()};
        private int epoch;

        ModelStorage(Timers timers, long syncLatencyMicros) {
            this.timers = timers;
            this.syncLatencyMicros = syncLatencyMicros;
        }

        @Override
        public LocalStore[] open() {
            int openedEpoch = epoch;
            return new LocalStore[] {stores[0].view(timers, syncLatencyMicros, () -> epoch == openedEpoch),
                stores[1].view(timers, syncLatencyMicros, () -> epoch == openedEpoch)};
        }

        @Override
        public void crash() {
            epoch++;
            for (ModelStore store : stores) {
                store.volatileCells = new TreeMap<>(store.durableCells);
            }
        }

        @Override
        public long diskBytes() {
            return 0;
        }
    }

    private static final class ModelStore {
        TreeMap<DecoratedKey, Cell> durableCells = new TreeMap<>();
        TreeMap<DecoratedKey, Cell> volatileCells = new TreeMap<>();

        LocalStore view(Timers timers, long syncLatencyMicros, java.util.function.BooleanSupplier current) {
            return new LocalStore() {
                @Override
                public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
                    Limits.checkKey(key);
                    DecoratedKey decorated = DecoratedKey.of(key);
                    volatileCells.merge(decorated, cell, Cell::reconcile);
                    timers.schedule(syncLatencyMicros, () -> {
                        if (current.getAsBoolean()) {
                            durableCells.merge(decorated, cell, Cell::reconcile);
                            onDurable.accept(null);
                        }
                    });
                }

                @Override
                public Cell read(byte[] key) {
                    return volatileCells.get(DecoratedKey.of(key));
                }

                @Override
                public List<Entry> scan(long start, long end, DecoratedKey after, int maxEntries) {
                    List<Entry> entries = new ArrayList<>();
                    for (var entry : volatileCells.entrySet()) {
                        long token = entry.getKey().token();
                        boolean inRange = start < end ? token > start && token <= end
                                : start == end || token > start || token <= end;
                        if (inRange && (after == null || entry.getKey().compareTo(after) > 0)
                                && entries.size() < maxEntries) {
                            entries.add(new Entry(entry.getKey(), entry.getValue()));
                        }
                    }
                    return entries;
                }

                @Override
                public Stats stats() {
                    return new Stats(volatileCells.size(), 0, 0, 0, 0, 0);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
