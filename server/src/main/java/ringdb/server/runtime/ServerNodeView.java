package ringdb.server.runtime;

import ringdb.core.node.Node;
import ringdb.core.store.LocalStore;
import ringdb.server.config.ServerConfig;
import ringdb.server.transport.TransportStats;

/** What a viewer of a running node (the dashboard source) may use. Call the node only on its thread. */
public record ServerNodeView(Node node, NodeThread nodeThread, ServerConfig config, RecentEvents events,
                             LocalStore data, TransportStats transport) {
}
