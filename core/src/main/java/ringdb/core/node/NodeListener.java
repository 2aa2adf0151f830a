package ringdb.core.node;

/**
 * Receives a node's events (peer up/down, hints, recovery...). Called on the node's thread, inline:
 * implementations must be quick and must not call back into the node.
 */
public interface NodeListener {
    NodeListener NONE = event -> { };

    void onEvent(NodeEvent event);
}
