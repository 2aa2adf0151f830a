package ringdb.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.ring.Partitioner;
import ringdb.server.config.HostPort;

/**
 * The real {@link Network}: Netty over TCP. Listens on the node's internode address, keeps one
 * outbound connection per peer (the peer's node id is its "host:port"), and hands every decoded
 * inbound message to the {@link InboundMessageHandler.Sink}. Frames are encoded on the caller's
 * thread by {@link MessageCodec}, the same codec the simulator runs. Every connection opens with an
 * {@link InternodeHandshake}: a node of another cluster (or partitioner, or protocol version) is
 * refused with the reason on both sides, and a connection carries frames of its own node only.
 *
 * <p>Threading: {@link #send} is safe from any thread (the node calls it from its own thread).
 * Connections run on the event loop group given at start (in the server, the node's own thread,
 * so a message reaches the node without a thread handoff); closing the transport closes its
 * channels, not the group.
 */
public final class InternodeTransport implements Network, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InternodeTransport.class);
    /** An inbound connection silent this long is closed (a half-open or stuck peer). */
    private static final int INBOUND_IDLE_SECONDS = 300;
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    /** The default bound on inbound messages not yet handled by the node. */
    public static final long RECEIVE_QUEUE_BYTES_MAX_DEFAULT = 128L * 1024 * 1024;
    /** The cluster name of a node whose configuration names none (as the {@code cluster_name} default). */
    public static final String CLUSTER_NAME_DEFAULT = "ringdb";
    /** The default time without write progress after which a peer is taken as dead. */
    public static final long USER_TIMEOUT_MILLIS_DEFAULT = 30_000;

    /**
     * Settings of the transport; sizes in bytes, times in milliseconds. {@code userTimeoutMillis}: a
     * peer connection whose backlog makes no progress this long is closed (0: never);
     * {@code receiveQueueBytesMax}: inbound messages not yet handled, past which reading pauses;
     * {@code clusterName}: only nodes of this cluster are accepted at the handshake; {@code tls}: TLS
     * on every connection, both ways (null: plaintext); {@code partitioner}: the node's, told in the
     * handshake (a peer using another is refused) and giving decoded entries their tokens.
     */
    public record Settings(HostPort listenAddress, NodeId self, long sendQueueBytesMax, int connectTimeoutMillis,
                           long reconnectBackoffMaxMillis, long userTimeoutMillis, long receiveQueueBytesMax,
                           String clusterName, InternodeTls tls, Partitioner partitioner) {
        /** As the canonical constructor, with SHA-1 (the default partitioner). */
        public Settings(HostPort listenAddress, NodeId self, long sendQueueBytesMax, int connectTimeoutMillis,
                        long reconnectBackoffMaxMillis, long userTimeoutMillis, long receiveQueueBytesMax,
                        String clusterName, InternodeTls tls) {
            this(listenAddress, self, sendQueueBytesMax, connectTimeoutMillis, reconnectBackoffMaxMillis,
                    userTimeoutMillis, receiveQueueBytesMax, clusterName, tls, Partitioner.SHA1);
        }

        public Settings(HostPort listenAddress, NodeId self, long sendQueueBytesMax, int connectTimeoutMillis,
                        long reconnectBackoffMaxMillis, long userTimeoutMillis, long receiveQueueBytesMax,
                        String clusterName) {
            this(listenAddress, self, sendQueueBytesMax, connectTimeoutMillis, reconnectBackoffMaxMillis,
                    userTimeoutMillis, receiveQueueBytesMax, clusterName, null);
        }

        public Settings(HostPort listenAddress, NodeId self, long sendQueueBytesMax, int connectTimeoutMillis,
                        long reconnectBackoffMaxMillis, long userTimeoutMillis, long receiveQueueBytesMax) {
            this(listenAddress, self, sendQueueBytesMax, connectTimeoutMillis, reconnectBackoffMaxMillis,
                    userTimeoutMillis, receiveQueueBytesMax, CLUSTER_NAME_DEFAULT);
        }

        public Settings(HostPort listenAddress, NodeId self, long sendQueueBytesMax, int connectTimeoutMillis,
                        long reconnectBackoffMaxMillis) {
            this(listenAddress, self, sendQueueBytesMax, connectTimeoutMillis, reconnectBackoffMaxMillis,
                    USER_TIMEOUT_MILLIS_DEFAULT, RECEIVE_QUEUE_BYTES_MAX_DEFAULT);
        }

        InternodeHandshake.Identity identity() {
            return InternodeHandshake.Identity.of(clusterName, partitioner, self);
        }
    }

    private final Settings settings;
    private final TransportStats stats;
    private final EventLoopGroup group;
    private final ConcurrentHashMap<NodeId, PeerConnection> peers = new ConcurrentHashMap<>();
    private final Channel serverChannel;
    private final ChannelGroup inbound;
    private final SinkHolder sink;
    private final InboundBacklog backlog;
    private volatile Set<NodeId> departed = Set.of();

    /** Lets the node be created after the transport (it needs the transport as its network). */
    private static final class SinkHolder implements InboundMessageHandler.Sink {
        private volatile InboundMessageHandler.Sink target;
        private volatile InternodeTransport transport;

        @Override
        public void deliver(Envelope envelope, Runnable processed) {
            InternodeTransport receiving = transport;
            if (receiving != null) {
                receiving.heardFrom(envelope.from());
            }
            InboundMessageHandler.Sink current = target;
            if (current != null) {
                current.deliver(envelope, processed);
            } else {
                processed.run();
            }
        }
    }

    private InternodeTransport(Settings settings, TransportStats stats, EventLoopGroup group, Channel serverChannel,
                               ChannelGroup inbound, SinkHolder sink, InboundBacklog backlog) {
        this.backlog = backlog;
        this.inbound = inbound;
        this.sink = sink;
        this.settings = settings;
        this.stats = stats;
        this.group = group;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds the listening socket; fails at once (with the address) if the port is taken. Inbound
     * messages go to {@code sink} (may be null until {@link #setSink}; messages before are dropped).
     */
    public static InternodeTransport start(Settings settings, InboundMessageHandler.Sink initialSink,
                                           EventLoopGroup group) {
        SinkHolder sink = new SinkHolder();
        sink.target = initialSink;
        java.util.concurrent.atomic.AtomicReference<InternodeTransport> transportHolder =
                new java.util.concurrent.atomic.AtomicReference<>();
        TransportStats stats = new TransportStats();
        InboundBacklog backlog = new InboundBacklog(settings.receiveQueueBytesMax(), stats);
        ChannelGroup inbound = new DefaultChannelGroup("ringdb-internode", group.next());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(SocketTransport.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            inbound.add(ch);
                            if (settings.tls() != null) {
                                ch.pipeline().addLast("tls", settings.tls().serverHandler(ch));
                            }
                            ch.pipeline().addLast(new ReadTimeoutHandler(INBOUND_IDLE_SECONDS, TimeUnit.SECONDS));
                            InternodeFraming.addInbound(ch.pipeline(), settings.identity(), sink, stats, backlog,
                                    peer -> {
                                        InternodeTransport transport = transportHolder.get();
                                        if (transport != null) {
                                            transport.peerConnected(peer);
                                        }
                                    }, settings.tls());
                        }
                    })
                    .bind(settings.listenAddress().host(), settings.listenAddress().port())
                    .syncUninterruptibly().channel();
            InternodeTransport transport = new InternodeTransport(settings, stats, group, server, inbound, sink,
                    backlog);
            transportHolder.set(transport);
            sink.transport = transport;
            return transport;
        } catch (Exception e) { // bind failures arrive as undeclared checked exceptions
            throw new IllegalStateException("cannot listen for internode connections on " + settings.listenAddress()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void send(NodeId to, Message message) {
        if (departed.contains(to)) {
            stats.droppedDeparted.increment();
            return;
        }
        byte[] frame = MessageCodec.encodeFrame(settings.self(), message);
        PeerConnection connection = peers.get(to);
        if (connection == null) {
            connection = peers.computeIfAbsent(to, this::newConnection);
            if (connection == null) {
                stats.droppedUnreachable.increment();
                return;
            }
        }
        connection.send(frame);
    }

    private PeerConnection newConnection(NodeId peer) {
        HostPort address;
        try {
            address = HostPort.parse(peer.id());
        } catch (IllegalArgumentException e) {
            log.warn("cannot send to {}: a node id in the real runtime must be host:port ({})", peer, e.getMessage());
            return null;
        }
        return new PeerConnection(address, settings.identity(), settings.tls(), group.next(), stats,
                settings.connectTimeoutMillis(), settings.reconnectBackoffMaxMillis(), settings.sendQueueBytesMax(),
                settings.userTimeoutMillis());
    }

    /**
     * The nodes that left the ring or were removed from it (as gossip last showed them; replaces the
     * previous set): their connections are closed and forgotten, and messages to them are dropped and
     * counted instead of opening new connections, so a cluster that churns through many addresses
     * does not keep a connection (and its reconnect attempts) per address it ever saw. A node in the
     * set again a member later (it rejoined) is simply left out of the next set.
     */
    public void setDeparted(Set<NodeId> nodes) {
        Set<NodeId> now = Set.copyOf(nodes);
        departed = now;
        for (NodeId node : now) {
            PeerConnection connection = peers.remove(node);
            if (connection != null) {
                connection.close();
                stats.peersForgotten.increment();
                log.info("forgot the connection to {}: it is no longer a member of the ring", node);
            }
        }
    }

    /**
     * A node shook hands on an inbound connection: if it was taken as departed, it is back (it moved
     * back to an address it had left, or rejoined), so messages to it are sent again; otherwise the
     * answers that would tell this node its new state would be dropped, and it could never return.
     * The next update of the departed set drops it again if gossip still shows it gone.
     */
    void peerConnected(NodeId peer) {
        resume(peer, "connected again");
    }

    /**
     * A message came from {@code peer}: if it is taken as departed, sending to it resumes, as when it
     * connects. Its connection may predate the update that named it departed (a removed node that
     * came back and talked first): it must still hear the answers that tell it it was removed, or it
     * would wait for its peers forever instead of stopping.
     */
    private void heardFrom(NodeId peer) {
        resume(peer, "sent a message");
    }

    private void resume(NodeId peer, String why) {
        Set<NodeId> now = departed;
        if (now.contains(peer)) {
            Set<NodeId> without = new HashSet<>(now);
            without.remove(peer);
            departed = Set.copyOf(without);
            log.info("{} {}: sending to it resumes", peer, why);
        }
    }

    /** Whether messages to {@code peer} are dropped because it is taken as departed (for tests and status). */
    boolean departedContains(NodeId peer) {
        return departed.contains(peer);
    }

    /** Peers this transport keeps a connection (or a connection attempt) for. */
    public int peerCount() {
        return peers.size();
    }

    /** Inbound connections whose reading is paused because the node is behind on its inbound messages. */
    public int pausedInboundConnections() {
        return backlog.pausedCount();
    }

    /** Where inbound messages go from now on; called on Netty I/O threads. */
    public void setSink(InboundMessageHandler.Sink target) {
        sink.target = target;
    }

    public TransportStats stats() {
        return stats;
    }

    /** The bound listening address (its port is the real one when 0 was asked for). */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Waits, at most {@code timeoutMillis} in all, until every message sent so far to a connected
     * peer has been written to its socket (so a shutdown announcement leaves before the process).
     * Returns false when the time ran out first.
     */
    public boolean awaitFlushed(long timeoutMillis) {
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Future<Void>> barriers = new ArrayList<>();
        peers.values().forEach(peer -> barriers.add(peer.flushed()));
        for (Future<Void> barrier : barriers) {
            long remainingNanos = deadlineNanos - System.nanoTime();
            if (remainingNanos <= 0 || !barrier.awaitUninterruptibly(remainingNanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        peers.values().forEach(PeerConnection::close);
        inbound.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    }
}
