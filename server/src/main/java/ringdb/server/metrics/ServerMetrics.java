package ringdb.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import ringdb.core.batchlog.Batchlog;
import ringdb.core.health.StorageHealth;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.store.LocalStore;
import ringdb.server.api.RequestObserver;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.transport.TransportStats;

/**
 * One node's Prometheus metrics: client request rates and latency quantiles, storage sizes,
 * hints pending, internode traffic and drops, gossip state. Each node has its own registry (no
 * global state). Request counters are updated from I/O threads; node-state gauges read the
 * status snapshot taken on the node's thread just before each scrape.
 */
public final class ServerMetrics implements RequestObserver {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final LatencySummary latency;
    // Label lookups resolved once per operation (and outcome): the registry's own lookup hashes a new list per call.
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, CounterDataPoint>> requestCounters =
            new ConcurrentHashMap<>();
    private final Counter events;
    private final TransportStats transport;
    private final long partitionCacheCapacityBytes;
    private volatile NodeStatus status;

    /** Metrics of a node whose data store's partition cache may hold {@code partitionCacheCapacityBytes}. */
    public ServerMetrics(TransportStats transport, long partitionCacheCapacityBytes) {
        this.transport = transport;
        this.partitionCacheCapacityBytes = partitionCacheCapacityBytes;
        requests = Counter.builder().name("ringdb_client_requests_total")
                .help("HTTP API requests by operation and outcome")
                .labelNames("operation", "outcome")
                .register(registry);
        // Quantiles over the last 0-60 s, worked out at a scrape (see LatencySummary): the hot path records
        // into a histogram instead of inserting into a quantile sketch per request.
        latency = new LatencySummary("ringdb_client_request_latency_seconds",
                "HTTP API request latency by operation (from request read to answer)", "operation",
                new double[] {0.5, 0.95, 0.99, 0.999}, 60, System::nanoTime);
        registry.register(latency);
        events = Counter.builder().name("ringdb_node_events_total")
                .help("Node events (peer up/down, hints, recovery...) by kind").labelNames("kind").register(registry);
        registerStorage();
        registerGossip();
        registerTransport();
    }

    @Override
    public void onRequest(String operation, String outcome, long latencyNanos) {
        requestCounters.computeIfAbsent(operation, o -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> requests.labelValues(operation, o)).inc();
        latency.observe(operation, latencyNanos);
    }

    public void onNodeEvent(NodeEvent event) {
        events.labelValues(event.kind().name()).inc();
    }

    /** The Prometheus text exposition, with node gauges taken from {@code latest}. */
    public String scrape(NodeStatus latest) {
        status = latest;
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void gauge(String name, String help, Consumer<GaugeWithCallback.Callback> callback, String... labels) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
    }

    private void storeGauge(String name, String help, ToDoubleFunction<LocalStore.Stats> value) {
        gauge(name, help, cb -> {
            NodeStatus s = status;
            if (s != null && s.storeStats() != null) {
                cb.call(value.applyAsDouble(s.storeStats()));
            }
        });
    }

