package ringdb.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import ringdb.cli.certs.CertificateDirectory;

/** {@code ringdb certs create}: a throwaway certificate authority and node and client certificates. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Makes certificates for TLS on the internode and client ports (see docs/security.md).",
        subcommands = {CertsCommand.Create.class})
final class CertsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Makes (or reuses) the cluster's certificate authority in --dir and signs a certificate "
                    + "for each node, naming its id (host:port), and for each client.",
                "Writes PEM (.crt, .key) and PKCS#12 (.p12, password in keystore-password.txt) files."})
    static final class Create implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "./certs",
                description = "Directory of the certificates (default ${DEFAULT-VALUE})")
        Path dir;
        @Option(names = "--nodes", defaultValue = "0",
                description = "Nodes --host:--internode-port, port+1, ... to make certificates for")
        int nodes;
        @Option(names = "--host", defaultValue = "127.0.0.1",
                description = "Host of the --nodes (default ${DEFAULT-VALUE})")
        String host;
        @Option(names = "--internode-port", defaultValue = "7000",
                description = "Internode port of the first of --nodes (default ${DEFAULT-VALUE})")
        int internodePort;
        @Option(names = "--node", paramLabel = "HOST:PORT", description = "A node id to make a certificate for")
        List<String> nodeIds = new ArrayList<>();
        @Option(names = "--client", paramLabel = "NAME",
                description = "A client certificate to make (default: one named 'operator')")
        List<String> clients = new ArrayList<>();
        @Option(names = "--san", paramLabel = "NAME",
                description = "A further host name or address every node certificate lists (e.g. localhost)")
        List<String> extraHosts = new ArrayList<>();
        @Option(names = "--days", defaultValue = "365",
                description = "Validity of new certificates in days (default ${DEFAULT-VALUE})")
        long days;
        @Option(names = "--cluster-name", defaultValue = "local",
                description = "Cluster name shown in the authority's name (default ${DEFAULT-VALUE})")
        String clusterName;

        @Override
        public Integer call() {
            if (days < 1 || days > 36_500) {
                System.err.println("error: --days must be between 1 and 36500, got " + days);
                return 2;
            }
            if (nodes < 0 || nodes > 1000 || internodePort < 1 || internodePort + nodes > 65_536) {
                System.err.println("error: --nodes must be 0..1000 and the ports within 1..65535");
                return 2;
            }
            List<String> ids = new ArrayList<>(nodeIds);
            for (int i = 0; i < nodes; i++) {
                ids.add(host + ":" + (internodePort + i));
            }
            try {
                Duration validity = Duration.ofDays(days);
                CertificateDirectory certs = CertificateDirectory.open(dir, clusterName, validity);
                System.out.println((certs.createdAuthority() ? "made" : "reusing") + " the certificate authority "
                        + certs.authorityCertificate() + " (keep ca.key private)");
                for (String id : ids) {
                    CertificateDirectory.CertificateFiles files = certs.issueNode(id, extraHosts, validity);
                    System.out.println("node " + id + ": " + files.certificate() + ", " + files.privateKey() + ", "
                            + files.keyStore());
                }
                for (String client : clients.isEmpty() ? List.of("operator") : clients) {
                    CertificateDirectory.CertificateFiles files = certs.issueClient(client, validity);
                    System.out.println("client " + client + ": " + files.certificate() + ", " + files.privateKey()
                            + ", " + files.keyStore());
                }
                System.out.println("PKCS#12 password: " + certs.passwordFile() + "; trust store: "
                        + certs.trustStore());
                return 0;
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }
}
