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
 * that coordinates it and waits for its answer a bounded time; requests are numbered, so an answer
 * that comes after its request was given up is recognised and dropped. Not thread-safe.
 */
final class NamespaceClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Well over the agent's own request timeout, so that its answer comes first even on a busy machine. */
    private static final long ANSWER_TIMEOUT_MILLIS = NamespaceClientAgent.REQUEST_TIMEOUT_MILLIS + 22_000;
    /** How long a {@link #cluster} poll waits: an answer missing by then counts as a node not answering. */
    private static final long POLL_TIMEOUT_MILLIS = 10_000;
    private static final long START_TIMEOUT_MILLIS = 60_000;
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
    private long lastRequest;

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
            Answer ready = client.answerTo(0, START_TIMEOUT_MILLIS);
            if (ready == null || !ready.kind().equals("ready")) {
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

    /** {@code GET /v1/cluster} of {@code node}, or null when it did not answer (in time). */
    JsonNode cluster(String node) {
        Answer answer = answerTo(send("cluster " + node), POLL_TIMEOUT_MILLIS);
        if (answer == null || answer.isError()) {
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
        Answer answer = answerTo(send(line), ANSWER_TIMEOUT_MILLIS);
        if (answer == null) {
            throw new AssertionError("no answer within " + ANSWER_TIMEOUT_MILLIS + " ms to " + line);
        }
        return answer;
    }

    /** Writes request {@code line} with the next number; returns the number. */
    private long send(String line) {
        long number = ++lastRequest;
        try {
            requests.write((number + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
            requests.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client process is gone (" + line + ")", e);
        }
        return number;
    }

    /**
     * The answer to request {@code number} (answers to earlier requests, given up on, are dropped),
     * or null when none came within {@code timeoutMillis}. Fails when the client process ended.
     */
    private Answer answerTo(long number, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            String line;
            try {
                line = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the answer to request " + number, e);
            }
            if (line == null) {
                return null;
            }
            if (line.equals(EOF)) {
                answers.add(EOF);
                throw new AssertionError("the client process ended before answering request " + number);
            }
            String[] parts = line.split(" ", 3);
            if (parts[0].equals(Long.toString(number))) {
                return new Answer(parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
            }
        }
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
