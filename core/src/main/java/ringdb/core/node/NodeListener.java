package ringdb.core.node;

import ringdb.core.catalog.SchemaChange;

/**
 * Receives a node's events (peer up/down, hints, recovery...). Called on the node's thread, inline:
 * implementations must be quick and must not call back into the node.
 */
public interface NodeListener {
    NodeListener NONE = event -> { };

    void onEvent(NodeEvent event);

    /**
     * The node's schema changed (a statement here, or what a peer sent): what a CQL layer reports to
     * its clients as SCHEMA_CHANGE. Called on the node's thread, inline, like {@link #onEvent}.
     */
    default void onSchemaChange(SchemaChange change) {
    }
}
