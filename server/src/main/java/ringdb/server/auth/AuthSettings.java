package ringdb.server.auth;

import ringdb.server.config.ConfigException;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.ServerConfig;

/**
 * The node's authentication and authorization settings ({@code authenticator}, {@code authorizer},
 * the first superuser, {@code roles_validity_ms}, {@code auth_token_validity_ms}).
 * {@code superuserPassword} comes from the environment variable {@value #SUPERUSER_PASSWORD_ENV}
 * when set, else from {@code auth_superuser_password}; null when neither is.
 */
public record AuthSettings(boolean passwordAuthentication, boolean authorization, String superuserName,
                           String superuserPassword, String superuserPasswordSource, long validityMillis,
                           long tokenValidityMillis, int replicationFactor) {
    public static final String SUPERUSER_PASSWORD_ENV = "RINGDB_SUPERUSER_PASSWORD";
    public static final String PASSWORD_AUTHENTICATOR = "PasswordAuthenticator";
    public static final String CASSANDRA_AUTHORIZER = "CassandraAuthorizer";

    /** Allow-all: no login, every statement allowed. */
    public static AuthSettings allowAll() {
        return new AuthSettings(false, false, "ringdb", null, null, 2_000, 3_600_000, 1);
    }

    /** From the configuration and the environment; throws ConfigException for settings that do not go together. */
    public static AuthSettings from(ServerConfig config, java.util.Map<String, String> environment) {
        boolean password = PASSWORD_AUTHENTICATOR.equals(config.text(ConfigKeys.AUTHENTICATOR));
        boolean authorizer = CASSANDRA_AUTHORIZER.equals(config.text(ConfigKeys.AUTHORIZER));
        if (authorizer && !password) {
            throw new ConfigException(ConfigKeys.AUTHORIZER + ": CassandraAuthorizer needs "
                    + ConfigKeys.AUTHENTICATOR + ": PasswordAuthenticator (without logins there is no role to check)");
        }
        String fromEnvironment = environment.get(SUPERUSER_PASSWORD_ENV);
        String fromConfig = config.text(ConfigKeys.AUTH_SUPERUSER_PASSWORD);
        String superuserPassword = fromEnvironment != null && !fromEnvironment.isEmpty() ? fromEnvironment
                : fromConfig == null || fromConfig.isEmpty() ? null : fromConfig;
        String source = superuserPassword == null ? null : superuserPassword.equals(fromEnvironment)
                ? "the environment variable " + SUPERUSER_PASSWORD_ENV : ConfigKeys.AUTH_SUPERUSER_PASSWORD;
        return new AuthSettings(password, authorizer, config.text(ConfigKeys.AUTH_SUPERUSER_NAME), superuserPassword,
                source, config.integer(ConfigKeys.ROLES_VALIDITY_MS), config.integer(ConfigKeys.AUTH_TOKEN_VALIDITY_MS),
                config.integer(ConfigKeys.REPLICATION_FACTOR));
    }

    @Override
    public String toString() {
        return "AuthSettings[passwordAuthentication=" + passwordAuthentication + ", authorization=" + authorization
                + ", superuserName=" + superuserName + ", superuserPassword=" + (superuserPassword == null ? "none"
                : "(set)") + "]";
    }
}
