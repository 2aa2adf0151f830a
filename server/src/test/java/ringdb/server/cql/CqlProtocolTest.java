package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.AuthResponse;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.Register;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.AuthSuccess;
import com.datastax.oss.protocol.internal.response.Authenticate;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.Ready;
import com.datastax.oss.protocol.internal.response.Supported;
import com.datastax.oss.protocol.internal.response.error.ReadTimeout;
import com.datastax.oss.protocol.internal.response.error.Unavailable;
import com.datastax.oss.protocol.internal.response.error.Unprepared;
import com.datastax.oss.protocol.internal.response.error.WriteTimeout;
import com.datastax.oss.protocol.internal.response.event.StatusChangeEvent;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import com.datastax.oss.protocol.internal.response.result.Rows;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.config.HostPort;
import ringdb.server.transport.SocketTransport;
import ringdb.core.ring.Partitioner;
import ringdb.server.net.FreePorts;

/**
 * The CQL listener spoken to frame by frame with native-protocol's client codecs: the handshake,
 * version negotiation with the wording drivers step down on, statements and their errors, prepared
 * ids, events, LZ4, and garbage that must cost the client its connection and nothing else.
 */
@Timeout(60)
class CqlProtocolTest {
    private static final int V4 = ProtocolConstants.Version.V4;
    private static final int MAX_FRAME = 1024 * 1024;

    private EventLoopGroup group;
    private CqlServer server;
    private CqlEvents events;
    private final CompletableFuture<CqlResult> held = new CompletableFuture<>();

    /** The system tables fixture, plus "HOLD" (answered when the test completes {@link #held}) and "FAIL kind". */
    private final class ScriptedQueries extends SystemTableQueries {
        ScriptedQueries(SystemTables tables) {
            super(tables);
        }

        @Override
        public CompletionStage<CqlResult> query(String query, QueryParameters parameters, ClientState state) {
            if (query.equals("HOLD")) {
                return held;
            }
            return switch (query) {
                case "FAIL WRITE_TIMEOUT" -> CompletableFuture.failedFuture(CqlException.writeTimeout(
                        CqlConsistency.QUORUM, 1, 2, CqlException.WriteType.BATCH));
                case "FAIL READ_TIMEOUT" -> CompletableFuture.failedFuture(CqlException.readTimeout(
                        CqlConsistency.ALL, 2, 3, true));
                case "FAIL UNAVAILABLE" -> CompletableFuture.failedFuture(CqlException.unavailable(
                        CqlConsistency.QUORUM, 2, 1));
                case "FAIL BUG" -> throw new IllegalStateException("a bug in the handler");
                default -> super.query(query, parameters, state);
            };
        }
    }

    static SystemTables fixedTables() throws IOException {
        CqlClusterView.Node self = new CqlClusterView.Node(InetAddress.getByName("127.0.0.1"),
                new InetSocketAddress("127.0.0.1", 9042), CqlClusterView.hostId("127.0.0.1:7000"),
                List.of(-5L, 7L), UUID.randomUUID(), 1);
        CqlClusterView.Node peer = new CqlClusterView.Node(InetAddress.getByName("127.0.0.2"),
                new InetSocketAddress("127.0.0.2", 9042), CqlClusterView.hostId("127.0.0.2:7000"),
                List.of(3L), null, 1, 7000);
        CqlClusterView view = new CqlClusterView("test", Partitioner.SHA1.className(), self, List.of(peer));
        return new SystemTables(() -> view, CqlSchemaSource.builtin(2));
    }