    private void registerStorage() {
        storeGauge("ringdb_storage_live_bytes", "Bytes of live data (memtable and tables)",
                LocalStore.Stats::liveBytes);
        storeGauge("ringdb_storage_memtable_bytes", "Bytes held in the memtable", LocalStore.Stats::memtableBytes);
        storeGauge("ringdb_storage_commitlog_bytes", "Bytes of commit log on disk", LocalStore.Stats::commitLogBytes);
        storeGauge("ringdb_storage_tables_bytes", "Bytes of sorted table files on disk", LocalStore.Stats::tablesBytes);
        storeGauge("ringdb_storage_tables", "Number of sorted table files", LocalStore.Stats::tableCount);
        storeGauge("ringdb_storage_keys_estimate", "Estimated number of keys", LocalStore.Stats::keysEstimate);
        storeGauge("ringdb_storage_partition_cache_hits", "Whole-partition reads answered by the partition cache",
                LocalStore.Stats::partitionCacheHits);
        storeGauge("ringdb_storage_partition_cache_misses", "Whole-partition reads the partition cache could not"
                + " answer", LocalStore.Stats::partitionCacheMisses);
        storeGauge("ringdb_storage_partition_cache_bytes", "Estimated bytes held by the partition cache",
                LocalStore.Stats::partitionCacheBytes);
        gauge("ringdb_storage_partition_cache_capacity_bytes", "Heap bytes the partition cache may hold "
                + "(partition_cache_size_bytes, or with auto a share of the maximum heap)",
                cb -> cb.call(partitionCacheCapacityBytes));
        gauge("ringdb_storage_health", "1 for the state the disk and commit failure policies left the node in"
                + " (SERVING, WRITES_REFUSED, STOPPED, DEAD)", cb -> {
            NodeStatus s = status;
            if (s != null && s.storageHealth() != null) {
                for (StorageHealth.State state : StorageHealth.State.values()) {
                    cb.call(s.storageHealth().state() == state ? 1 : 0, state.name());
                }
            }
        }, "state");
        gauge("ringdb_storage_quarantined_tables", "Tables held in quarantine (unreadable, set aside)", cb -> {
            NodeStatus s = status;
            if (s != null && s.storageHealth() != null) {
                cb.call(s.storageHealth().quarantinedTables().size());
            }
        });
        gauge("ringdb_hints_pending", "Hints stored on this node waiting for their target", cb -> {
            NodeStatus s = status;
            if (s != null) {
                cb.call(s.hintsPending());
            }
        });
        gauge("ringdb_hints_handed_over", "Hints handed over to the new owners of a range since start (their target"
                + " left the ring or no longer replicates the key)", cb -> {
            NodeStatus s = status;
            if (s != null) {
                cb.call(s.hintsHandedOver());
            }
        });
        gauge("ringdb_hints_dropped", "Hints dropped since start (hint window passed, size bounds, or no new owner"
                + " could take a hint for a node that left)", cb -> {
            NodeStatus s = status;
            if (s != null) {
                cb.call(s.hintsDropped());
            }
        });
    }

    private void registerGossip() {
        gauge("ringdb_gossip_heartbeat_version", "This node's gossip heartbeat version", cb -> {
            NodeStatus s = status;
            if (s != null) {
                cb.call(s.heartbeatVersion());
            }
        });
        gauge("ringdb_gossip_generation", "This node's gossip generation", cb -> {
            NodeStatus s = status;
            if (s != null) {
                cb.call(s.generation());
            }
        });
        gauge("ringdb_gossip_peers", "Peers known through gossip, by failure-detector verdict", cb -> {
            NodeStatus s = status;
            if (s != null) {
                long up = s.peers().stream().filter(PeerStatus::up).count();
                cb.call(up, "up");
                cb.call(s.peers().size() - up, "down");
            }
        }, "verdict");
        gauge("ringdb_gossip_peer_phi", "Phi accrual suspicion of each peer", cb -> {
            NodeStatus s = status;
            if (s != null) {
                s.peers().forEach(p -> cb.call(Double.isFinite(p.phi()) ? p.phi() : 1e9, p.id().id()));
            }
        }, "peer");
        gauge("ringdb_gossip_peer_up", "1 when the failure detector holds the peer up", cb -> {
            NodeStatus s = status;
            if (s != null) {
                s.peers().forEach(p -> cb.call(p.up() ? 1 : 0, p.id().id()));
            }
        }, "peer");
        gauge("ringdb_ring_version", "Ring rebuilds seen by this node", cb -> {
            NodeStatus s = status;
            if (s != null) {
                cb.call(s.ringVersion());
            }
        });
    }

    /** Gauges of the client port's admission control and backpressure; called once the port listens. */
    public void registerClientPort(LongSupplier connections, LongSupplier refusedConnections,
                                   LongSupplier requestBytesInFlight, LongSupplier largestPendingOutboundBytes) {
        gauge("ringdb_client_connections", "Open connections on the client port (HTTP and native)",
                cb -> cb.call(connections.getAsLong()));
        gauge("ringdb_client_refused_connections", "Client connections refused as overloaded since start "
                + "(native_transport_max_connections, _per_ip)", cb -> cb.call(refusedConnections.getAsLong()));
        gauge("ringdb_client_request_bytes_in_flight", "Bytes of client requests read and not yet answered "
                + "(native_transport_max_request_data_in_flight_bytes)",
                cb -> cb.call(requestBytesInFlight.getAsLong()));
        gauge("ringdb_client_pending_outbound_bytes_max", "Bytes of answers waiting to be written on the client "
                + "connection with the most (bounded by backpressure)",
                cb -> cb.call(largestPendingOutboundBytes.getAsLong()));
    }

