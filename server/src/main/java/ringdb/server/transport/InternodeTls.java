package ringdb.server.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import ringdb.server.config.HostPort;
import ringdb.server.tls.NodeCertificates;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.tls.TlsMaterial;

/**
 * TLS on the internode port ({@code server_encryption_*}): each node holds a certificate and its
 * private key (PEM, the key in PKCS#8, or a PKCS#12 key store) and trusts the certificates (PEM or a
 * PKCS#12 trust store, normally the cluster's own certificate authority) that sign its peers'
 * certificates. Both ends present their certificate when {@code requireClientAuth} (mutual TLS, the
 * default), so only holders of a certificate the cluster trusts can connect: a plaintext peer, a
 * peer without a certificate and one whose certificate another authority signed fail the TLS
 * handshake and never reach the internode handshake.
 *
 * <p>With {@code checkNodeIds} (the default), a certificate speaks for one node only: the node id a
 * peer claims in its HELLO, and the id of the node this node dialled, must be named by the peer's
 * certificate ({@link NodeCertificates}), else the connection is refused. Host names are not
 * checked as HTTPS does; the id is.
 *
 * <p>The contexts are {@link ReloadingTls}: new connections use the certificates current when they
 * open.
 */
public final class InternodeTls {
    private record Contexts(SslContext server, SslContext client) {
    }

    private final ReloadingTls<Contexts> contexts;
    private final boolean checkNodeIds;

    private InternodeTls(ReloadingTls<Contexts> contexts, boolean checkNodeIds) {
        this.contexts = contexts;
        this.checkNodeIds = checkNodeIds;
    }

    /** PEM files, node ids checked; see {@link #from}. */
    public static InternodeTls fromPem(Path certificate, Path privateKey, Path trusted, boolean requireClientAuth) {
        return from(TlsMaterial.pem("server_encryption", certificate, privateKey, trusted), requireClientAuth, true);
    }

    /**
     * Reads the files; throws {@link IllegalArgumentException} naming the key and file and the reason
     * when one is missing or unreadable, or the key does not go with the certificate.
     */
    public static InternodeTls from(TlsMaterial material, boolean requireClientAuth, boolean checkNodeIds) {
        material.check("server_encryption_enabled", true);
        try {
            return new InternodeTls(ReloadingTls.start("internode", material,
                    files -> build(files, requireClientAuth)), checkNodeIds);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up internode TLS: " + e.getMessage(), e);
        }
    }

    private static Contexts build(TlsMaterial files, boolean requireClientAuth) {
        try {
            SslContext server = SslContextBuilder.forServer(files.keyManagers())
                    .trustManager(files.trustManagers())
                    .clientAuth(requireClientAuth ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(files.keyManagers())
                    .trustManager(files.trustManagers())
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new Contexts(server, client);
        } catch (SSLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The reloading contexts (for the reloader and metrics). */
    public ReloadingTls<?> reloading() {
        return contexts;
    }

    SslHandler serverHandler(Channel channel) {
        return contexts.current().server().newHandler(channel.alloc());
    }

    SslHandler clientHandler(Channel channel, HostPort peer) {
        return contexts.current().client().newHandler(channel.alloc(), peer.host(), peer.port());
    }

    /**
     * Why the peer at the other end of {@code channel} may not speak for {@code nodeId}, or null when
     * it may (its certificate names the id, node ids are not checked, or it presented no certificate
     * because none is required).
     */
    String peerMismatch(Channel channel, String nodeId) {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (!checkNodeIds || handler == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = handler.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            return null;
        }
        return NodeCertificates.mismatch(certificate, nodeId);
    }
}
