package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.AuthResponse;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.response.AuthSuccess;
import com.datastax.oss.protocol.internal.response.Authenticate;
import com.datastax.oss.protocol.internal.response.Error;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.RequestObserver;
import ringdb.server.audit.AuditCategory;
import ringdb.server.audit.FileAuditLog;
import ringdb.server.config.HostPort;
import ringdb.server.net.FreePorts;
import ringdb.server.transport.SocketTransport;

/**
 * Logins on the CQL port go to the audit log where the authenticator is driven: a wrong password
 * as a failure naming the user it claimed (never the password), a right one as a success.
 */
@Timeout(60)
class CqlLoginAuditTest {
    private static final int V4 = ProtocolConstants.Version.V4;

    @TempDir
    Path dir;

    /** Accepts alice with the password "secret" only. */
    private static final class OneUser implements Authenticator {
        @Override
        public boolean requireAuthentication() {
            return true;
        }

        @Override
        public String className() {
            return "org.apache.cassandra.auth.PasswordAuthenticator";
        }

        @Override
        public SaslNegotiator newSaslNegotiator(InetSocketAddress client) {
            return new SaslNegotiator() {
                private boolean complete;

                @Override
                public byte[] evaluateResponse(byte[] token) {
                    if (!new String(token, StandardCharsets.UTF_8).equals("\0alice\0secret")) {
                        throw CqlException.authentication("Provided username and/or password are incorrect");
                    }
                    complete = true;
                    return null;
                }

                @Override
                public boolean isComplete() {
                    return complete;
                }

                @Override
                public String authenticatedUser() {
                    return "alice";
                }
            };
        }
    }

    private static Message login(RawCqlClient client, String token) throws IOException {
        return client.ask(V4, new AuthResponse(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aFailedAndASuccessfulLoginAreAudited() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        int port = FreePorts.loopback();
        try (FileAuditLog audit = new FileAuditLog(dir, 1 << 20, 2, EnumSet.allOf(AuditCategory.class),
                "127.0.0.1:7000", Clock.systemUTC());
             CqlServer server = CqlServer.start(new CqlServer.Settings(new HostPort("127.0.0.1", port),
                     new NoStatements(), new OneUser(), new CqlEvents(), ConnectionLimits.unlimited(),
                     new ClientTimeouts(60_000, 0, 5_000), RequestObserver.NONE, 1 << 20, 100), null, audit, group);
             RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            assertThat(client.ask(V4, new Startup())).isInstanceOf(Authenticate.class);
            assertThat(login(client, "\0mallory\0guess")).isInstanceOf(Error.class);
            assertThat(login(client, "\0alice\0secret")).isInstanceOf(AuthSuccess.class);
            List<String> lines = Files.readAllLines(dir.resolve(FileAuditLog.FILE_NAME));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"category\":\"AUTH\"", "\"outcome\":\"FAILURE\"",
                    "\"user\":\"mallory\"", "password are incorrect", "\"source\":\"127.0.0.1:")
                    .doesNotContain("guess");
            assertThat(lines.get(1)).contains("\"category\":\"AUTH\"", "\"outcome\":\"SUCCESS\"", "\"user\":\"alice\"",
                    "PasswordAuthenticator").doesNotContain("secret");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