    @BeforeEach
    void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        events = new CqlEvents();
        server = CqlServer.start(new CqlServer.Settings(new HostPort("127.0.0.1", FreePorts.loopback()),
                new ScriptedQueries(fixedTables()), Authenticator.ALLOW_ALL, events,
                new ConnectionLimits(-1, -1, new RequestBytesBudget(64 * 1024)), new ClientTimeouts(60_000, 0, 5_000),
                RequestObserver.NONE, MAX_FRAME, 100), group);
    }

    @AfterEach
    void stop() {
        held.complete(new CqlResult.Void());
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private RawCqlClient ready() throws IOException {
        RawCqlClient client = new RawCqlClient(server.boundAddress());
        assertThat(client.ask(V4, new Startup())).isInstanceOf(Ready.class);
        return client;
    }

    private static Query query(String cql) {
        return new Query(cql, QueryOptions.DEFAULT);
    }

    /** A fresh connection still completes the handshake and reads a system table. */
    private void serverStillServes() throws IOException {
        try (RawCqlClient client = ready()) {
            assertThat(client.ask(V4, query("SELECT * FROM system.local"))).isInstanceOf(Rows.class);
        }
    }

    @Test
    void optionsAnswersWhatTheServerSupports() throws IOException {
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            Supported supported = (Supported) client.ask(V4, Options.INSTANCE);
            assertThat(supported.options).containsEntry("COMPRESSION", List.of("lz4"))
                    .containsEntry("PROTOCOL_VERSIONS", List.of("3/v3", "4/v4", "5/v5"));
            assertThat(supported.options.get("CQL_VERSION").get(0)).startsWith("3.4.");
        }
    }

    @Test
    void anUnsupportedVersionIsRefusedWithTheTextDriversStepDownOn() throws IOException {
        for (int version : new int[] {6, 0x41, 0x42, 2}) {
            try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
                client.sendRaw(new byte[] {(byte) version, 0, 0, 7, ProtocolConstants.Opcode.OPTIONS, 0, 0, 0, 0});
                Frame answer = client.receive();
                Error error = (Error) answer.message;
                assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
                assertThat(error.message).isEqualTo("Invalid or unsupported protocol version (" + version
                        + "); supported versions are (3/v3, 4/v4, 5/v5)");
                assertThat(answer.streamId).isEqualTo(version < 3 ? 0 : 7);
                assertThat(client.closedByServer()).isTrue();
            }
        }
        serverStillServes();
    }

    @Test
    void protocolV3IsSpokenToo() throws IOException {
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            assertThat(client.ask(ProtocolConstants.Version.V3, new Startup())).isInstanceOf(Ready.class);
            Frame answer;
            client.send(ProtocolConstants.Version.V3, 9, query("SELECT * FROM system.peers"));
            answer = client.receive();
            assertThat(answer.protocolVersion).isEqualTo(3);
            assertThat(((Rows) answer.message).getData()).hasSize(1);
        }
    }

    @Test
    void statementsBeforeStartupAreRefused() throws IOException {
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            Error error = (Error) client.ask(V4, query("SELECT * FROM system.local"));
            assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
            assertThat(error.message).contains("expecting STARTUP or OPTIONS");
            assertThat(client.ask(V4, new Startup(Map.of("CQL_VERSION", "3.0.0", "COMPRESSION", "snappy"))))
                    .isInstanceOfSatisfying(Error.class, e -> assertThat(e.message).contains("snappy"));
        }
    }

    @Test
    void systemTablesAnswerWithCassandrasColumnsAndPeersV2HasTheNativePort() throws IOException {
        try (RawCqlClient client = ready()) {
            Rows local = (Rows) client.ask(V4, query("SELECT * FROM system.local"));
            assertThat(local.getMetadata().columnSpecs).extracting(c -> c.name).contains("host_id", "tokens",
                    "rpc_address", "schema_version", "release_version", "partitioner", "data_center", "rack");
            Rows peers = (Rows) client.ask(V4, query("SELECT peer, host_id FROM system.peers"));
            assertThat(peers.getData()).hasSize(1);
            Rows v2 = (Rows) client.ask(V4, query("SELECT peer, peer_port, native_address, native_port "
                    + "FROM system.peers_v2"));
            assertThat(v2.getData()).hasSize(1);
            List<ByteBuffer> row = List.copyOf(v2.getData().peek());
            assertThat(row.get(0)).isEqualTo(ByteBuffer.wrap(new byte[] {127, 0, 0, 2}));
            assertThat(row.get(1).getInt(0)).isEqualTo(7000);
            assertThat(row.get(2)).isEqualTo(ByteBuffer.wrap(new byte[] {127, 0, 0, 2}));
            assertThat(row.get(3).getInt(0)).isEqualTo(9042);
            Rows columns = (Rows) client.ask(V4, query("SELECT * FROM system_schema.columns "
                    + "WHERE keyspace_name = 'ringdb'"));
            assertThat(columns.getData()).hasSize(2);
            assertThat(client.ask(V4, query("USE ringdb"))).isInstanceOf(SetKeyspace.class);
        }
    }

    @Test
    void preparedIdsAreStableAndAnUnknownIdIsUnprepared() throws IOException {
        String cql = "SELECT * FROM system_schema.tables WHERE keyspace_name = ?";
        try (RawCqlClient client = ready()) {
            Prepared prepared = (Prepared) client.ask(V4, new Prepare(cql));
            assertThat(prepared.preparedQueryId).isEqualTo(PreparedCache.id(null, cql));
            assertThat(prepared.variablesMetadata.pkIndices).containsExactly(0);
            QueryOptions bound = new QueryOptions(ProtocolConstants.ConsistencyLevel.ONE,
                    List.of(ByteBuffer.wrap("ringdb".getBytes(StandardCharsets.UTF_8))), Map.of(), false, 100, null,
                    ProtocolConstants.ConsistencyLevel.SERIAL, Long.MIN_VALUE, null, Integer.MIN_VALUE);
            assertThat(((Rows) client.ask(V4, new Execute(prepared.preparedQueryId, bound))).getData()).hasSize(1);

            byte[] unknown = PreparedCache.id("elsewhere", cql);
            Unprepared error = (Unprepared) client.ask(V4, new Execute(unknown, bound));
            assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.UNPREPARED);
            assertThat(error.id).isEqualTo(unknown);
            assertThat(((Prepared) client.ask(V4, new Prepare(cql))).preparedQueryId)
                    .isEqualTo(prepared.preparedQueryId);
        }
    }

    /** Drivers ask an EXECUTE to leave out the columns they got with PREPARE: the rows come without them. */
    @Test
    void executeWithSkipMetadataAnswersRowsWithoutTheirColumns() throws IOException {
        String cql = "SELECT * FROM system_schema.tables WHERE keyspace_name = ?";
        try (RawCqlClient client = ready()) {
            Prepared prepared = (Prepared) client.ask(V4, new Prepare(cql));
            int columns = prepared.resultMetadata.columnCount;
            assertThat(columns).isPositive();
            for (boolean skip : new boolean[] {true, false}) {
                QueryOptions bound = new QueryOptions(ProtocolConstants.ConsistencyLevel.ONE,
                        List.of(ByteBuffer.wrap("ringdb".getBytes(StandardCharsets.UTF_8))), Map.of(), skip, 100,
                        null, ProtocolConstants.ConsistencyLevel.SERIAL, Long.MIN_VALUE, null, Integer.MIN_VALUE);
                Rows rows = (Rows) client.ask(V4, new Execute(prepared.preparedQueryId, bound));
                assertThat(rows.getMetadata().columnCount).isEqualTo(columns);
                assertThat(rows.getMetadata().columnSpecs).hasSize(skip ? 0 : columns);
                assertThat(rows.getData()).hasSize(1);
                assertThat(rows.getData().peek()).hasSize(columns);
            }
        }
    }

    @Test
    void handlerErrorsKeepTheFieldsDriversActOn() throws IOException {
        try (RawCqlClient client = ready()) {
            WriteTimeout write = (WriteTimeout) client.ask(V4, query("FAIL WRITE_TIMEOUT"));
            assertThat(write.code).isEqualTo(0x1100);
            assertThat(write.writeType).isEqualTo("BATCH");
            assertThat(write.received).isEqualTo(1);
            assertThat(write.blockFor).isEqualTo(2);
            ReadTimeout read = (ReadTimeout) client.ask(V4, query("FAIL READ_TIMEOUT"));
            assertThat(read.code).isEqualTo(0x1200);
            assertThat(read.dataPresent).isTrue();
            Unavailable unavailable = (Unavailable) client.ask(V4, query("FAIL UNAVAILABLE"));
            assertThat(unavailable.code).isEqualTo(0x1000);
            assertThat(unavailable.alive).isEqualTo(1);
            Error bug = (Error) client.ask(V4, query("FAIL BUG"));
            assertThat(bug.code).isEqualTo(ProtocolConstants.ErrorCode.SERVER_ERROR);
            assertThat(bug.message).contains("a bug in the handler");
            Error syntax = (Error) client.ask(V4, query("INSERT nonsense"));
            assertThat(syntax.code).isEqualTo(ProtocolConstants.ErrorCode.SYNTAX_ERROR);
        }
    }

    @Test
    void aRequestPastTheBudgetInFlightIsOverloaded() throws IOException {
        try (RawCqlClient client = ready()) {
            client.send(V4, 1, query("HOLD"));
            StringBuilder big = new StringBuilder("SELECT * FROM system.local WHERE key = '");
            big.append("x".repeat(70 * 1024)).append("'");
            client.send(V4, 2, query(big.toString()));
            Frame overloaded = client.receive();
            assertThat(overloaded.streamId).isEqualTo(2);
            assertThat(((Error) overloaded.message).code).isEqualTo(ProtocolConstants.ErrorCode.OVERLOADED);
            assertThat(((Error) overloaded.message).message)
                    .contains("native_transport_max_request_data_in_flight_bytes");
            held.complete(new CqlResult.Void());
            assertThat(client.receive().streamId).isEqualTo(1);
        }
    }

    @Test
    void registeredConnectionsGetEventsOnStreamMinusOne() throws IOException {
        try (RawCqlClient client = ready()) {
            assertThat(client.ask(V4, new Register(List.of("STATUS_CHANGE")))).isInstanceOf(Ready.class);
            assertThat(client.ask(V4, new Register(List.of("NOT_AN_EVENT")))).isInstanceOf(Error.class);
            events.schemaChanged(SchemaChangeEvent.keyspace(SchemaChangeEvent.Change.CREATED, "ignored"));
            events.statusChanged(new InetSocketAddress("127.0.0.2", 9042), false);
            Frame event = client.receive();
            assertThat(event.streamId).isEqualTo(-1);
            StatusChangeEvent change = (StatusChangeEvent) event.message;
            assertThat(change.changeType).isEqualTo("DOWN");
            assertThat(change.address).isEqualTo(new InetSocketAddress("127.0.0.2", 9042));
        }
        assertThat(events.registeredCount()).as("a closed connection is forgotten").isLessThanOrEqualTo(1);
    }

    @Test
    void lz4CompressedFramesBothWays() throws IOException {
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            assertThat(client.ask(V4, new Startup("lz4"))).isInstanceOf(Ready.class);
            client.compress(new Lz4Compression(UnpooledByteBufAllocator.DEFAULT, MAX_FRAME));
            client.send(V4, 3, query("SELECT * FROM system_schema.columns"));
            Frame answer = client.receive();
            assertThat(answer.compressedSize).isLessThan(answer.size);
            assertThat(((Rows) answer.message).getData()).hasSizeGreaterThan(10);
        }
    }

    @Test
    void garbageCostsTheClientItsConnectionAndNothingElse() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk);
            try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
                client.sendRaw(junk);
            }
        }
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            client.sendRaw(new byte[] {4, 0, 0, 1, ProtocolConstants.Opcode.QUERY, 0x7F, (byte) 0xFF, (byte) 0xFF,
                    (byte) 0xFF});
            Error tooLarge = (Error) client.receive().message;
            assertThat(tooLarge.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
            assertThat(tooLarge.message).contains("2147483647").contains("native_transport_max_frame_size_bytes");
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawCqlClient client = ready()) {
            client.sendRaw(new byte[] {4, 0, 0, 2, 0x55, 0, 0, 0, 0});
            Error unknown = (Error) client.receive().message;
            assertThat(unknown.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
            assertThat(unknown.message).contains("opcode 0x55");
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawCqlClient client = ready()) {
            client.sendRaw(new byte[] {4, 0, 0, 3, ProtocolConstants.Opcode.QUERY, 0, 0, 0, 2, 0, 0});
            Error truncated = (Error) client.receive().message;
            assertThat(truncated.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            client.sendRaw(new byte[] {4, 0, 0, 4, ProtocolConstants.Opcode.QUERY, 0, 0, 1, 0, 1, 2});
        } // a frame cut short by the client's close
        serverStillServes();
    }

    /** SASL PLAIN with one user, as a password authenticator would do it. */
    static final class OneUser implements Authenticator {
        @Override
        public boolean requireAuthentication() {
            return true;
        }

        @Override
        public String className() {
            return "org.apache.cassandra.auth.PasswordAuthenticator";
        }

        @Override
        public SaslNegotiator newSaslNegotiator(InetSocketAddress client) {
            return new SaslNegotiator() {
                private boolean complete;

                @Override
                public byte[] evaluateResponse(byte[] token) {
                    if (!new String(token, StandardCharsets.UTF_8).equals("\0alice\0secret")) {
                        throw CqlException.authentication("Provided username and/or password are incorrect");
                    }
                    complete = true;
                    return null;
                }

                @Override
                public boolean isComplete() {
                    return complete;
                }

                @Override
                public String authenticatedUser() {
                    return "alice";
                }
            };
        }
    }

    @Test
    void anAuthenticatorThatRequiresCredentialsIsAskedForThem() throws IOException {
        try (CqlServer secured = CqlServer.start(new CqlServer.Settings(new HostPort("127.0.0.1", FreePorts.loopback()),
                new ScriptedQueries(fixedTables()), new OneUser(), new CqlEvents(), ConnectionLimits.unlimited(),
                new ClientTimeouts(60_000, 0, 5_000), RequestObserver.NONE, MAX_FRAME, 100), group);
             RawCqlClient client = new RawCqlClient(secured.boundAddress())) {
            Authenticate authenticate = (Authenticate) client.ask(V4, new Startup());
            assertThat(authenticate.authenticator).isEqualTo("org.apache.cassandra.auth.PasswordAuthenticator");
            assertThat(((Error) client.ask(V4, query("SELECT * FROM system.local"))).message)
                    .contains("expecting AUTH_RESPONSE");
            Error wrong = (Error) client.ask(V4, new AuthResponse(ByteBuffer.wrap(
                    "\0alice\0guess".getBytes(StandardCharsets.UTF_8))));
            assertThat(wrong.code).isEqualTo(ProtocolConstants.ErrorCode.AUTH_ERROR);
            assertThat(client.ask(V4, new AuthResponse(ByteBuffer.wrap(
                    "\0alice\0secret".getBytes(StandardCharsets.UTF_8))))).isInstanceOf(AuthSuccess.class);
            assertThat(client.ask(V4, query("SELECT * FROM system.local"))).isInstanceOf(Rows.class);
        }
    }

    @Test
    void aClientThatNeverReadsHoldsAboutAWaterMarkOfAnswers() throws IOException {
        try (RawCqlClient client = ready()) {
            client.setReceiveBuffer();
            Query big = query("SELECT * FROM system_schema.columns");
            byte[] frame = client.encode(V4, 5, big);
            byte[] many = new byte[frame.length * 400];
            for (int i = 0; i < 400; i++) {
                System.arraycopy(frame, 0, many, i * frame.length, frame.length);
            }
            Thread writer = new Thread(() -> {
                try {
                    client.sendRaw(many);
                } catch (IOException e) {
                    // the test closes the socket while the writer is blocked: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long largest = 0;
            long stableSince = System.nanoTime();
            while (System.nanoTime() < deadline && System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(2)) {
                long pending = server.largestPendingOutboundBytes();
                if (pending > largest) {
                    largest = pending;
                    stableSince = System.nanoTime();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(largest).as("answers queued for a client that reads nothing").isPositive()
                    .isLessThan(CqlServer.WRITE_BUFFER_HIGH_BYTES + 64L * 1024);
        }
    }

    /**
     * Pipelined EXECUTEs of a large result from a client that never reads: the node stops reading
     * that connection once about a water mark of answers waits for it (TCP then holds the client's
     * writes back), while another connection is served as usual.
     */
    @Test
    void pipelinedExecutesThatAreNeverReadAreHeldBackWhileAnotherConnectionIsServed() throws Exception {
        try (RawCqlClient greedy = ready()) {
            greedy.setReceiveBuffer();
            Prepared prepared = (Prepared) greedy.ask(V4, new Prepare("SELECT * FROM system_schema.columns"));
            byte[] frame = greedy.encode(V4, 7, new Execute(prepared.preparedQueryId, QueryOptions.DEFAULT));
            int requests = 16 * 1024 * 1024 / frame.length; // far more than the socket buffers on both sides hold
            byte[] batch = new byte[frame.length * 1024];
            for (int i = 0; i < 1024; i++) {
                System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
            }
            AtomicBoolean allSent = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    for (int sent = 0; sent < requests; sent += 1024) {
                        greedy.sendRaw(batch);
                    }
                    allSent.set(true);
                } catch (IOException e) {
                    // the test closes the socket while the writer is held back: expected
                }
            }, "greedy-cql-client");
            writer.setDaemon(true);
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long largest = 0;
            while (largest < CqlServer.WRITE_BUFFER_LOW_BYTES && System.nanoTime() < deadline) {
                largest = Math.max(largest, server.largestPendingOutboundBytes());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // sampling
            }
            assertThat(largest).as("answers queued for the client that reads nothing")
                    .isGreaterThanOrEqualTo(CqlServer.WRITE_BUFFER_LOW_BYTES);
            serverStillServes();
            largest = Math.max(largest, server.largestPendingOutboundBytes());
            assertThat(largest).as("answers queued stay about a water mark")
                    .isLessThan(CqlServer.WRITE_BUFFER_HIGH_BYTES + 64L * 1024);
            assertThat(allSent.get()).as("the node stopped reading, so the client's writes are held back").isFalse();
            assertThat(writer.isAlive()).isTrue();
        }
    }

    @Test
    void aConnectionPastTheLimitIsAnsweredOverloadedAndClosed() throws IOException {
        try (CqlServer limited = CqlServer.start(new CqlServer.Settings(new HostPort("127.0.0.1", FreePorts.loopback()),
                new ScriptedQueries(fixedTables()), Authenticator.ALLOW_ALL, new CqlEvents(),
                new ConnectionLimits(1, -1), new ClientTimeouts(60_000, 0, 5_000), RequestObserver.NONE, MAX_FRAME,
                100), group);
             RawCqlClient first = new RawCqlClient(limited.boundAddress())) {
            assertThat(first.ask(V4, new Startup())).isInstanceOf(Ready.class);
            try (RawCqlClient second = new RawCqlClient(limited.boundAddress())) {
                second.send(V4, 5, new Startup());
                Frame refused = second.receive();
                assertThat(refused.streamId).isEqualTo(5);
                assertThat(((Error) refused.message).code).isEqualTo(ProtocolConstants.ErrorCode.OVERLOADED);
                assertThat(((Error) refused.message).message).contains("native_transport_max_connections");
                assertThat(second.closedByServer()).isTrue();
            }
            assertThat(first.ask(V4, query("SELECT * FROM system.local"))).isInstanceOf(Rows.class);
        }
    }
}