    /** Client connections cut because a request did not arrive complete in time (client_request_read_timeout_ms). */
    public void registerRefusals(LongSupplier dropped, LongSupplier gossipStates) {
        gauge("ringdb_gossip_refused_states", "Gossip states refused since start: a generation more than a year "
                + "ahead of this node's clock", cb -> cb.call(gossipStates.getAsLong()));
        gauge("ringdb_internode_unexpected_responses", "Responses dropped since start because they came from a node "
                + "their request did not go to (forged or misrouted)", cb -> cb.call(dropped.getAsLong()));
    }

    /**
     * Client requests for one partition by where they arrived: at one of its replicas, or at another
     * node that forwarded them to the replicas (token-aware drivers, with partitioner: murmur3, keep
     * the second near zero).
     */
    public void registerRequestPlacement(LongSupplier asReplica, LongSupplier forwarded) {
        gauge("ringdb_coordinator_requests", "Client requests for one partition this node coordinated since start, "
                + "by placement: replica (this node holds the partition) or forwarded (it does not; every replica "
                + "is asked over the network)", cb -> {
            cb.call(asReplica.getAsLong(), "replica");
            cb.call(forwarded.getAsLong(), "forwarded");
        }, "placement");
    }

    /**
     * The batch log's figures (logged batches, as Cassandra's batchlog manager reports them): batches this
     * node coordinated that were logged or refused before logging, and, as a holder, the batches held
     * now (pending a removal or a replay), removed by their coordinator, replayed, whose replay failed
     * (tried again), dropped unapplied.
     */
    public void registerBatchlog(Supplier<Batchlog.Figures> figures) {
        gauge("ringdb_batchlog_batches_logged", "Logged batches this node coordinated whose batch log write "
                + "succeeded, since start", cb -> cb.call(figures.get().logged()));
        gauge("ringdb_batchlog_batches_refused", "Logged batches this node coordinated and refused before logging "
                + "anything (Unavailable: too few replicas alive for the consistency level or no live batch log "
                + "holder; invalid writes), since start", cb -> cb.call(figures.get().refused()));
        gauge("ringdb_batchlog_pending", "Batches held in this node's batch log, waiting for their coordinator to "
                + "remove them or for a replay", cb -> cb.call(figures.get().held()));
        gauge("ringdb_batchlog_batches_removed", "Held batches removed because their coordinator applied them, "
                + "since start", cb -> cb.call(figures.get().removed()));
        gauge("ringdb_batchlog_batches_replayed", "Held batches this node replayed because their coordinator did not "
                + "remove them in time, since start", cb -> cb.call(figures.get().replayed()));
        gauge("ringdb_batchlog_replays_failed", "Replays of held batches that failed (a partition not written at ONE;"
                + " tried again), since start", cb -> cb.call(figures.get().replayFailed()));
        gauge("ringdb_batchlog_batches_dropped", "Held batches dropped without being applied (unreadable, or their "
                + "table was dropped), since start", cb -> cb.call(figures.get().dropped()));
    }

    /**
     * The purges that give a dropped table's disk space back: finished and failed purges, and the
     * entries they removed, since start.
     */
    public void registerDroppedTablePurges(LongSupplier completed, LongSupplier failed, LongSupplier removed) {
        gauge("ringdb_dropped_table_purges", "Purges of the data of dropped tables (a rewrite of the data store's "
                + "tables) by outcome, since start", cb -> {
                cb.call(completed.getAsLong(), "completed");
                cb.call(failed.getAsLong(), "failed");
            }, "outcome");
        gauge("ringdb_dropped_table_entries_removed", "Entries of dropped tables the purges removed, since start",
                cb -> cb.call(removed.getAsLong()));
    }

