package ringdb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's HTTP connections against a scripted server on 127.0.0.1. */
@Timeout(30)
class HttpTransportTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private ScriptedServer server;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    private String serve(ScriptedServer.Script script) throws IOException {
        server = new ScriptedServer(script);
        toClose.add(server);
        return server.address();
    }

    /** Reads one request (head and Content-Length body) and records its request line; null at end of stream. */
    private String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        String requestLine = text.substring(0, text.indexOf("\r\n"));
        requestLines.add(requestLine);
        return requestLine;
    }

    private static void answer(OutputStream out, int status, byte[] body, boolean close) throws IOException {
        String head = "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length + "\r\nX-Ringdb-Timestamp: 42\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Test
    void reusesOneConnectionForSequentialRequestsAndReadsLargeAnswers() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        String node = serve((socket, number) -> {
            while (readRequest(socket.getInputStream()) != null) {
                answer(socket.getOutputStream(), 200, large, false);
            }
        });
        HttpTransport transport = new HttpTransport(2_000);
        toClose.add(transport);
        for (int i = 0; i < 3; i++) {
            HttpTransport.Response response = transport.exchange(node, HttpMethod.GET, "/v1/kv/k" + i, null, 5_000);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(large);
            assertThat(response.timestampMicros()).isEqualTo(42);
        }
        assertThat(server.connections()).isEqualTo(1);
        assertThat(requestLines)
                .containsExactly("GET /v1/kv/k0 HTTP/1.1", "GET /v1/kv/k1 HTTP/1.1", "GET /v1/kv/k2 HTTP/1.1");
    }

    @Test
    void aConnectionTheNodeClosedWhileIdleIsNotUsedForTheNextWrite() throws Exception {
        // Each connection answers one request and then closes, as a node does when its idle timeout passes.
        BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        String node = serve((socket, number) -> {
            if (readRequest(socket.getInputStream()) != null) {
                answer(socket.getOutputStream(), 200, "ok".getBytes(StandardCharsets.UTF_8), false);
            }
            socket.close();
            closed.add(number);
        });
        HttpTransport transport = new HttpTransport(2_000);
        toClose.add(transport);
        for (int i = 1; i <= 6; i++) {
            // Each write must reach a live connection, not fail as "io" (outcome unknown) on the closed one.
            assertThat(transport.exchange(node, HttpMethod.PUT, "/v1/kv/k" + i, new byte[] {2}, 5_000).status())
                    .isEqualTo(200);
            assertThat(closed.poll(5, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(server.connections()).isEqualTo(6);
    }

    @Test
    void noAnswerIsAClientTimeoutAndTheConnectionIsDropped() throws Exception {
        String node = serve((socket, number) -> {
            if (number == 1) {
                readRequest(socket.getInputStream()); // and never answer
                socket.getInputStream().read();
                return;
            }
            while (readRequest(socket.getInputStream()) != null) {
                answer(socket.getOutputStream(), 404, new byte[0], false);
            }
        });
        HttpTransport transport = new HttpTransport(2_000);
        toClose.add(transport);
        assertThatThrownBy(() -> transport.exchange(node, HttpMethod.GET, "/v1/kv/slow", null, 300))
                .isInstanceOfSatisfying(RingClientException.class,
                        e -> assertThat(e.error()).isEqualTo("client_timeout"));
        assertThat(transport.exchange(node, HttpMethod.GET, "/v1/kv/next", null, 5_000).status()).isEqualTo(404);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aRefusedConnectionIsUnreachableAndGarbageIsAnIoError() throws Exception {
        ScriptedServer.RefusingPort port = new ScriptedServer.RefusingPort();
        String refusing = port.address();
        HttpTransport transport = new HttpTransport(2_000);
        toClose.add(transport);
        toClose.add(port);
        assertThatThrownBy(() -> transport.exchange(refusing, HttpMethod.PUT, "/v1/kv/a", new byte[] {1}, 2_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> assertThat(e.error()).isEqualTo("unreachable"));
        // nothing else can listen on the refusing port while the test holds it, SO_REUSEADDR or not
        try (ServerSocket taker = new ServerSocket()) {
            taker.setReuseAddress(true);
            assertThatThrownBy(() -> taker.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.port())))
                    .isInstanceOf(BindException.class);
        }
        assertThatThrownBy(() -> transport.exchange(refusing, HttpMethod.GET, "/v1/kv/a", null, 2_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> assertThat(e.error()).isEqualTo("unreachable"));
        String node = serve((socket, number) -> {
            readRequest(socket.getInputStream());
            socket.getOutputStream().write("this is not HTTP\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            socket.close();
        });
        assertThatThrownBy(() -> transport.exchange(node, HttpMethod.GET, "/v1/kv/a", null, 2_000))
                .isInstanceOfSatisfying(RingClientException.class, e -> assertThat(e.error()).isEqualTo("io"));
    }
}
