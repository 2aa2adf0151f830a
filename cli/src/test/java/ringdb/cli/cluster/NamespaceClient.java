package ringdb.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client inside a network namespace of a {@link NamespaceCluster}: a {@link NamespaceClientAgent}
 * process started with {@code ip netns exec}, driven line by line. Each request names the node
 * that coordinates it and waits for the answer a bounded time. Not thread-safe.
 */
final class NamespaceClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than the agent's own request timeout, so the agent's answer comes first. */
    private static final long ANSWER_TIMEOUT_MILLIS = NamespaceClientAgent.REQUEST_TIMEOUT_MILLIS + 7_000;
    private static final String EOF = "\u0000eof";

    /** One answer: the agent's first word ("ok", "found", "missing", "json", "error") and the rest. */
    record Answer(String kind, String rest) {
        boolean isError() {
            return kind.equals("error");
        }

        /** For "error": the HTTP status (0 when the request never got an answer from a node). */
        int status() {
            return Integer.parseInt(rest.split(" ", 2)[0]);
        }

        /** For "found": the value. */
        String value() {
            return rest.split(" ", 2)[0];
        }

        @Override
        public String toString() {
            return kind + " " + rest;
        }
    }

    private final Process process;
    private final OutputStream requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private NamespaceClient(Process process) {
        this.process = process;
        this.requests = process.getOutputStream();
        Thread reader = new Thread(this::readAnswers, "namespace-client-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static NamespaceClient start(String namespace, Path log) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, LocalCluster.javaExecutable(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", LocalCluster.childClasspath(),
                NamespaceClientAgent.class.getName()));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            NamespaceClient client = new NamespaceClient(process);
            Answer ready = client.next("start of the client in " + namespace, 30_000);
            if (!ready.kind().equals("ready")) {
                client.close();
                throw new IllegalStateException("the client in " + namespace + " said " + ready + "; see " + log);
            }
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a client in " + namespace + ": " + e.getMessage(), e);
        }
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answers.add(line);
            }
        } catch (IOException e) {
            // the process ended; the EOF marker below says so
        }
        answers.add(EOF);
    }

    /** Writes {@code key} = {@code value} at {@code consistency}, coordinated by {@code node} (HTTP address). */
    Answer put(String node, String consistency, String key, String value) {
        return request("put " + node + " " + consistency + " " + key + " " + value);
    }

    /** Reads {@code key} at {@code consistency}, coordinated by {@code node}. */
    Answer get(String node, String consistency, String key) {
        return request("get " + node + " " + consistency + " " + key);
    }

    /** {@code GET /v1/cluster} of {@code node}, or null when it did not answer. */
    JsonNode cluster(String node) {
        Answer answer = request("cluster " + node);
        if (answer.isError()) {
            return null;
        }
        try {
            return JSON.readTree(answer.rest());
        } catch (IOException e) {
            throw new UncheckedIOException("bad JSON from " + node + ": " + answer.rest(), e);
        }
    }

    /** How many members {@code node} sees up and NORMAL (0 when it does not answer). */
    int upAndNormal(String node) {
        JsonNode cluster = cluster(node);
        int count = 0;
        for (JsonNode member : cluster == null ? JSON.createArrayNode() : cluster.path("members")) {
            if (member.path("up").asBoolean() && member.path("state").asText().equals("NORMAL")) {
                count++;
            }
        }
        return count;
    }

    private Answer request(String line) {
        try {
            requests.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            requests.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client process is gone (" + line + ")", e);
        }
        return next(line, ANSWER_TIMEOUT_MILLIS);
    }

    private Answer next(String what, long timeoutMillis) {
        String line;
        try {
            line = answers.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the answer to " + what, e);
        }
        if (line == null || line.equals(EOF)) {
            answers.add(EOF);
            throw new AssertionError((line == null ? "no answer within " + timeoutMillis + " ms" : "the client ended")
                    + " to " + what);
        }
        String[] parts = line.split(" ", 2);
        return new Answer(parts[0], parts.length > 1 ? parts[1] : "");
    }

    @Override
    public void close() {
        try {
            requests.close();
        } catch (IOException e) {
            // it is being killed anyway
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
