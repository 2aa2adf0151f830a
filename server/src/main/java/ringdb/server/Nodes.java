package ringdb.server;

import ringdb.dashboard.DashboardHandler;
import ringdb.server.config.ServerConfig;
import ringdb.server.cql.NodeStatements;
import ringdb.server.dashboard.RealDashboardSource;
import ringdb.server.runtime.DashboardMount;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;

/** Starts a real node with its production parts: storage on disk, the dashboard at {@code /}, CQL statements. */
public final class Nodes {
    private Nodes() {
    }

    public static ServerNode start(ServerConfig config) {
        return ServerNode.start(config, new FileStores(config), view -> {
            RealDashboardSource source = new RealDashboardSource(view, view.transport());
            DashboardHandler handler = new DashboardHandler(source);
            return new DashboardMount(DashboardHandler::serves, handler::channelHandler, source, handler::close);
        }, NodeStatements::new);
    }
}
