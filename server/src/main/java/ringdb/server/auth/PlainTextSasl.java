package ringdb.server.auth;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import ringdb.server.cql.Authenticator;
import ringdb.server.cql.CqlException;

/**
 * CQL password authentication as Cassandra's {@code org.apache.cassandra.auth.PasswordAuthenticator}
 * answers it: the client's one token is SASL PLAIN ({@code authzid NUL authcid NUL password}, RFC
 * 4616; the drivers' PlainTextAuthProvider sends it), checked against system_auth.roles. Wrong
 * credentials are an authentication error (0x0100) "Provided username ... and/or password are incorrect".
 */
final class PlainTextSasl implements Authenticator {
    static final String CLASS_NAME = "org.apache.cassandra.auth.PasswordAuthenticator";
    private static final int TOKEN_BYTES_MAX = 4096;

    private final AuthService auth;

    PlainTextSasl(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public boolean requireAuthentication() {
        return true;
    }

    @Override
    public String className() {
        return CLASS_NAME;
    }

    @Override
    public SaslNegotiator newSaslNegotiator(InetSocketAddress client) {
        return new SaslNegotiator() {
            private volatile String user;

            @Override
            public byte[] evaluateResponse(byte[] clientToken) {
                return evaluateResponseAsync(clientToken).toCompletableFuture().join();
            }

            @Override
            public CompletionStage<byte[]> evaluateResponseAsync(byte[] clientToken) {
                String[] parts;
                try {
                    parts = plain(clientToken);
                } catch (CqlException e) {
                    return CompletableFuture.failedFuture(e);
                }
                return auth.login(parts[0], parts[1]).handle((role, failure) -> {
                    if (failure != null) {
                        throw AuthService.cql(failure);
                    }
                    user = role;
                    return null;
                });
            }

            @Override
            public boolean isComplete() {
                return user != null;
            }

            @Override
            public String authenticatedUser() {
                return user;
            }
        };
    }

    /** The user and password of a SASL PLAIN token. */
    static String[] plain(byte[] token) {
        if (token.length > TOKEN_BYTES_MAX) {
            throw CqlException.authentication("Authentication failed: the credentials are longer than "
                    + TOKEN_BYTES_MAX + " bytes");
        }
        int first = indexOfNul(token, 0);
        int second = first < 0 ? -1 : indexOfNul(token, first + 1);
        if (second < 0) {
            throw CqlException.authentication("Authentication failed: expected SASL PLAIN credentials "
                    + "(authzid NUL user NUL password)");
        }
        String user = new String(token, first + 1, second - first - 1, StandardCharsets.UTF_8);
        String password = new String(token, second + 1, token.length - second - 1, StandardCharsets.UTF_8);
        if (user.isEmpty()) {
            throw CqlException.authentication("Authentication ID must not be null");
        }
        if (password.isEmpty()) {
            throw CqlException.authentication("Password must not be null");
        }
        return new String[] {user, password};
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
