package ringdb.dashboard.model;

/**
 * One node as an operator sees it (the row of {@code nodetool status} and more).
 *
 * @param id              node id
 * @param state           NORMAL, STARTING, JOINING, LEAVING, LEFT or DOWN
 * @param up              whether the cluster considers it alive
 * @param ownership       fraction 0..1 of the ring it holds as primary replica
 * @param tokenCount      its tokens (vnodes) on the ring
 * @param generation      gossip generation (changes on every restart)
 * @param heartbeatVersion latest heartbeat it published
 * @param keys            estimated keys held locally
 * @param loadBytes       live bytes held locally
 * @param memtableBytes   bytes in the memtable
 * @param tableCount      sorted table files
 * @param commitLogBytes  commit log bytes on disk
 * @param hintsPending    hints it holds for other nodes
 * @param streaming       streaming progress text ("" when nothing streams)
 * @param httpAddress     "host:port" of its HTTP API (empty when unknown)
 * @param streamingProgress fraction 0..1 of the ranges its running stream sessions have done (-1: none)
 */
public record NodeView(String id, String state, boolean up, double ownership, int tokenCount,
                       long generation, long heartbeatVersion, long keys, long loadBytes,
                       long memtableBytes, int tableCount, long commitLogBytes, long hintsPending,
                       String streaming, String httpAddress, double streamingProgress) {
}
