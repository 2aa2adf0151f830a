package ringdb.server.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import ringdb.server.config.HostPort;

/**
 * TLS on the internode port ({@code server_encryption_*}): each node holds a certificate and its
 * private key (PEM; the key in PKCS#8) and trusts the certificates (PEM, normally the cluster's own
 * certificate authority) that sign its peers' certificates. Both ends present their certificate when
 * {@code requireClientAuth} (mutual TLS, the default), so only holders of a certificate the cluster
 * trusts can connect: a plaintext peer, a peer without a certificate and one whose certificate
 * another authority signed fail the TLS handshake and never reach the internode handshake. Host
 * names are not checked (a node is named by its address, which certificates need not list): the
 * trusted authority is the boundary.
 */
public final class InternodeTls {
    private final SslContext server;
    private final SslContext client;

    private InternodeTls(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    /**
     * Reads the PEM files; throws {@link IllegalArgumentException} naming the file and the reason
     * when one is missing or unreadable, or the key does not go with the certificate.
     */
    public static InternodeTls fromPem(Path certificate, Path privateKey, Path trusted, boolean requireClientAuth) {
        requireFile("server_encryption_certificate", certificate);
        requireFile("server_encryption_private_key", privateKey);
        requireFile("server_encryption_trusted_certificates", trusted);
        try {
            SslContext server = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                    .trustManager(trusted.toFile())
                    .clientAuth(requireClientAuth ? ClientAuth.REQUIRE : ClientAuth.NONE)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(certificate.toFile(), privateKey.toFile())
                    .trustManager(trusted.toFile())
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new InternodeTls(server, client);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up internode TLS from " + certificate + ", " + privateKey
                    + " and " + trusted + ": " + e.getMessage(), e);
        }
    }

    private static void requireFile(String key, Path file) {
        if (file == null) {
            throw new IllegalArgumentException(key + " is required when server_encryption_enabled is true");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(key + ": cannot read " + file);
        }
    }

    SslHandler serverHandler(Channel channel) {
        return server.newHandler(channel.alloc());
    }

    SslHandler clientHandler(Channel channel, HostPort peer) {
        return client.newHandler(channel.alloc(), peer.host(), peer.port());
    }
}
