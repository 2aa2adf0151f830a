package ringdb.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;
import ringdb.client.RingClient;

/** Options every client command shares: which node(s) to talk to. */
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

    List<String> hosts() {
        return Arrays.stream(host.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    RingClient client() {
        RingClient.Options defaults = RingClient.Options.defaults();
        return new RingClient(hosts(), new RingClient.Options(timeoutMillis, defaults.ringRefreshMillis(),
                defaults.attemptsMax(), true, protocol));
    }
}
