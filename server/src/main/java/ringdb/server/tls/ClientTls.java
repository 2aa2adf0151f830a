package ringdb.server.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.audit.AuditCategory;
import ringdb.server.audit.AuditEvent;
import ringdb.server.audit.AuditLog;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.ServerConfig;

/**
 * TLS on a client port ({@code client_encryption_*}): the node presents its certificate; with
 * {@code requireClientAuth} a client must present one signed by a trusted authority; with
 * {@code optional}, a connection that does not open with a TLS handshake is served in plaintext on
 * the same port (for moving clients over one by one). The context is a {@link ReloadingTls}, so
 * new connections get new certificates after a reload while open ones keep going.
 *
 * <p>Every client listener of the node (the HTTP and native port, and any other client protocol
 * the node serves) calls {@link #install} first in each new connection's pipeline, so all share
 * one configuration and one reload.
 *
 * <p>Threading: {@link #newHandler} from any I/O thread.
 */
public final class ClientTls {
    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);
    private final ReloadingTls<SslContext> context;
    private final boolean optional;
    private final boolean requireClientAuth;
    private final LongAdder failedHandshakes = new LongAdder();
    private final AuditLog audit;

    private ClientTls(ReloadingTls<SslContext> context, boolean optional, boolean requireClientAuth, AuditLog audit) {
        this.context = context;
        this.optional = optional;
        this.requireClientAuth = requireClientAuth;
        this.audit = audit;
    }

    /** The client TLS {@code config} asks for, or null when client_encryption_enabled is false. */
    public static ClientTls fromConfig(ServerConfig config) {
        return fromConfig(config, AuditLog.DISABLED);
    }

    /**
     * As above; TLS handshakes that fail, and those in which a client presented a certificate (an
     * authentication), go to {@code audit} (category AUTH).
     */
    public static ClientTls fromConfig(ServerConfig config, AuditLog audit) {
        if (!config.bool(ConfigKeys.CLIENT_ENCRYPTION_ENABLED)) {
            return null;
        }
        return from(TlsMaterial.fromConfig(config, "client_encryption"),
                config.bool(ConfigKeys.CLIENT_ENCRYPTION_OPTIONAL),
                config.bool(ConfigKeys.CLIENT_ENCRYPTION_REQUIRE_CLIENT_AUTH), audit);
    }

    /** As below, without an audit log. */
    public static ClientTls from(TlsMaterial material, boolean optional, boolean requireClientAuth) {
        return from(material, optional, requireClientAuth, AuditLog.DISABLED);
    }

    /**
     * Reads the files; throws {@link IllegalArgumentException} naming the key and file and the reason
     * when one is missing or unreadable, or the key does not go with the certificate.
     */
    public static ClientTls from(TlsMaterial material, boolean optional, boolean requireClientAuth,
                                 AuditLog audit) {
        material.check(ConfigKeys.CLIENT_ENCRYPTION_ENABLED, requireClientAuth);
        try {
            return new ClientTls(ReloadingTls.start("client", material, files -> build(files, requireClientAuth)),
                    optional, requireClientAuth, audit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up client TLS: " + e.getMessage(), e);
        }
    }

    private static SslContext build(TlsMaterial files, boolean requireClientAuth) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(files.keyManagers());
            if (files.hasTrust()) {
                builder.trustManager(files.trustManagers());
            }
            return builder.clientAuth(requireClientAuth ? ClientAuth.REQUIRE : ClientAuth.NONE).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Puts TLS first in a new client connection's pipeline: TLS with the current certificates (or,
     * when optional, a handler that installs TLS if the connection opens with a TLS handshake and
     * steps aside otherwise), then a handler that counts failed TLS handshakes (plaintext to a TLS
     * port, no or an untrusted client certificate, a client that does not trust the node) and
     * closes their connection without a stack trace in the log.
     */
    public void install(Channel channel) {
        SslContext current = context.current();
        channel.pipeline().addLast("tls", optional ? new OptionalSslHandler(current)
                : current.newHandler(channel.alloc()));
        channel.pipeline().addLast("tls-failures", new HandshakeFailures());
    }

    /** Client connections whose TLS handshake failed. */
    public long failedHandshakes() {
        return failedHandshakes.sum();
    }

    /**
     * Counts and closes a connection whose TLS failed (and audits it); audits a handshake in which
     * the client presented a certificate; everything else passes on.
     */
    private final class HandshakeFailures extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException && (cause.getCause() instanceof SSLException
                    || cause instanceof NotSslRecordException)) {
                failedHandshakes.increment();
                String reason = cause.getCause() == null ? cause.getMessage() : cause.getCause().getMessage();
                log.debug("client connection from {}: TLS failed: {}", ctx.channel().remoteAddress(), reason);
                if (audit.records(AuditCategory.AUTH)) {
                    audit.record(AuditEvent.failure(AuditCategory.AUTH, "TLS handshake on "
                            + AuditEvent.address(ctx.channel().localAddress()), ctx.channel().remoteAddress(), null,
                            reason));
                }
                ctx.close();
                return;
            }
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess()
                    && audit.records(AuditCategory.AUTH)) {
                String subject = clientCertificateSubject(ctx);
                if (subject != null) {
                    audit.record(AuditEvent.success(AuditCategory.AUTH, "TLS client certificate on "
                            + AuditEvent.address(ctx.channel().localAddress()), ctx.channel().remoteAddress(),
                            subject));
                }
            }
            super.userEventTriggered(ctx, event);
        }

        private String clientCertificateSubject(ChannelHandlerContext ctx) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl == null) {
                return null;
            }
            try {
                Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate x509
                        ? x509.getSubjectX500Principal().getName() : null;
            } catch (SSLPeerUnverifiedException e) {
                return null; // no client certificate: not an authentication
            }
        }
    }

    /** The reloading context (for the reloader and metrics). */
    public ReloadingTls<?> reloading() {
        return context;
    }

    public boolean optional() {
        return optional;
    }

    public boolean requiresClientCertificates() {
        return requireClientAuth;
    }
}
