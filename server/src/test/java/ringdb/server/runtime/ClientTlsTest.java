package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.ClientTls;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.server.Nodes;
import ringdb.server.config.HostPort;
import ringdb.server.config.ServerConfig;
import ringdb.server.tls.ClientPortExposure;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.transport.TestCertificates;
import ringdb.server.net.FreePorts;

/**
 * TLS on a real node's client port (HTTP and native protocol): clients that trust the node's
 * authority and present a client certificate are served, over both protocols and by curl; a client
 * that does not trust the authority, one without a certificate and a plaintext one are not; a
 * reload gives new connections the new certificate while open ones keep going.
 */
@Timeout(120)
class ClientTlsTest {
    private static final byte[] KEY = "tls-key".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private TestCertificates.Issued authority;
    private Path trusted;
    private int internode;
    private int http;

    @BeforeEach
    void certificates() throws Exception {
        internode = FreePorts.loopback();
        http = FreePorts.loopback();
        authority = TestCertificates.authority("cluster-ca");
        trusted = authority.write(dir, "ca");
        TestCertificates.forNode(authority, "127.0.0.1:" + internode).write(dir, "node");
        TestCertificates.signedBy(authority, "operator").write(dir, "operator");
        TestCertificates.Issued foreign = TestCertificates.authority("foreign-ca");
        foreign.write(dir, "foreign-ca");
        TestCertificates.signedBy(foreign, "stranger").write(dir, "stranger");
    }

    private ServerConfig config(boolean requireClientAuth, boolean optional) {
        Map<String, String> flags = new HashMap<>(Map.of("internode_port", Integer.toString(internode),
                "http_port", Integer.toString(http), "data_directory", dir.resolve("data").toString(),
                "replication_factor", "1", "gossip_interval_ms", "100", "ssl_reload_check_interval_ms", "0"));
        flags.put("native_transport_port", "0");
        flags.put("client_encryption_enabled", "true");
        flags.put("client_encryption_optional", Boolean.toString(optional));
        flags.put("client_encryption_certificate", dir.resolve("node.crt").toString());
        flags.put("client_encryption_private_key", dir.resolve("node.key").toString());
        flags.put("client_encryption_trusted_certificates", trusted.toString());
        flags.put("client_encryption_require_client_auth", Boolean.toString(requireClientAuth));
        return ServerConfig.load(null, flags);
    }

    private RingClient client(ClientTls tls, RingClient.Protocol protocol) {
        return new RingClient(List.of("127.0.0.1:" + http), RingClient.Options.defaults().withProtocol(protocol)
                .withTls(tls));
    }

    private ClientTls operator() {
        return ClientTls.fromPem(trusted, dir.resolve("operator.crt"), dir.resolve("operator.key"));
    }

    @Test
    void clientsWithTheAuthorityAndACertificateAreServedAndOthersAreNot() throws Exception {
        try (ServerNode node = Nodes.start(config(true, false))) {
            for (RingClient.Protocol protocol : RingClient.Protocol.values()) {
                try (RingClient client = client(operator(), protocol)) {
                    client.put(KEY, protocol.name().getBytes(StandardCharsets.UTF_8), "ONE");
                    assertThat(client.get(KEY, "ONE")).get().extracting(v -> new String(v.value(),
                            StandardCharsets.UTF_8)).as(protocol + " over TLS").isEqualTo(protocol.name());
                }
            }
            assertThat(curlOrHttpClient("/v1/cluster", true)).as("curl with the authority and a certificate")
                    .contains("\"cluster_name\"");

            ClientTls foreignTrust = ClientTls.fromPem(dir.resolve("foreign-ca.crt"), dir.resolve("operator.crt"),
                    dir.resolve("operator.key"));
            for (RingClient.Protocol protocol : RingClient.Protocol.values()) {
                try (RingClient client = client(foreignTrust, protocol)) {
                    assertThatThrownBy(() -> client.get(KEY, "ONE")).as("a client without the node's authority")
                            .isInstanceOf(RingClientException.class).hasMessageContaining("TLS handshake failed");
                }
            }
            long failedBefore = node.clientTls().failedHandshakes();
            try (RingClient client = client(ClientTls.fromPem(trusted, null, null), RingClient.Protocol.HTTP)) {
                assertThatThrownBy(() -> client.cluster()).as("a client without a certificate")
                        .isInstanceOf(RingClientException.class);
            }
            try (RingClient client = client(null, RingClient.Protocol.NATIVE)) {
                assertThatThrownBy(() -> client.get(KEY, "ONE")).as("plaintext on the TLS port")
                        .isInstanceOf(RingClientException.class);
            }
            assertThat(plaintextHttpAnswer()).as("plaintext HTTP gets no answer").isEmpty();
            awaitTrue("the node counted the failed TLS handshakes",
                    () -> node.clientTls().failedHandshakes() >= failedBefore + 2);
            assertThat(node.metrics().scrape(null)).containsPattern("ringdb_client_tls_handshakes_failed [1-9]")
                    .contains("ringdb_insecure_client_ports 0");
        }
    }

