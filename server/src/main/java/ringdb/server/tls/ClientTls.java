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
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private ClientTls(ReloadingTls<SslContext> context, boolean optional, boolean requireClientAuth) {
        this.context = context;
        this.optional = optional;
        this.requireClientAuth = requireClientAuth;
    }

    /** The client TLS {@code config} asks for, or null when client_encryption_enabled is false. */
    public static ClientTls fromConfig(ServerConfig config) {
        if (!config.bool(ConfigKeys.CLIENT_ENCRYPTION_ENABLED)) {
            return null;
        }
        return from(TlsMaterial.fromConfig(config, "client_encryption"),
                config.bool(ConfigKeys.CLIENT_ENCRYPTION_OPTIONAL),
                config.bool(ConfigKeys.CLIENT_ENCRYPTION_REQUIRE_CLIENT_AUTH));
    }

    /**
     * Reads the files; throws {@link IllegalArgumentException} naming the key and file and the reason
     * when one is missing or unreadable, or the key does not go with the certificate.
     */
    public static ClientTls from(TlsMaterial material, boolean optional, boolean requireClientAuth) {
        material.check(ConfigKeys.CLIENT_ENCRYPTION_ENABLED, requireClientAuth);
        try {
            return new ClientTls(ReloadingTls.start("client", material, files -> build(files, requireClientAuth)),
                    optional, requireClientAuth);
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

    /** Counts and closes a connection whose TLS failed; everything else passes on. */
    private final class HandshakeFailures extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException && (cause.getCause() instanceof SSLException
                    || cause instanceof NotSslRecordException)) {
                failedHandshakes.increment();
                log.debug("client connection from {}: TLS failed: {}", ctx.channel().remoteAddress(),
                        cause.getCause() == null ? cause.getMessage() : cause.getCause().getMessage());
                ctx.close();
                return;
            }
            ctx.fireExceptionCaught(cause);
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
