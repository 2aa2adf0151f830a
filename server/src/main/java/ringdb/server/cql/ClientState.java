package ringdb.server.cql;

import java.net.InetSocketAddress;

/**
 * The state of one CQL connection that statements see and change: the client's address, the
 * protocol version it speaks, the user it authenticated as (null: none, with an authenticator that
 * does not require it) and the keyspace USE selected (null: none).
 *
 * <p>Threading: read and written on the connection's event loop only; a handler that completes on
 * another thread must not touch it there.
 */
public final class ClientState {
    private final InetSocketAddress remoteAddress;
    private final int protocolVersion;
    private String user;
    private String keyspace;

    public ClientState(InetSocketAddress remoteAddress, int protocolVersion) {
        this.remoteAddress = remoteAddress;
        this.protocolVersion = protocolVersion;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    public String user() {
        return user;
    }

    void authenticatedAs(String name) {
        user = name;
    }

    /**
     * This state with {@code name} as the keyspace of unqualified table names, for one statement that
     * names its keyspace (protocol v5's keyspace flag); the connection's own keyspace is unchanged.
     */
    ClientState withKeyspace(String name) {
        ClientState one = new ClientState(remoteAddress, protocolVersion);
        one.user = user;
        one.keyspace = name;
        return one;
    }

    /** The keyspace of unqualified table names; null until USE. */
    public String keyspace() {
        return keyspace;
    }

    public void useKeyspace(String name) {
        keyspace = name;
    }
}
