package ringdb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ringdb.bench.ycsb.ClusterBenchmark;
import ringdb.core.coordinator.ConsistencyLevel;

/** {@code ringdb bench cluster}: the YCSB load generator against a running cluster. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Runs YCSB workload A (50/50 read/update), B (95/5), C (100%% reads) or E (95%% scans "
                + "of 1-100 records, 5%% inserts) against a running cluster,",
            "printing a progress line, then throughput and latency percentiles per operation (HdrHistogram)."})
final class BenchClusterCommand implements Callable<Integer> {
    @Option(names = {"--host", "-H"},
            description = "Address(es) of the cluster's nodes, comma-separated: HTTP addresses "
                    + "(default 127.0.0.1:8080), or CQL addresses with --protocol cql (default 127.0.0.1:9042)")
    String hosts;
    @Option(names = "--workload", defaultValue = "A", description = "A, B, C or E (default ${DEFAULT-VALUE})")
    String workload;
    @Option(names = "--records", defaultValue = "100000", description = "Record count (default ${DEFAULT-VALUE})")
    long records;
    @Option(names = "--fields", defaultValue = "10", description = "Fields per record (default ${DEFAULT-VALUE})")
    int fields;
    @Option(names = "--field-length", defaultValue = "100", description = "Bytes per field (default ${DEFAULT-VALUE})")
    int fieldLength;
    @Option(names = "--threads", defaultValue = "32", description = "Client threads (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--duration", defaultValue = "60",
            description = "Seconds of the run phase (default ${DEFAULT-VALUE})")
    long duration;
    @Option(names = "--cl", defaultValue = "ONE",
            description = "Consistency level of reads and writes (default ${DEFAULT-VALUE})")
    String consistency;
    @Option(names = "--read-cl", description = "Consistency level of reads (default: --cl)") String readConsistency;
    @Option(names = "--write-cl", description = "Consistency level of writes (default: --cl)") String writeConsistency;
    @Option(names = "--distribution", defaultValue = "zipfian",
            description = "Key distribution: zipfian, uniform, latest (default ${DEFAULT-VALUE})")
    String distribution;
    @Option(names = "--no-load", description = "Skip the load phase (the records are already there)") boolean noLoad;
    @Option(names = "--progress-seconds", defaultValue = "5",
            description = "Seconds between progress lines (default ${DEFAULT-VALUE})")
    long progressSeconds;
    @Option(names = "--protocol", defaultValue = "NATIVE",
            description = "How requests travel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}); cql: rows of "
                    + "YCSB's Cassandra table ycsb.usertable through the Cassandra Java driver")
    ClusterBenchmark.Protocol protocol;
    @Option(names = "--rf", paramLabel = "N",
            description = "With --protocol cql: replication factor of the keyspace ycsb when the load creates it "
                    + "(default: that of ringdb's built-in keyspace)")
    Integer replicationFactor;
    /** The TLS options of the CLI's other client commands. */
    @Mixin
    TlsOptions tlsOptions;
    @Option(names = {"--user", "-u"}, paramLabel = "ROLE",
            description = "Log in as ROLE (nodes with password authentication); the password as for ringdb --user")
    String user;
    @Option(names = "--credentials", paramLabel = "FILE",
            description = "Properties file with user= and password= (default ~/.ringdb/credentials)")
    Path credentialsFile;
    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the result as JSON to FILE ('-' = standard output)")
    String json;

    private ClusterBenchmark.Tls tlsSettings() {
        if (!tlsOptions.requested()) {
            return null;
        }
        return new ClusterBenchmark.Tls(text(tlsOptions.caCertificate), text(tlsOptions.certificate),
                text(tlsOptions.privateKey));
    }

    private static String text(Path file) {
        return file == null ? null : file.toAbsolutePath().toString();
    }

    @Override
    public Integer call() throws Exception {
        ClusterBenchmark.Settings settings;
        try {
            String read = ConsistencyLevel.parse(readConsistency == null ? consistency : readConsistency).name();
            String write = ConsistencyLevel.parse(writeConsistency == null ? consistency : writeConsistency).name();
            if (!List.of("zipfian", "uniform", "latest").contains(distribution)) {
                throw new IllegalArgumentException(
                        "--distribution must be zipfian, uniform or latest, got '" + distribution + "'");
            }
            String addresses = hosts != null ? hosts
                    : protocol == ClusterBenchmark.Protocol.CQL ? "127.0.0.1:9042" : "127.0.0.1:8080";
            settings = new ClusterBenchmark.Settings(Arrays.stream(addresses.split(",")).map(String::trim).toList(),
                    workload, records, fields, fieldLength, threads, duration, !noLoad, read, write, distribution,
                    Math.max(1, progressSeconds), protocol, tlsSettings(), replicationFactor,
                    Credentials.resolve(user, credentialsFile, System.getenv(), Credentials.defaultFile()));
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        ClusterBenchmark.Result result = new ClusterBenchmark(settings, System.out).run();
        if (json != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            String text = mapper.writeValueAsString(result);
            if (json.equals("-")) {
                System.out.println(text);
            } else {
                Files.writeString(Path.of(json), text);
            }
        }
        boolean errors = result.run().operationStats().stream().anyMatch(s -> s.errors() > 0);
        return errors ? 1 : 0;
    }
}
