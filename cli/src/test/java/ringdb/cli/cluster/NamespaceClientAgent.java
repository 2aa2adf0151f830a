package ringdb.cli.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * The client side of {@link NamespaceClient}: a process started inside a network namespace that
 * reads one request per line on standard input and answers one line on standard output, through a
 * {@link RingClient} per node that talks to that node only and never retries (so the answer is
 * that node's own). Each line starts with the request's number, which its answer repeats:
 *
 * <pre>
 * N put HOST:PORT CL KEY VALUE   →  N ok TIMESTAMP          | N error STATUS KIND MESSAGE
 * N get HOST:PORT CL KEY         →  N found VALUE TIMESTAMP | N missing | N error STATUS KIND MESSAGE
 * N cluster HOST:PORT            →  N json {...}            | N error STATUS KIND MESSAGE
 * </pre>
 *
 * Keys and values are words without spaces. It prints {@code 0 ready} once, first.
 */
public final class NamespaceClientAgent {
    static final long REQUEST_TIMEOUT_MILLIS = 8_000;

    private NamespaceClientAgent() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, RingClient> clients = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("0 ready");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] numbered = line.strip().split(" ", 2);
            String[] words = numbered.length > 1 ? numbered[1].split(" ") : new String[] {""};
            try {
                RingClient client = clients.computeIfAbsent(words[1], host -> new RingClient(List.of(host),
                        new RingClient.Options(REQUEST_TIMEOUT_MILLIS, 60_000, 1, false)));
                out.println(numbered[0] + " " + answer(client, words));
            } catch (RingClientException e) {
                out.println(numbered[0] + " error " + e.status() + " " + e.error() + " " + oneLine(e.getMessage()));
            } catch (RuntimeException e) {
                out.println(numbered[0] + " error 0 " + e.getClass().getSimpleName() + " " + oneLine(e.getMessage()));
            }
        }
        clients.values().forEach(RingClient::close);
    }

    private static String answer(RingClient client, String[] words) {
        switch (words[0]) {
            case "put":
                return "ok " + client.put(bytes(words[3]), bytes(words[4]), words[2]);
            case "get":
                Optional<RingClient.Value> value = client.get(bytes(words[3]), words[2]);
                return value.map(v -> "found " + new String(v.value(), StandardCharsets.UTF_8) + " "
                        + v.timestampMicros()).orElse("missing");
            case "cluster":
                return "json " + client.cluster(words[1]).toString();
            default:
                throw new IllegalArgumentException("unknown request " + words[0]);
        }
    }

    private static byte[] bytes(String word) {
        return word.getBytes(StandardCharsets.UTF_8);
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replace('\n', ' ').replace('\r', ' ');
    }
}
