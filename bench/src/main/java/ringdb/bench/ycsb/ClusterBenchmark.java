package ringdb.bench.ycsb;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import ringdb.client.ClientCredentials;
import site.ycsb.DB;
import site.ycsb.Workload;
import site.ycsb.measurements.Measurements;
import site.ycsb.workloads.CoreWorkload;

/**
 * {@code ringdb bench cluster}: YCSB's core workloads A (50% reads / 50% updates), B (95/5), C
 * (100% reads) and E (95% scans of 1 to 100 records / 5% inserts of new records, as YCSB's
 * {@code workloade}) against a running cluster through {@link RingDbClient}. A load phase inserts the
 * records, then the run phase lasts {@code durationSeconds}; a progress line is printed every
 * {@code progressSeconds}; the result has throughput and latency percentiles per operation.
 *
 * <p>With {@link Protocol#CQL} the records are rows of YCSB's Cassandra table, written and read
 * through {@link CqlClient} (the Java driver): the hosts are CQL addresses, and the keyspace
 * {@code ycsb} and its table are created first when missing, with the replication factor of the
 * settings, or else that of ringdb's built-in keyspace (the native protocol's), or else 1.
 */
public final class ClusterBenchmark {
    /** How the benchmark's requests travel: ringdb's native protocol, its HTTP API, or CQL. */
    public enum Protocol {
        NATIVE, HTTP, CQL
    }

