package ringdb.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ringdb.client.ClientCredentials;
import ringdb.client.ClientTls;
import ringdb.client.RingClient;

/** Options every client command shares: which node(s) to talk to, and how (protocol, TLS). */
final class ClientOptions {
    @Option(names = {"--host", "-H"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "HTTP address of a node, or several separated by commas (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--timeout-ms", defaultValue = "10000",
            description = "Request timeout in milliseconds (default ${DEFAULT-VALUE})")
    long timeoutMillis;

    @Option(names = "--protocol", defaultValue = "NATIVE",
            description = "How key-value requests travel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    RingClient.Protocol protocol;

    @Mixin
    TlsOptions tls;

    @Option(names = {"--user", "-u"}, paramLabel = "ROLE",
            description = "Log in as this role (nodes with authenticator: PasswordAuthenticator). The password "
                    + "comes from --credentials, else the environment variable RINGDB_PASSWORD, else "
                    + "~/.ringdb/credentials, else a prompt (when interactive)")
    String user;

    @Option(names = "--credentials", paramLabel = "FILE",
            description = "File with user=ROLE and password=SECRET lines (default: ~/.ringdb/credentials if it "
                    + "exists); keep it readable by its owner only")
    Path credentialsFile;

    /** The role and password the options, the environment or the credentials file name; null for no login. */
    ClientCredentials credentials() {
        return Credentials.resolve(user, credentialsFile, System.getenv(), Credentials.defaultFile());
    }

    /** The TLS settings the options ask for, or null for plaintext. */
    ClientTls clientTls() {
        return tls.clientTls();
    }

    List<String> hosts() {
        return Arrays.stream(host.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    RingClient client() {
        RingClient.Options defaults = RingClient.Options.defaults();
        return new RingClient(hosts(), new RingClient.Options(timeoutMillis, defaults.ringRefreshMillis(),
                defaults.attemptsMax(), true, protocol, clientTls(), credentials()));
    }
}