    @Test
    void optionalTlsServesBothOnOnePort() throws Exception {
        try (ServerNode node = Nodes.start(config(false, true));
             RingClient plain = client(null, RingClient.Protocol.NATIVE);
             RingClient secure = client(ClientTls.fromPem(trusted, null, null), RingClient.Protocol.NATIVE)) {
            plain.put(KEY, "plain".getBytes(StandardCharsets.UTF_8), "ONE");
            assertThat(secure.get(KEY, "ONE")).get().extracting(v -> new String(v.value(), StandardCharsets.UTF_8))
                    .isEqualTo("plain");
            assertThat(node.securityWarnings()).as("127.0.0.1 is not reachable from elsewhere").isEmpty();
        }
    }

    @Test
    void aReloadGivesNewConnectionsTheNewCertificateWhileOpenOnesKeepGoing() throws Exception {
        TestCertificates.Issued second = TestCertificates.authority("second-ca");
        Path secondTrusted = second.write(dir, "second-ca");
        try (ServerNode node = Nodes.start(config(false, false));
             RingClient old = client(ClientTls.fromPem(trusted, null, null), RingClient.Protocol.NATIVE)) {
            old.put(KEY, "before".getBytes(StandardCharsets.UTF_8), "ONE");
            try (RingClient early = client(ClientTls.fromPem(secondTrusted, null, null), RingClient.Protocol.HTTP)) {
                assertThatThrownBy(early::cluster).as("the node does not have the second authority's certificate yet")
                        .isInstanceOf(RingClientException.class);
            }
            TestCertificates.forNode(second, "127.0.0.1:" + internode).write(dir, "node");
            List<ReloadingTls.Outcome> outcomes = node.reloadTls();
            assertThat(outcomes).extracting(ReloadingTls.Outcome::reloaded).containsExactly(true);
            try (RingClient fresh = client(ClientTls.fromPem(secondTrusted, null, null), RingClient.Protocol.HTTP)) {
                assertThat(fresh.get(KEY, "ONE")).as("a new connection gets the new certificate").isPresent();
            }
            old.put(KEY, "after".getBytes(StandardCharsets.UTF_8), "ONE");
            assertThat(old.get(KEY, "ONE")).get().extracting(v -> new String(v.value(), StandardCharsets.UTF_8))
                    .as("the connection opened before the reload keeps going").isEqualTo("after");
            assertThat(node.metrics().scrape(null))
                    .contains("ringdb_tls_reloads{outcome=\"reloaded\",port=\"client\"} 1");
        }
    }

    @Test
    void aNodeReachableFromOtherMachinesWithoutClientCertificatesIsWarnedAbout() {
        assertThat(ClientPortExposure.warning("HTTP", new HostPort("0.0.0.0", 8080), null))
                .contains("0.0.0.0:8080").contains("neither TLS nor authentication");
        assertThat(ClientPortExposure.warning("HTTP", new HostPort("10.1.2.3", 8080), null)).isNotNull();
        assertThat(ClientPortExposure.warning("HTTP", new HostPort("127.0.0.1", 8080), null)).isNull();
        assertThat(ClientPortExposure.warning("HTTP", new HostPort("localhost", 8080), null)).isNull();
    }

    /** GET {@code path} over HTTPS with the authority and the operator's certificate: curl if installed, else Java. */
    private String curlOrHttpClient(String path, boolean withCertificate) throws Exception {
        String url = "https://127.0.0.1:" + http + path;
        if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
            List<String> command = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "20", "--cacert",
                    trusted.toString()));
            if (withCertificate) {
                command.addAll(List.of("--cert", dir.resolve("operator.crt").toString(), "--key",
                        dir.resolve("operator.key").toString()));
            }
            command.add(url);
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                assertThat(curl.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
                String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(curl.exitValue()).as("curl: " + output).isZero();
                return output;
            } finally {
                curl.destroyForcibly();
            }
        }
        HttpClient client = HttpClient.newBuilder().sslContext(operator().context())
                .connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** What the node answers to a plaintext HTTP request on its TLS port (it closes without an HTTP answer). */
    private String plaintextHttpAnswer() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.startsWith("HTTP/") ? answer : "";
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval
        }
    }
}
