package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.Segment;
import com.datastax.oss.protocol.internal.request.AuthResponse;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import com.datastax.oss.protocol.internal.response.AuthSuccess;
import com.datastax.oss.protocol.internal.response.Authenticate;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.Ready;
import com.datastax.oss.protocol.internal.response.Supported;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import com.datastax.oss.protocol.internal.response.result.Rows;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.RequestObserver;
import ringdb.server.config.HostPort;
import ringdb.server.net.FreePorts;
import ringdb.server.transport.SocketTransport;

/**
 * Protocol v5 spoken segment by segment with native-protocol's codecs: the handshake unframed, then
 * frames in checksummed segments (several frames in one, one frame across several, LZ4-compressed
 * ones, after authentication too), and a segment whose header or payload fails its CRC, which costs
 * the client its connection with a protocol error and nothing else.
 */
@Timeout(60)
class CqlProtocolV5Test {
    private static final int V5 = ProtocolConstants.Version.V5;
    private static final int MAX_FRAME = 1024 * 1024;

    private EventLoopGroup group;
    private CqlServer server;

    @BeforeEach
    void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, SocketTransport.ioHandlerFactory());
        server = start(Authenticator.ALLOW_ALL);
    }

    /** The system tables, and {@code BIG n}: {@code n} copies of system.local's row, for answers of any size. */
    private static final class SizedQueries extends SystemTableQueries {
        SizedQueries() throws IOException {
            super(CqlProtocolTest.fixedTables());
        }

        @Override
        CqlResult run(String query, List<ByteBuffer> values) {
            if (query.startsWith("BIG ")) {
                CqlResult.Rows local = (CqlResult.Rows) super.run("SELECT * FROM system.local", values);
                return new CqlResult.Rows(local.columns(), java.util.Collections.nCopies(
                        Integer.parseInt(query.substring(4)), local.rows().get(0)), null);
            }
            return super.run(query, values);
        }
    }

    private CqlServer start(Authenticator authenticator) throws IOException {
        return CqlServer.start(new CqlServer.Settings(new HostPort("127.0.0.1", FreePorts.loopback()),
                new SizedQueries(), authenticator, new CqlEvents(),
                ConnectionLimits.unlimited(), new ClientTimeouts(60_000, 0, 5_000), RequestObserver.NONE,
                MAX_FRAME, 100), group);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Query query(String cql) {
        return new Query(cql, QueryOptions.DEFAULT);
    }

    /** A v5 connection past STARTUP (READY unframed), its frames now in segments compressed with {@code lz4}. */
    private RawCqlClient ready(boolean lz4) throws IOException {
        RawCqlClient client = new RawCqlClient(server.boundAddress());
        Startup startup = lz4 ? new Startup(Map.of(Startup.CQL_VERSION_KEY, "3.0.0", Startup.COMPRESSION_KEY, "lz4"))
                : new Startup();
        assertThat(client.ask(V5, startup)).isInstanceOf(Ready.class);
        Compressor<ByteBuf> none = Compressor.none();
        client.segments(lz4 ? new Lz4Compression(UnpooledByteBufAllocator.DEFAULT, MAX_FRAME) : none);
        return client;
    }

    @Test
    void theHandshakeIsUnframedAndEverythingAfterItTravelsInSegments() throws IOException {
        try (RawCqlClient client = new RawCqlClient(server.boundAddress())) {
            Supported supported = (Supported) client.ask(V5, Options.INSTANCE);
            assertThat(supported.options).containsEntry("PROTOCOL_VERSIONS", List.of("3/v3", "4/v4", "5/v5"));
            assertThat(client.ask(V5, new Startup())).isInstanceOf(Ready.class);
            client.segments(Compressor.none());
            Frame answer;
            client.send(V5, 3, query("SELECT * FROM system.local"));
            answer = client.receive();
            assertThat(answer.protocolVersion).isEqualTo(V5);
            assertThat(answer.streamId).isEqualTo(3);
            assertThat(((Rows) answer.message).getData()).hasSize(1);

            Prepared prepared = (Prepared) client.ask(V5, new Prepare("SELECT * FROM system.peers"));
            assertThat(prepared.resultMetadataId).isEqualTo(ProtocolMessages.resultMetadataId(
                    CqlProtocolTest.fixedTables().read("system", "peers").columns()));
            Rows rows = (Rows) client.ask(V5, new Execute(prepared.preparedQueryId, prepared.resultMetadataId,
                    QueryOptions.DEFAULT));
            assertThat(rows.getMetadata().newResultMetadataId).isNull();
            assertThat(rows.getData()).hasSize(1);
            // an id the server does not know for the columns: the answer carries the columns and the right id
            Rows changed = (Rows) client.ask(V5, new Execute(prepared.preparedQueryId, new byte[16],
                    new QueryOptions(ProtocolConstants.ConsistencyLevel.ONE, List.of(), Map.of(), true, -1, null,
                            ProtocolConstants.ConsistencyLevel.SERIAL, Long.MIN_VALUE, null,
                            QueryOptions.NO_NOW_IN_SECONDS)));
            assertThat(changed.getMetadata().newResultMetadataId).isEqualTo(prepared.resultMetadataId);
            assertThat(changed.getMetadata().columnSpecs).isNotEmpty();
        }
    }

    @Test
    void framesShareASegmentOrSpanSeveralAndLz4CompressesSegments() throws IOException {
        for (boolean lz4 : new boolean[] {false, true}) {
            try (RawCqlClient client = ready(lz4)) {
                byte[] one = client.encode(V5, 1, query("SELECT * FROM system.local"));
                byte[] two = client.encode(V5, 2, query("SELECT * FROM system.peers"));
                byte[] both = Arrays.copyOf(one, one.length + two.length);
                System.arraycopy(two, 0, both, one.length, two.length);
                client.sendRaw(client.segment(both, true));
                assertThat(List.of(client.receive().streamId, client.receive().streamId))
                        .containsExactlyInAnyOrder(1, 2);

                byte[] three = client.encode(V5, 3, query("SELECT * FROM system_schema.columns"));
                int cut = three.length / 3;
                client.sendRaw(client.segment(Arrays.copyOfRange(three, 0, 4), false)); // inside the header
                client.sendRaw(client.segment(Arrays.copyOfRange(three, 4, cut), false));
                client.sendRaw(client.segment(Arrays.copyOfRange(three, cut, three.length), false));
                Frame answer = client.receive();
                assertThat(answer.streamId).isEqualTo(3);
                assertThat(((Rows) answer.message).getData()).isNotEmpty();
            }
        }
    }

    /** The bytes of {@code frames} one after the other. */
    private static byte[] concat(byte[]... frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] frame : frames) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    @Test
    void theAnswersOfOnePassShareOneSegmentAndOneLargerThanAPayloadSpansSeveral() throws IOException {
        for (boolean lz4 : new boolean[] {false, true}) {
            try (RawCqlClient client = ready(lz4)) {
                // three requests read at once: their answers leave in one self-contained segment
                client.sendRaw(client.segment(concat(client.encode(V5, 1, query("SELECT * FROM system.local")),
                        client.encode(V5, 2, query("SELECT * FROM system.peers")),
                        client.encode(V5, 3, query("SELECT * FROM system.local"))), true));
                assertThat(List.of(client.receive().streamId, client.receive().streamId, client.receive().streamId))
                        .containsExactly(1, 2, 3);
                assertThat(client.receivedSegments()).hasSize(1);
                assertThat(client.receivedSegments().get(0).selfContained()).isTrue();

                // two small answers, one of several segments' size, a small one: in order, the large one alone
                client.sendRaw(client.segment(concat(client.encode(V5, 4, query("SELECT * FROM system.local")),
                        client.encode(V5, 5, query("SELECT * FROM system.peers")),
                        client.encode(V5, 6, query("BIG 1000")),
                        client.encode(V5, 7, query("SELECT * FROM system.peers"))), true));
                assertThat(List.of(client.receive().streamId, client.receive().streamId)).containsExactly(4, 5);
                Frame big = client.receive();
                assertThat(big.streamId).isEqualTo(6);
                assertThat(((Rows) big.message).getData()).hasSize(1000);
                assertThat(client.receive().streamId).isEqualTo(7);
                List<RawCqlClient.ReceivedSegment> seen = client.receivedSegments();
                seen = seen.subList(1, seen.size());
                assertThat(seen.size()).isGreaterThanOrEqualTo(4);
                assertThat(seen.get(0).selfContained()).isTrue();
                assertThat(seen.get(seen.size() - 1).selfContained()).isTrue();
                List<RawCqlClient.ReceivedSegment> spanning = seen.subList(1, seen.size() - 1);
                assertThat(spanning).allSatisfy(s -> assertThat(s.selfContained()).isFalse());
                assertThat(spanning.subList(0, spanning.size() - 1))
                        .allSatisfy(s -> assertThat(s.payloadBytes()).isEqualTo(Segment.MAX_PAYLOAD_LENGTH));
                // and the connection goes on
                assertThat(client.ask(V5, query("SELECT * FROM system.local"))).isInstanceOf(Rows.class);
            }
        }
    }

    @Test
    void aSegmentThatFailsItsCrcIsAProtocolErrorThatClosesOnlyItsConnection() throws IOException {
        for (int corrupt : new int[] {0, 4, -1}) { // header, its CRC24, the payload's CRC32
            try (RawCqlClient client = ready(false); RawCqlClient bystander = ready(false)) {
                byte[] segment = client.segment(client.encode(V5, 4, query("SELECT * FROM system.local")), true);
                segment[corrupt < 0 ? segment.length - 1 : corrupt] ^= 0x10;
                client.sendRaw(segment);
                Error error = (Error) client.receive().message;
                assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
                assertThat(error.message).contains(corrupt < 0 ? "failed its CRC32 check" : "failed its CRC24 check")
                        .contains("the connection is closed");
                assertThat(client.closedByServer()).isTrue();
                assertThat(bystander.ask(V5, query("SELECT * FROM system.local"))).isInstanceOf(Rows.class);
            }
        }
    }

    @Test
    void aV4FrameOrGarbageAfterTheV5HandshakeIsRefused() throws IOException {
        try (RawCqlClient client = ready(false)) {
            client.sendRaw(client.encode(ProtocolConstants.Version.V4, 5, query("SELECT * FROM system.local")));
            Error error = (Error) client.receive().message;
            assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
            assertThat(error.message).contains("CRC24");
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawCqlClient client = ready(false)) {
            // a valid segment whose payload is not a v5 request frame
            client.sendRaw(client.segment(client.encode(ProtocolConstants.Version.V4, 6,
                    query("SELECT * FROM system.local")), true));
            Error error = (Error) client.receive().message;
            assertThat(error.code).isEqualTo(ProtocolConstants.ErrorCode.PROTOCOL_ERROR);
            assertThat(error.message).contains("Invalid message version. Got 4");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void afterAuthenticateTheCredentialsTravelInSegments() throws IOException {
        try (CqlServer secured = start(new CqlProtocolTest.OneUser());
             RawCqlClient client = new RawCqlClient(secured.boundAddress())) {
            assertThat(client.ask(V5, new Startup())).isInstanceOf(Authenticate.class);
            client.segments(Compressor.none());
            assertThat(client.ask(V5, new AuthResponse(ByteBuffer.wrap(
                    "\0alice\0secret".getBytes(StandardCharsets.UTF_8))))).isInstanceOf(AuthSuccess.class);
            assertThat(client.ask(V5, query("SELECT * FROM system.local"))).isInstanceOf(Rows.class);
        }
    }
}
