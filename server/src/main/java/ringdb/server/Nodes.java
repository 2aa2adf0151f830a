package ringdb.server;

import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;

/** Starts a real node with its production parts: storage on disk and the dashboard at {@code /}. */
public final class Nodes {
    private Nodes() {
    }

    public static ServerNode start(ServerConfig config) {
        return ServerNode.start(config, new FileStores(config), null);
    }
}
