package ringdb.core;

import ringdb.core.message.Message;

/**
 * How a node sends to its peers. Fire and forget: a message may be delayed, duplicated or dropped,
 * and the node never learns which; every request the node cares about carries a correlation id and
 * a timeout from {@link Timers}.
 *
 * <p>Threading: called from the owning node's thread only; implementations must not call back into
 * the node synchronously (deliver later, through the node's own queue).
 */
public interface Network {
    void send(NodeId to, Message message);
}