    /**
     * Benchmark settings; consistency levels by name, durations in seconds; {@code replicationFactor}
     * of the CQL keyspace when the benchmark creates it (null: see the class comment).
     */
    public record Settings(List<String> hosts, String workload, long recordCount, int fieldCount, int fieldLengthBytes,
                           int threads, long durationSeconds, boolean load, String readConsistency,
                           String writeConsistency, String distribution, long progressSeconds,
                           Protocol protocol, Tls tls, Integer replicationFactor, ClientCredentials credentials) {
        public Settings(List<String> hosts, String workload, long recordCount, int fieldCount, int fieldLengthBytes,
                        int threads, long durationSeconds, boolean load, String readConsistency,
                        String writeConsistency, String distribution, long progressSeconds,
                        Protocol protocol, Tls tls, Integer replicationFactor) {
            this(hosts, workload, recordCount, fieldCount, fieldLengthBytes, threads, durationSeconds, load,
                    readConsistency, writeConsistency, distribution, progressSeconds, protocol, tls, replicationFactor,
                    null);
        }

        public Settings(List<String> hosts, String workload, long recordCount, int fieldCount, int fieldLengthBytes,
                        int threads, long durationSeconds, boolean load, String readConsistency,
                        String writeConsistency, String distribution, long progressSeconds,
                        Protocol protocol) {
            this(hosts, workload, recordCount, fieldCount, fieldLengthBytes, threads, durationSeconds, load,
                    readConsistency, writeConsistency, distribution, progressSeconds, protocol, null, null, null);
        }

        public Settings {
            if (!List.of("A", "B", "C", "E").contains(workload.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException("workload must be A, B, C or E, got '" + workload + "'");
            }
            if (recordCount < 1 || fieldCount < 1 || fieldLengthBytes < 1 || threads < 1 || durationSeconds < 1) {
                throw new IllegalArgumentException(
                        "records, fields, field length, threads and duration must be positive");
            }
            if (replicationFactor != null && replicationFactor < 1) {
                throw new IllegalArgumentException("the replication factor must be at least 1, got "
                        + replicationFactor);
            }
            if (tls != null && protocol == Protocol.CQL) {
                throw new IllegalArgumentException("TLS is not available with the CQL protocol in this benchmark");
            }
            workload = workload.toUpperCase(Locale.ROOT);
        }
    }

    /**
     * TLS of the client's connections: PEM files of the trusted authority (null: the JVM's), and of
     * the client's certificate and key (null: none).
     */
    public record Tls(String caCertificate, String certificate, String privateKey) {
    }

    /** Latency figures of one operation, in microseconds. */
    public record OperationStats(String operation, long count, long errors, double throughputPerSecond,
                                 double meanMicros, long p50Micros, long p95Micros, long p99Micros, long p999Micros,
                                 long maxMicros) {
    }

    /** One phase (load or run): its length, operations and per-operation figures. */
    public record Phase(String name, double seconds, long operations, double throughputPerSecond,
                        List<OperationStats> operationStats) {
    }

    public record Result(Settings settings, Phase load, Phase run) {
    }

    private final Settings settings;
    private final PrintStream out;

    public ClusterBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    Properties properties() {
        Properties p = new Properties();
        boolean scans = settings.workload().equals("E");
        double reads = switch (settings.workload()) {
            case "A" -> 0.5;
            case "B" -> 0.95;
            case "E" -> 0.0;
            default -> 1.0;
        };
        p.setProperty("workload", CoreWorkload.class.getName());
        p.setProperty("recordcount", Long.toString(settings.recordCount()));
        p.setProperty("operationcount", Integer.toString(Integer.MAX_VALUE));
        p.setProperty("fieldcount", Integer.toString(settings.fieldCount()));
        p.setProperty("fieldlength", Integer.toString(settings.fieldLengthBytes()));
        p.setProperty("readproportion", Double.toString(reads));
        p.setProperty("updateproportion", Double.toString(scans ? 0.0 : 1.0 - reads));
        p.setProperty("insertproportion", scans ? "0.05" : "0");
        p.setProperty("scanproportion", scans ? "0.95" : "0");
        // YCSB's workloade: scans of a uniform 1..100 records from a zipfian start key
        p.setProperty("maxscanlength", "100");
        p.setProperty("scanlengthdistribution", "uniform");
        p.setProperty("readallfields", "true");
        p.setProperty("writeallfields", "false"); // YCSB's default: an update writes one field
        p.setProperty("requestdistribution", settings.distribution());
        // an insert that failed (a timeout on a loaded host) is tried again rather than ending the
        // thread's share of the load, which would leave records missing for the run
        p.setProperty("core_workload_insertion_retry_limit", "3");
        p.setProperty("core_workload_insertion_retry_interval", "1");
        if (settings.protocol() == Protocol.CQL) {
            p.setProperty(CqlClient.HOSTS, String.join(",", settings.hosts()));
            p.setProperty(CqlClient.READ_CONSISTENCY, settings.readConsistency());
            p.setProperty(CqlClient.WRITE_CONSISTENCY, settings.writeConsistency());
            p.setProperty(CqlClient.CONNECTIONS_PER_NODE, "2");
            if (settings.credentials() != null) {
                p.setProperty(CqlClient.USERNAME, settings.credentials().user());
                p.setProperty(CqlClient.PASSWORD, settings.credentials().password());
            }
            return p;
        }
        p.setProperty("ringdb.hosts", String.join(",", settings.hosts()));
        p.setProperty("ringdb.readconsistency", settings.readConsistency());
        p.setProperty("ringdb.writeconsistency", settings.writeConsistency());
        p.setProperty("ringdb.protocol", settings.protocol().name());
        if (settings.tls() != null) {
            p.setProperty("ringdb.tls", "true");
            setIfGiven(p, "ringdb.tls.cacert", settings.tls().caCertificate());
            setIfGiven(p, "ringdb.tls.cert", settings.tls().certificate());
            setIfGiven(p, "ringdb.tls.key", settings.tls().privateKey());
        }
        if (settings.credentials() != null) {
            p.setProperty(RingDbClient.USER, settings.credentials().user());
            p.setProperty(RingDbClient.PASSWORD, settings.credentials().password());
        }
        return p;
    }

    private static void setIfGiven(Properties properties, String name, String value) {
        if (value != null) {
            properties.setProperty(name, value);
        }
    }

    public Result run() throws Exception {
        Properties properties = properties();
        Measurements.setProperties(properties);
        CoreWorkload workload = new CoreWorkload();
        workload.init(properties);
        out.printf(Locale.ROOT, "ringdb bench cluster: workload %s, %d records of %d x %d bytes, %d threads, %d s, "
                        + "read %s / write %s, %s keys, %s protocol, hosts %s%n",
                settings.workload(), settings.recordCount(), settings.fieldCount(), settings.fieldLengthBytes(),
                settings.threads(), settings.durationSeconds(), settings.readConsistency(),
                settings.writeConsistency(), settings.distribution(),
                settings.protocol().name().toLowerCase(Locale.ROOT), settings.hosts());
        if (settings.protocol() == Protocol.CQL && settings.load()) {
            out.println("table " + CqlClient.createTable(properties, cqlReplicationFactor(properties),
                    settings.fieldCount()));
        }
        Phase load = settings.load() ? phase("load", workload, properties, true) : null;
        Phase run = phase("run", workload, properties, false);
        workload.cleanup();
        return new Result(settings, load, run);
    }

    private Phase phase(String name, Workload workload, Properties properties, boolean insert) throws Exception {
        MeasuredDb.Meters meters = new MeasuredDb.Meters();
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
        LongAdder operations = new LongAdder(); // every thread counts: no shared counter to fight over
        // Every thread connects its client before the clock starts, as YCSB's own client does: the
        // connections (a driver session's metadata fetch, say) are no part of the measured phase.
        Callable<DB> connect = () -> {
            DB db = new MeasuredDb(settings.protocol() == Protocol.CQL ? new CqlClient() : new RingDbClient(), meters);
            db.setProperties(properties);
            db.init();
            return db;
        };
        List<DB> clients = new ArrayList<>();
        for (Future<DB> connected : pool.invokeAll(Collections.nCopies(settings.threads(), connect))) {
            clients.add(connected.get());
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(settings.durationSeconds());
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < settings.threads(); t++) {
            long share = settings.recordCount() / settings.threads()
                    + (t < settings.recordCount() % settings.threads() ? 1 : 0);
            int thread = t;
            DB db = clients.get(t);
            workers.add(pool.submit(() -> {
                Object state = workload.initThread(properties, thread, settings.threads());
                for (long i = 0; insert ? i < share : System.nanoTime() < deadline; i++) {
                    boolean done = insert ? workload.doInsert(db, state) : workload.doTransaction(db, state);
                    if (!done) {
                        break;
                    }
                    operations.increment();
                }
                return null;
            }));
        }
        Map<String, Histogram> totals = new TreeMap<>();
        awaitWithProgress(name, workers, meters, totals, operations, start);
        double seconds = (System.nanoTime() - start) / 1e9;
        for (DB db : clients) {
            db.cleanup(); // closing a driver session is no part of the measured phase either
        }
        pool.shutdown();
        accumulate(meters, totals);
        List<OperationStats> stats = new ArrayList<>();
        totals.forEach((operation, histogram) -> stats.add(stats(operation, histogram, meters, seconds)));
        Phase phase = new Phase(name, seconds, operations.sum(), operations.sum() / seconds, stats);
        print(phase);
        return phase;
    }

    /** The settings' replication factor, else that of ringdb's built-in keyspace, else 1 (another database). */
    private int cqlReplicationFactor(Properties properties) {
        if (settings.replicationFactor() != null) {
            return settings.replicationFactor();
        }
        try (CqlSession session = CqlClient.connect(properties, false)) {
            return session.getMetadata().getKeyspace("ringdb")
                    .map(k -> k.getReplication().get("replication_factor"))
                    .map(Integer::parseInt).orElse(1);
        }
    }

    private void awaitWithProgress(String name, List<Future<?>> workers, MeasuredDb.Meters meters,
                                   Map<String, Histogram> totals, LongAdder operations, long start) throws Exception {
        long lastOperations = 0;
        long lastNanos = start;
        for (Future<?> worker : workers) {
            while (true) {
                try {
                    worker.get(settings.progressSeconds(), TimeUnit.SECONDS);
                    break;
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    long ops = operations.sum();
                    accumulate(meters, totals);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "[%s] %4.0f s: %d ops, %.0f ops/s",
                            name, (now - start) / 1e9, ops, (ops - lastOperations) / ((now - lastNanos) / 1e9)));
                    totals.forEach((op, h) -> line.append(String.format(Locale.ROOT, ", %s p99 %.2f ms",
                            op, h.getValueAtPercentile(99) / 1000.0)));
                    out.println(line);
                    lastOperations = ops;
                    lastNanos = now;
                }
            }
        }
    }

    private static void accumulate(MeasuredDb.Meters meters, Map<String, Histogram> totals) {
        for (Map.Entry<String, Recorder> entry : meters.recorders.entrySet()) {
            totals.computeIfAbsent(entry.getKey(), k -> new Histogram(MeasuredDb.LATENCY_MICROS_MAX, 3))
                    .add(entry.getValue().getIntervalHistogram());
        }
    }

    private static OperationStats stats(String operation, Histogram h, MeasuredDb.Meters meters, double seconds) {
        var errors = meters.errors.get(operation);
        return new OperationStats(operation, h.getTotalCount(), errors == null ? 0 : errors.sum(),
                h.getTotalCount() / seconds, h.getMean(), h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    private void print(Phase phase) {
        out.printf(Locale.ROOT, "%n[%s] %.1f s, %d operations, %.0f ops/s%n", phase.name(), phase.seconds(),
                phase.operations(), phase.throughputPerSecond());
        out.printf(Locale.ROOT, "%-8s %10s %8s %10s %9s %9s %9s %9s %9s %9s%n", "op", "count", "errors", "ops/s",
                "mean ms", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms");
        for (OperationStats s : phase.operationStats()) {
            out.printf(Locale.ROOT, "%-8s %10d %8d %10.0f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f%n",
                    s.operation(), s.count(), s.errors(), s.throughputPerSecond(), s.meanMicros() / 1000,
                    s.p50Micros() / 1000.0, s.p95Micros() / 1000.0, s.p99Micros() / 1000.0,
                    s.p999Micros() / 1000.0, s.maxMicros() / 1000.0);
        }
    }
}
