package ringdb.server.cql;

import java.net.InetSocketAddress;

/**
 * Who may use the CQL port. When {@link #requireAuthentication()} is true, a connection's STARTUP
 * is answered AUTHENTICATE naming {@link #className()} (drivers pick their credentials provider
 * by it: {@code org.apache.cassandra.auth.PasswordAuthenticator} for SASL PLAIN), and each
 * AUTH_RESPONSE token goes to the connection's {@link SaslNegotiator}: a challenge goes back as
 * AUTH_CHALLENGE, success as AUTH_SUCCESS, failure as an authentication error (0x0100). Until then
 * every other request but OPTIONS is refused.
 *
 * <p>Threading: {@link #newSaslNegotiator} and the negotiator run on the connection's event loop;
 * they must not block: work that takes time (reading a role, checking a slow password hash) goes
 * into the stage {@link SaslNegotiator#evaluateResponseAsync} returns.
 */
public interface Authenticator {
    /** Whether connections must authenticate; false: STARTUP is answered READY. */
    boolean requireAuthentication();

    /** The authenticator's name sent in AUTHENTICATE. */
    String className();

    /** A negotiator for one connection from {@code client}. */
    SaslNegotiator newSaslNegotiator(InetSocketAddress client);

    /** One connection's SASL exchange. */
    interface SaslNegotiator {
        /**
         * Takes the client's token; returns the next challenge, or the final token once
         * {@link #isComplete()}. Throws {@link CqlException} (authentication error) when the
         * credentials are wrong.
         */
        byte[] evaluateResponse(byte[] clientToken);

        /**
         * As {@link #evaluateResponse}, completing later; what the connection calls. The stage may
         * complete on any thread; {@link #isComplete()} and {@link #authenticatedUser()} are read once it has.
         */
        default java.util.concurrent.CompletionStage<byte[]> evaluateResponseAsync(byte[] clientToken) {
            try {
                return java.util.concurrent.CompletableFuture.completedFuture(evaluateResponse(clientToken));
            } catch (RuntimeException e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }

        boolean isComplete();

        /** The user authenticated, once complete. */
        String authenticatedUser();
    }

    /** Every client is allowed without credentials (Cassandra's AllowAllAuthenticator). */
    Authenticator ALLOW_ALL = new Authenticator() {
        @Override
        public boolean requireAuthentication() {
            return false;
        }

        @Override
        public String className() {
            return "org.apache.cassandra.auth.AllowAllAuthenticator";
        }

        @Override
        public SaslNegotiator newSaslNegotiator(InetSocketAddress client) {
            throw new IllegalStateException("AllowAllAuthenticator needs no authentication");
        }
    };
}
