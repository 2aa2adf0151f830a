package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.client.RingClient;

/** The CLI's wait on a job, against a stand-in node that answers scripted job states. */
@Timeout(60)
class JobWaiterTest {
    private final ArrayDeque<String> answers = new ArrayDeque<>();
    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
    private HttpServer server;
    private String host;

    private void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/admin/jobs/", exchange -> {
            String body;
            synchronized (answers) {
                body = answers.size() > 1 ? answers.poll() : answers.peek();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String job(String state, String phase, long done, long total, String extra) {
        return "{\"id\":\"cleanup-1\",\"kind\":\"cleanup\",\"state\":\"" + state + "\",\"duration_ms\":1500,"
                + "\"progress\":{\"phase\":\"" + phase + "\",\"done\":" + done + ",\"total\":" + total
                + ",\"text\":\"" + phase + ": " + done + " of " + total + " entries\"}" + extra + "}";
    }

    private RingClient client() {
        return new RingClient(List.of(host), new RingClient.Options(2000, 60_000, 1, false));
    }

    @Test
    void followsTheJobPrintingEachChangeOfProgressOnceAndEndsWithItsOutcome() throws Exception {
        answers.addAll(List.of(job("running", "rewriting 2 tables", 10, 100, ""),
                job("running", "rewriting 2 tables", 10, 100, ""),
                job("running", "rewriting 2 tables", 60, 100, ""),
                job("succeeded", "done", 0, 0, ",\"result\":{\"message\":\"cleanup removed 7 entries\"}")));
        serve();
        try (RingClient ring = client()) {
            JobWaiter.Outcome outcome = new JobWaiter(ring, host, progress, false).await("cleanup-1", 0);
            assertThat(outcome.exitStatus()).isZero();
            assertThat(outcome.job().path("result").path("message").asText()).isEqualTo("cleanup removed 7 entries");
        }
        assertThat(progressBytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "cleanup-1 running 1s: rewriting 2 tables: 10 of 100 entries",
                "cleanup-1 running 1s: rewriting 2 tables: 60 of 100 entries");
    }

    @Test
    void aFailedJobEndsTheWaitWithItsErrorAndANonZeroStatus() throws Exception {
        answers.add(job("failed", "failed", 0, 0, ",\"error\":\"cannot clean up n1: it is LEAVING, not NORMAL\""));
        serve();
        try (RingClient ring = client()) {
            assertThat(new JobWaiter(ring, host, progress, false).await("cleanup-1", 0).exitStatus())
                    .isEqualTo(JobWaiter.JOB_FAILED);
        }
    }

    @Test
    void aNodeThatStopsAnsweringIsReportedAsALostConnectionNotAFailedJob() throws Exception {
        answers.add(job("running", "rewriting 2 tables", 10, 100, ""));
        serve();
        PrintStream err = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try (RingClient ring = client()) {
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            JobWaiter waiter = new JobWaiter(ring, host, progress, false);
            server.stop(0);
            server = null;
            assertThat(waiter.await("cleanup-1", 0).exitStatus()).isEqualTo(JobWaiter.STOPPED_WAITING);
        } finally {
            System.setErr(err);
        }
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("lost the connection to " + host)
                .contains("the job goes on on the node").contains("ringdb jobs cleanup-1");
    }

    @Test
    void theWaitIsBoundedAndSaysTheJobGoesOn() throws Exception {
        answers.add(job("running", "rewriting 2 tables", 10, 100, ""));
        serve();
        PrintStream err = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try (RingClient ring = client()) {
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            assertThat(new JobWaiter(ring, host, progress, true).await("cleanup-1", 700).exitStatus())
                    .isEqualTo(JobWaiter.STOPPED_WAITING);
        } finally {
            System.setErr(err);
        }
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .contains("stopped waiting for job cleanup-1 after 700 ms");
        assertThat(progressBytes.toString(StandardCharsets.UTF_8)).as("a terminal line rewritten in place")
                .startsWith("\rcleanup-1 running 1s: rewriting 2 tables: 10 of 100 entries").endsWith("\n");
    }
}
