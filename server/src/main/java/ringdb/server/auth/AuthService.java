package ringdb.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.cql.statements.AuthStatement;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.Permission;
import ringdb.server.cql.AccessControl;
import ringdb.server.cql.Authenticator;
import ringdb.server.cql.ClientState;
import ringdb.server.cql.CqlException;
import ringdb.server.cql.CqlQueryHandler;
import ringdb.server.cql.CqlResult;

/**
 * A node's authentication and authorization: logins checked against system_auth.roles (PBKDF2
 * hashes, {@link PasswordHashes}), permissions from system_auth.role_permissions (a role has its
 * own and those of the roles granted to it; a superuser has every one), the first superuser, the
 * tokens of the HTTP API, and the role and permission statements of CQL ({@link RoleStatements}).
 * A role's record and permissions, and a password once verified, are kept
 * {@code roles_validity_ms}; changes made on this node take effect here at once.
 *
 * <p>Threading: any thread. Password hashing runs on a small pool of its own, never on an event
 * loop or the node's thread.
 */
public final class AuthService implements AccessControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    /** Roles followed through GRANT role TO role, at most. */
    static final int ROLE_GRAPH_MAX = 64;
    /** Tokens one node keeps at most (older ones are dropped first when it is full). */
    static final int TOKENS_MAX = 100_000;

    private final AuthSettings settings;
    private final RoleStore store;
    private final PasswordHashes hashes;
    private final ExecutorService hashing;
    private final byte[] cacheKey = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached<Effective>> effective = new ConcurrentHashMap<>();
    private final Map<String, Long> verified = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final RoleStatements statements;

    /** A role as this node sees it: its record, whether it is a superuser, its permissions with inherited ones. */
    record Effective(Role role, boolean superuser, Map<DataResource, Set<Permission>> permissions) {
    }

    private record Cached<T>(T value, long expiresNanos) {
    }

    private record Token(String role, long expiresNanos) {
    }

    /** A dashboard session: its role, the token state-changing requests must carry, and when it ends. */
    public record Session(String id, String role, String csrfToken, long expiresNanos) {
    }

    /** {@code statements}: the node's own statements, for reading and writing the role tables. */
    public AuthService(AuthSettings settings, CqlQueryHandler statements) {
        this.settings = settings;
        this.store = new RoleStore(statements);
        this.hashes = new PasswordHashes(random);
        this.hashing = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ringdb-password-hashing");
            t.setDaemon(true);
            return t;
        });
        random.nextBytes(cacheKey);
        this.statements = new RoleStatements(this);
    }

    public AuthSettings settings() {
        return settings;
    }

    /** Whether clients must log in (PasswordAuthenticator). */
    public boolean authenticationRequired() {
        return settings.passwordAuthentication();
    }

    RoleStore store() {
        return store;
    }

    PasswordHashes hashes() {
        return hashes;
    }

    /** Hashes {@code password} off the calling thread. */
    CompletionStage<String> hash(String password) {
        return CompletableFuture.supplyAsync(() -> hashes.hash(password), hashing);
    }

    /**
     * Creates the first superuser ({@code auth_superuser_name}) when none of that name exists, stamped at
     * time 0 so that any later ALTER of it wins and nodes that create it at once converge.
     */
    public CompletionStage<Boolean> createFirstSuperuser() {
        String name = settings.superuserName();
        String password = settings.superuserPassword();
        if (password == null || password.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return store.role(name).thenCompose(existing -> {
            if (existing != null) {
                return CompletableFuture.completedFuture(false);
            }
            return hash(password).thenCompose(hash -> store.write(name, true, true, hash, 0))
                    .thenApply(v -> {
                        log.info("created the superuser role {} (from {})", name, settings.superuserPasswordSource());
                        return true;
                    });
        });
    }

    // ---- authentication ----

    /** The role {@code user} logs in as; fails with {@link AuthException} for a wrong name or password. */
    public CompletionStage<String> login(String user, String password) {
        if (user == null || user.isEmpty() || password == null) {
            return CompletableFuture.failedFuture(new AuthException(AuthException.Kind.UNAUTHENTICATED,
                    "Authentication failed: a user name and a password are required"));
        }
        return effective(user).thenCompose(e -> {
            if (e == null || e.role().saltedHash() == null) {
                return CompletableFuture.failedFuture(AuthException.badCredentials(user));
            }
            if (!e.role().login()) {
                return CompletableFuture.failedFuture(new AuthException(AuthException.Kind.UNAUTHENTICATED,
                        user + " is not permitted to log in"));
            }
            String key = verifiedKey(user, password, e.role().saltedHash());
            Long until = verified.get(key);
            if (until != null && until - System.nanoTime() > 0) {
                return CompletableFuture.completedFuture(user);
            }
            return CompletableFuture.supplyAsync(() -> {
                if (!PasswordHashes.matches(password, e.role().saltedHash())) {
                    throw AuthException.badCredentials(user);
                }
                if (settings.validityMillis() > 0) {
                    verified.put(key, System.nanoTime() + settings.validityMillis() * 1_000_000L);
                }
                return user;
            }, hashing);
        });
    }

    /** A keyed hash of what was verified, so the cache holds no password. */
    private String verifiedKey(String user, String password, String saltedHash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            byte[] out = mac.doFinal((user + "\0" + password + "\0" + saltedHash).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** CQL's SASL PLAIN exchange, answered as Cassandra's PasswordAuthenticator. */
    public Authenticator cqlAuthenticator() {
        return settings.passwordAuthentication() ? new PlainTextSasl(this) : Authenticator.ALLOW_ALL;
    }

    /** A new token standing for {@code role} for {@code auth_token_validity_ms}. */
    public String issueToken(String role) {
        if (tokens.size() >= TOKENS_MAX) {
            long now = System.nanoTime();
            tokens.values().removeIf(t -> t.expiresNanos() - now <= 0);
            if (tokens.size() >= TOKENS_MAX) {
                throw new AuthException(AuthException.Kind.UNAUTHORIZED, "too many tokens are valid on this node ("
                        + TOKENS_MAX + "); use the ones issued or wait for them to expire");
            }
        }
        String token = randomToken();
        tokens.put(token, new Token(role, System.nanoTime() + settings.tokenValidityMillis() * 1_000_000L));
        return token;
    }

    /** The role a token stands for, or null when it is unknown or expired. */
    public String tokenRole(String token) {
        Token t = token == null ? null : tokens.get(token);
        if (t == null) {
            return null;
        }
        if (t.expiresNanos() - System.nanoTime() <= 0) {
            tokens.remove(token);
            return null;
        }
        return t.role();
    }

    public void revokeToken(String token) {
        tokens.remove(token);
    }

    /** A new dashboard session for {@code role}, valid {@code auth_token_validity_ms}. */
    public Session openSession(String role) {
        long now = System.nanoTime();
        if (sessions.size() >= TOKENS_MAX) {
            sessions.values().removeIf(s -> s.expiresNanos() - now <= 0);
            if (sessions.size() >= TOKENS_MAX) {
                throw new AuthException(AuthException.Kind.UNAUTHORIZED, "too many sessions are open on this node");
            }
        }
        Session session = new Session(randomToken(), role, randomToken(),
                now + settings.tokenValidityMillis() * 1_000_000L);
        sessions.put(session.id(), session);
        return session;
    }

    /** The session of this id, or null when it is unknown or expired. */
    public Session session(String id) {
        Session s = id == null ? null : sessions.get(id);
        if (s != null && s.expiresNanos() - System.nanoTime() <= 0) {
            sessions.remove(id);
            return null;
        }
        return s;
    }

    public void closeSession(String id) {
        sessions.remove(id);
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---- authorization ----

    /** Whether {@code role} is a superuser (itself or through a role granted to it). */
    public CompletionStage<Boolean> isSuperuser(String role) {
        return effective(role).thenApply(e -> e != null && e.superuser());
    }

    /**
     * Completes when {@code role} may use {@code permission} on {@code resource}; fails with an
     * {@link AuthException} of kind UNAUTHORIZED naming the role, permission and resource otherwise.
     * system_auth is for superusers only.
     */
    public CompletionStage<Void> check(String role, Permission permission, DataResource resource) {
        if (!settings.passwordAuthentication()) {
            return CompletableFuture.completedFuture(null);
        }
        boolean authTables = AuthSchema.KEYSPACE.equals(resource.keyspace());
        if (!settings.authorization() && !authTables) {
            return CompletableFuture.completedFuture(null);
        }
        return effective(role).thenApply(e -> {
            if (e != null && (e.superuser() || (!authTables && holds(e, permission, resource)))) {
                return null;
            }
            throw AuthException.unauthorized("User " + role + " has no " + permission + " permission on " + resource
                    + " or any of its parents");
        });
    }

    static boolean holds(Effective e, Permission permission, DataResource resource) {
        for (DataResource r = resource; r != null; r = r.parent()) {
            Set<Permission> granted = e.permissions().get(r);
            if (granted != null && granted.contains(permission)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletionStage<Void> authorize(ClientState state, Permission permission, DataResource resource) {
        return check(state.user(), permission, resource).exceptionally(failure -> {
            throw cql(failure);
        });
    }

    /** Without password authentication every check passes ({@link #check}): nothing to ask. */
    @Override
    public boolean checksPermissions() {
        return settings.passwordAuthentication();
    }

    @Override
    public CompletionStage<CqlResult> execute(AuthStatement statement, ClientState state) {
        if (!settings.passwordAuthentication()) {
            return CompletableFuture.failedFuture(CqlException.invalid("role and permission statements need "
                    + "authenticator: PasswordAuthenticator (this node runs AllowAllAuthenticator: no roles)"));
        }
        CompletionStage<CqlResult> result;
        try {
            result = statements.execute(statement, state.user());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(failure -> {
            throw cql(failure);
        });
    }

    @Override
    public void created(ClientState state, DataResource resource) {
        String role = state.user();
        if (!settings.passwordAuthentication() || !settings.authorization() || role == null) {
            return;
        }
        isSuperuser(role).thenCompose(superuser -> superuser ? CompletableFuture.completedFuture(null)
                : store.permissions(role, resource, Permission.all(), true)).whenComplete((v, failure) -> {
                    invalidate();
                    if (failure != null) {
                        log.warn("could not grant {} its permissions on {}, which it created: {}", role, resource,
                                failure.toString());
                    }
                });
    }

    /** A failure as the CQL error drivers expect. */
    static CqlException cql(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof AuthException a) {
            return a.kind() == AuthException.Kind.UNAUTHORIZED ? CqlException.unauthorized(a.getMessage())
                    : CqlException.authentication(a.getMessage());
        }
        if (cause instanceof CqlException e) {
            return e;
        }
        if (cause instanceof IllegalArgumentException) {
            return CqlException.invalid(cause.getMessage());
        }
        return CqlException.server(cause.toString());
    }

    // ---- roles as this node sees them ----

    /** The role with its inherited roles and permissions; null when there is no such role. Cached. */
    CompletionStage<Effective> effective(String name) {
        Cached<Effective> cached = effective.get(name);
        if (cached != null && cached.expiresNanos() - System.nanoTime() > 0) {
            return CompletableFuture.completedFuture(cached.value());
        }
        return load(name).thenApply(e -> {
            if (settings.validityMillis() > 0) {
                effective.put(name, new Cached<>(e, System.nanoTime() + settings.validityMillis() * 1_000_000L));
            }
            return e;
        });
    }

    private CompletionStage<Effective> load(String name) {
        return store.role(name).thenCompose(role -> {
            if (role == null) {
                return CompletableFuture.completedFuture(null);
            }
            return graph(role).thenCompose(roles -> permissions(role, roles));
        });
    }

    /** The role and every role granted to it, transitively (at most {@link #ROLE_GRAPH_MAX}). */
    private CompletionStage<List<Role>> graph(Role role) {
        List<Role> found = new ArrayList<>(List.of(role));
        Set<String> seen = new LinkedHashSet<>(List.of(role.name()));
        Deque<String> next = new ArrayDeque<>(role.memberOf());
        return follow(found, seen, next);
    }

    private CompletionStage<List<Role>> follow(List<Role> found, Set<String> seen, Deque<String> next) {
        while (!next.isEmpty() && seen.contains(next.peekFirst())) {
            next.pollFirst();
        }
        if (next.isEmpty() || seen.size() >= ROLE_GRAPH_MAX) {
            return CompletableFuture.completedFuture(found);
        }
        String name = next.pollFirst();
        seen.add(name);
        return store.role(name).thenCompose(r -> {
            if (r != null) {
                found.add(r);
                next.addAll(r.memberOf());
            }
            return follow(found, seen, next);
        });
    }

    private CompletionStage<Effective> permissions(Role role, List<Role> roles) {
        boolean superuser = roles.stream().anyMatch(Role::superuser);
        Map<DataResource, Set<Permission>> all = new HashMap<>();
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        if (settings.authorization() && !superuser) {
            for (Role r : roles) {
                chain = chain.thenCompose(v -> store.permissionsOf(r.name())).thenAccept(granted ->
                        granted.forEach((resource, permissions) -> all.computeIfAbsent(resource,
                                x -> EnumSet.noneOf(Permission.class)).addAll(permissions)));
            }
        }
        return chain.thenApply(v -> new Effective(role, superuser, Map.copyOf(all)));
    }

    /** Forgets what this node cached about roles (after a change made here). */
    void invalidate() {
        effective.clear();
        verified.clear();
    }

    @Override
    public void close() {
        hashing.shutdownNow();
    }
}