    /**
     * TLS gauges: certificate reloads per port ({@code contexts}), failed client TLS handshakes, and
     * {@code ringdb_insecure_client_ports}, 1 or more when a client port is reachable from other
     * machines without protection (see the node's log and {@code GET /v1/cluster}).
     */
    public void registerTls(List<ReloadingTls<?>> contexts, LongSupplier failedClientHandshakes, int insecurePorts) {
        gauge("ringdb_tls_reloads", "Certificate reloads by port and outcome (failed: changed files that could "
                + "not be used; the previous certificates stay)", cb -> contexts.forEach(context -> {
                    cb.call(context.reloadCount(), context.endpoint(), "reloaded");
                    cb.call(context.failedReloadCount(), context.endpoint(), "failed");
                }), "port", "outcome");
        gauge("ringdb_client_tls_handshakes_failed", "Client connections whose TLS handshake failed (plaintext to a "
                + "TLS port, a missing or untrusted client certificate)", cb -> cb.call(
                failedClientHandshakes.getAsLong()));
        gauge("ringdb_insecure_client_ports", "Client ports reachable from other machines without TLS client "
                + "authentication (0 is safe; see docs/security.md)", cb -> cb.call(insecurePorts));
    }

    public void registerClientReadDeadlines(LongSupplier expired) {
        gauge("ringdb_client_read_deadlines_expired", "Client connections cut since start because a request "
                + "did not arrive complete within client_request_read_timeout_ms (slow senders)",
                cb -> cb.call(expired.getAsLong()));
    }

    private void registerTransport() {
        gauge("ringdb_internode_dropped_messages", "Internode messages dropped by this node's transport, by cause",
                cb -> {
                    cb.call(transport.droppedQueueFull.sum(), "send_queue_full");
                    cb.call(transport.droppedUnreachable.sum(), "peer_unreachable");
                    cb.call(transport.droppedInboundBacklog.sum(), "inbound_backlog_full");
                    cb.call(transport.droppedDeadPeer.sum(), "peer_dead");
                    cb.call(transport.droppedDeparted.sum(), "peer_departed");
                }, "cause");
        gauge("ringdb_internode_dead_peer_connections", "Peer connections closed because their backlog made no "
                + "progress for internode_tcp_user_timeout_ms", cb -> cb.call(transport.deadPeerConnections.sum()));
        gauge("ringdb_internode_peers_forgotten", "Peer connections closed and forgotten because the node left "
                + "the ring", cb -> cb.call(transport.peersForgotten.sum()));
        gauge("ringdb_internode_receive_queue_bytes", "Bytes of internode messages received and not yet handled "
                + "(internode_receive_queue_bytes_max)", cb -> cb.call(transport.inboundQueuedBytes.get()));
        gauge("ringdb_internode_receive_pauses", "Times reading from a peer was paused because the receive queue "
                + "was over its bound", cb -> cb.call(transport.inboundPauses.sum()));
        gauge("ringdb_internode_frames", "Internode frames by direction", cb -> {
            cb.call(transport.framesSent.sum(), "sent");
            cb.call(transport.framesReceived.sum(), "received");
        }, "direction");
        gauge("ringdb_internode_bytes", "Internode bytes by direction", cb -> {
            cb.call(transport.bytesSent.sum(), "sent");
            cb.call(transport.bytesReceived.sum(), "received");
        }, "direction");
        gauge("ringdb_internode_bad_frames", "Inbound connections closed because of an undecodable frame",
                cb -> cb.call(transport.badFrames.sum()));
        gauge("ringdb_internode_handshakes", "Internode handshakes by outcome: inbound accepted or refused by this "
                + "node, outbound refused by the peer", cb -> {
                    cb.call(transport.handshakesAccepted.sum(), "accepted");
                    cb.call(transport.handshakesRefused.sum(), "refused");
                    cb.call(transport.handshakesRefusedByPeer.sum(), "refused_by_peer");
                    cb.call(transport.tlsHandshakesFailed.sum(), "tls_failed");
                    cb.call(transport.certificateMismatches.sum(), "certificate_mismatch");
                }, "outcome");
        gauge("ringdb_internode_forged_sender_frames", "Inbound frames dropped because their sender was not the "
                + "node that shook hands on the connection", cb -> cb.call(transport.forgedSenders.sum()));
        gauge("ringdb_internode_connects", "Outbound connection attempts by result", cb -> {
            cb.call(transport.connectsSucceeded.sum(), "succeeded");
            cb.call(transport.connectsFailed.sum(), "failed");
        }, "result");
    }
}
