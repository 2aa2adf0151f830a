package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.FrameCodec;
import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.ProtocolV3ServerCodecs;
import com.datastax.oss.protocol.internal.ProtocolV4ServerCodecs;
import com.datastax.oss.protocol.internal.ProtocolV5ServerCodecs;
import com.datastax.oss.protocol.internal.Segment;
import com.datastax.oss.protocol.internal.SegmentCodec;
import com.datastax.oss.protocol.internal.request.AuthResponse;
import com.datastax.oss.protocol.internal.request.Options;
import com.datastax.oss.protocol.internal.request.Register;
import com.datastax.oss.protocol.internal.request.Startup;
import com.datastax.oss.protocol.internal.response.AuthChallenge;
import com.datastax.oss.protocol.internal.response.AuthSuccess;
import com.datastax.oss.protocol.internal.response.Authenticate;
import com.datastax.oss.protocol.internal.response.Event;
import com.datastax.oss.protocol.internal.response.Ready;
import com.datastax.oss.protocol.internal.response.Supported;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.net.ReadDeadline;
import ringdb.server.net.ReadGate;
import ringdb.server.net.StagedClose;

/**
 * One CQL connection: the handshake (OPTIONS, STARTUP, authentication), REGISTER, and the
 * statements (QUERY, PREPARE, EXECUTE, BATCH) handed to the query handler. Requests are served
 * concurrently and answered on their stream as they complete, flushed once per pass of the event
 * loop. A frame that cannot be decoded is answered with a protocol error and the connection closed.
 * In protocol v5, once STARTUP is answered READY or AUTHENTICATE, frames travel in segments both ways
 * (checksummed, and compressed as a whole when LZ4 was negotiated; see {@link CqlFrameDecoder}): the answers
 * one pass of the event loop writes are packed at its flush into as few self-contained segments as fit them
 * (one CRC pair, one compression per segment), and an answer larger than a segment's payload is sent alone
 * as consecutive segments that are not self-contained.
 *
 * <p>Backpressure: a request holds its bytes in the listener's budget (past it: Overloaded) and a
 * place in the connection's {@link ReadGate} until its answer is written; the connection stops
 * reading while too many are in flight or its answers pile up above the water mark.
 *
 * <p>Threading: the channel's event loop; the handler's stages may complete on any thread and hop back.
 */
final class CqlConnection extends ChannelInboundHandlerAdapter implements CqlEvents.Listener {
    private static final Logger log = LoggerFactory.getLogger(CqlConnection.class);
    static final String CQL_VERSION = "3.4.4";

    private enum Phase { NEW, AUTHENTICATING, READY }

    private final CqlServices services;
    private ChannelHandlerContext context;
    private ReadGate gate;
    private FrameCodec<ByteBuf> codec;
    /** The compression STARTUP negotiated for a v5 connection's segments (frames are not compressed in v5). */
    private Compressor<ByteBuf> segmentCompression = Compressor.none();
    /** Non-null once this v5 connection's frames travel in segments. */
    private SegmentCodec<ByteBuf> segments;
    private ClientState state;
    private Statements statements;
    private Authenticator.SaslNegotiator negotiator;
    private Phase phase = Phase.NEW;
    private boolean flushScheduled;
    /** Encoded answers waiting for this pass's flush to pack them into segments, and their writes' promises. */
    private final List<ByteBuf> pendingFrames = new ArrayList<>();
    private final List<ChannelPromise> pendingWrites = new ArrayList<>();
    private boolean closing;

    CqlConnection(CqlServices services) {
        this.services = services;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        gate = new ReadGate(ctx.channel(), CqlServices.IN_FLIGHT_PER_CONNECTION_MAX);
        codec = codec(Compressor.none());
    }

    private FrameCodec<ByteBuf> codec(Compressor<ByteBuf> compressor) {
        return new FrameCodec<>(new ByteBufPrimitives(context.alloc()), compressor, new ProtocolV3ServerCodecs(),
                new ProtocolV4ServerCodecs(), new ProtocolV5ServerCodecs());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        services.events().unregister(this);
        writeSegments(); // the writes fail on the closed channel: their frames are released, their requests too
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        gate.update();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (closing) {
                return;
            }
            if (message instanceof CqlFrameDecoder.Whole whole) {
                whole(whole);
            } else if (message instanceof CqlFrameDecoder.Refused refused) {
                closeWithError(refused.version(), refused.stream(), CqlException.protocol(refused.message()));
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void whole(CqlFrameDecoder.Whole whole) {
        long size = whole.frame().readableBytes();
        if (state == null) {
            state = new ClientState((InetSocketAddress) context.channel().remoteAddress(), whole.version());
        }
        Frame frame;
        try {
            frame = codec.decode(whole.frame());
        } catch (RuntimeException e) {
            closeWithError(whole.version(), whole.stream(), CqlException.protocol("cannot decode the "
                    + opcodeName(whole.opcode()) + " frame on stream " + whole.stream() + ": " + e.getMessage()));
            return;
        }
        if (!services.budget().tryAcquire(size)) {
            services.observer().onRequest(operation(frame.message), "overloaded", 0);
            send(frame.streamId, ProtocolMessages.error(
                    CqlException.overloaded(services.budget().overloadedMessage(size))));
            return;
        }
        services.inFlight().incrementAndGet();
        gate.admitted();
        long startNanos = System.nanoTime();
        CompletionStage<Message> answer;
        try {
            answer = serve(frame);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> answered(frame, size, startNanos, response, failure));
    }

    /** The answer to one request: a message, or a stage of one (statements). */
    private CompletionStage<Message> serve(Frame frame) {
        Message m = frame.message;
        if (m instanceof Options) {
            return done(supported());
        }
        if (phase == Phase.NEW) {
            if (m instanceof Startup startup) {
                return done(startup(startup));
            }
            throw CqlException.protocol("Unexpected message " + opcodeName(m.opcode) + ", expecting STARTUP or "
                    + "OPTIONS");
        }
        if (phase == Phase.AUTHENTICATING) {
            if (m instanceof AuthResponse response) {
                return authenticate(response);
            }
            throw CqlException.protocol("Unexpected message " + opcodeName(m.opcode) + ", expecting AUTH_RESPONSE "
                    + "(authentication is required)");
        }
        if (m instanceof Startup || m instanceof AuthResponse) {
            throw CqlException.protocol("Unexpected message " + opcodeName(m.opcode) + ": the connection is ready");
        }
        if (m instanceof Register register) {
            return done(register(register));
        }
        if (statements == null) {
            statements = new Statements(services, state);
        }
        return statements.serve(m);
    }

    private static CompletionStage<Message> done(Message message) {
        return CompletableFuture.completedFuture(message);
    }

    static Supported supported() {
        return new Supported(Map.of("CQL_VERSION", List.of(CQL_VERSION),
                "COMPRESSION", List.of(Lz4Compression.ALGORITHM),
                "PROTOCOL_VERSIONS", List.of("3/v3", "4/v4", "5/v5")));
    }

    private Message startup(Startup startup) {
        if (!startup.options.containsKey(Startup.CQL_VERSION_KEY)) {
            throw CqlException.protocol("Missing value CQL_VERSION in STARTUP message");
        }
        String compression = startup.options.get(Startup.COMPRESSION_KEY);
        if (compression != null && !compression.isEmpty()) {
            if (!compression.equalsIgnoreCase(Lz4Compression.ALGORITHM)) {
                throw CqlException.protocol("Unknown compression algorithm: " + compression
                        + " (this node supports lz4)");
            }
            Lz4Compression lz4 = new Lz4Compression(context.alloc(), services.maxFrameBytes());
            if (state.protocolVersion() >= CqlFrameDecoder.VERSION_SEGMENTS) {
                segmentCompression = lz4;
            } else {
                codec = codec(lz4);
            }
        }
        Authenticator authenticator = services.authenticator();
        if (authenticator.requireAuthentication()) {
            negotiator = authenticator.newSaslNegotiator(state.remoteAddress());
            phase = Phase.AUTHENTICATING;
            return new Authenticate(authenticator.className());
        }
        phase = Phase.READY;
        return new Ready();
    }

    private CompletionStage<Message> authenticate(AuthResponse response) {
        byte[] token = new byte[response.token == null ? 0 : response.token.remaining()];
        if (response.token != null) {
            response.token.duplicate().get(token);
        }
        Authenticator.SaslNegotiator current = negotiator;
        String className = services.authenticator().className();
        return current.evaluateResponseAsync(token).handleAsync((next, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                CqlAuditing.loginFailed(services.audit(), state, className, token, cause.getMessage());
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new CompletionException(cause);
            }
            if (!current.isComplete()) {
                return new AuthChallenge(next == null ? null : ByteBuffer.wrap(next));
            }
            state.authenticatedAs(current.authenticatedUser());
            CqlAuditing.loginSucceeded(services.audit(), state, className, state.user());
            if (negotiator == current) {
                negotiator = null;
                phase = Phase.READY;
            }
            return new AuthSuccess(next == null ? null : ByteBuffer.wrap(next));
        }, context.executor());
    }

    private Message register(Register register) {
        for (String type : register.eventTypes) {
            if (!CqlEvents.TYPES.contains(type)) {
                throw CqlException.protocol("Invalid value '" + type + "' for Type; expected one of "
                        + new java.util.TreeSet<>(CqlEvents.TYPES));
            }
        }
        services.events().register(this, register.eventTypes);
        return new Ready();
    }

    /** Called from any thread when a request's answer is ready; writes it on the event loop. */
    private void answered(Frame request, long size, long startNanos, Message response, Throwable failure) {
        if (!context.executor().inEventLoop()) {
            context.executor().execute(() -> answered(request, size, startNanos, response, failure));
            return;
        }
        services.inFlight().decrementAndGet();
        Message message = response;
        if (failure != null) {
            message = ProtocolMessages.error(asCqlException(failure));
        } else if (response instanceof com.datastax.oss.protocol.internal.response.result.SetKeyspace use) {
            state.useKeyspace(use.keyspace);
        }
        services.observer().onRequest(operation(request.message), outcome(message), System.nanoTime() - startNanos);
        CqlAuditing.answered(services.audit(), services.prepared(), state, request.message, message);
        if (closing || !context.channel().isActive()) {
            gate.released();
            services.budget().release(size);
            return;
        }
        send(request.streamId, message).addListener(written -> {
            gate.released();
            services.budget().release(size);
        });
    }

    static CqlException asCqlException(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CqlException e) {
            return e;
        }
        log.warn("a CQL request failed unexpectedly", cause);
        return CqlException.server("the request failed on the server: " + cause);
    }

    /** An event this connection registered for; dropped while the client does not read what it was sent. */
    @Override
    public void push(Event event) {
        if (!context.executor().inEventLoop()) {
            context.executor().execute(() -> push(event));
            return;
        }
        if (closing || !context.channel().isActive() || !context.channel().isWritable()) {
            return;
        }
        send(-1, event);
    }

    /**
     * Encodes and writes; flushed once after everything else this pass of the event loop writes. Once frames
     * travel in segments they wait for that flush, which packs them into as few segments as it can.
     */
    private ChannelFuture send(int stream, Message message) {
        int version = state == null ? CqlFrameDecoder.VERSION_MAX : state.protocolVersion();
        ByteBuf out;
        try {
            // warnings exist in frames from protocol v4 on
            List<String> warnings = version >= 4 ? ProtocolMessages.warnings(message) : List.of();
            out = codec.encode(Frame.forResponse(version, stream, null, Frame.NO_PAYLOAD, warnings, message));
        } catch (RuntimeException e) {
            log.warn("cannot encode a CQL {} answer", opcodeName(message.opcode), e);
            out = codec.encode(Frame.forResponse(version, stream, null, Frame.NO_PAYLOAD, List.of(),
                    ProtocolMessages.error(CqlException.server("cannot encode the answer: " + e.getMessage()))));
        }
        ChannelFuture written;
        if (segments != null) {
            ChannelPromise promise = context.newPromise();
            pendingFrames.add(out);
            pendingWrites.add(promise);
            written = promise;
        } else {
            if (version >= CqlFrameDecoder.VERSION_SEGMENTS && (message instanceof Ready
                    || message instanceof Authenticate) && phase != Phase.NEW) {
                // the handshake's last unframed answer: everything after it travels in segments, both ways
                segments = new SegmentCodec<>(new ByteBufPrimitives(context.alloc()), segmentCompression);
                context.pipeline().get(CqlFrameDecoder.class).startSegments(segments);
            }
            written = context.write(out);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            context.executor().execute(() -> {
                flushScheduled = false;
                flush();
            });
        }
        return written;
    }

    /** Writes the frames waiting for segments, then flushes the channel. */
    private void flush() {
        writeSegments();
        context.flush();
    }

    /**
     * Writes the frames waiting since the last flush as segments, in order: consecutive frames that fit
     * together in one segment's payload share one self-contained segment; a frame larger than a payload
     * goes alone in consecutive segments that are not self-contained.
     */
    private void writeSegments() {
        int count = pendingFrames.size();
        int first = 0;
        while (first < count) {
            int length = pendingFrames.get(first).readableBytes();
            int end = first + 1;
            while (length <= Segment.MAX_PAYLOAD_LENGTH && end < count
                    && length + pendingFrames.get(end).readableBytes() <= Segment.MAX_PAYLOAD_LENGTH) {
                length += pendingFrames.get(end++).readableBytes();
            }
            ByteBuf payload = pendingFrames.get(first);
            if (end - first > 1) {
                payload = context.alloc().ioBuffer(length);
                for (int i = first; i < end; i++) {
                    ByteBuf frame = pendingFrames.get(i);
                    payload.writeBytes(frame);
                    frame.release();
                }
            }
            ChannelFuture written = writeInSegments(payload);
            if (end - first == 1) {
                written.addListener(new PromiseNotifier<>(pendingWrites.get(first)));
            } else {
                written.addListener(new PromiseNotifier<>(pendingWrites.subList(first, end)
                        .toArray(new ChannelPromise[0])));
            }
            first = end;
        }
        pendingFrames.clear();
        pendingWrites.clear();
    }

    /**
     * Writes frames as the segments that carry them (releases {@code frames}): one self-contained segment when
     * they fit in its payload, else (one frame) consecutive segments that are not self-contained. Each segment's
     * parts (header, payload, checksum) are written as they are, so that the flush hands them to the socket in
     * one gathering write with the other answers of this pass; the future is the last part's.
     */
    private ChannelFuture writeInSegments(ByteBuf frames) {
        int length = frames.readableBytes();
        List<Object> parts = new ArrayList<>(3);
        if (length <= Segment.MAX_PAYLOAD_LENGTH) {
            segments.encode(new Segment<>(frames, true), parts);
        } else {
            for (int offset = 0; offset < length; offset += Segment.MAX_PAYLOAD_LENGTH) {
                int slice = Math.min(Segment.MAX_PAYLOAD_LENGTH, length - offset);
                segments.encode(new Segment<>(frames.retainedSlice(frames.readerIndex() + offset, slice), false),
                        parts);
            }
            frames.release();
        }
        int last = parts.size() - 1;
        for (int i = 0; i < last; i++) {
            context.write(parts.get(i), context.voidPromise());
        }
        return context.write(parts.get(last));
    }

    private void closeWithError(int version, int stream, CqlException error) {
        if (state == null) {
            state = new ClientState((InetSocketAddress) context.channel().remoteAddress(), version);
        }
        services.observer().onRequest("cql_protocol", "protocol_error", 0);
        ChannelFuture written = send(stream, ProtocolMessages.error(error));
        closing = true;
        flush();
        StagedClose.after(written, context.channel());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ReadDeadline.Expired expired && !closing) {
            closeWithError(state == null ? CqlFrameDecoder.VERSION_MAX : state.protocolVersion(), 0,
                    CqlException.protocol("a frame did not arrive complete within " + expired.deadlineMillis()
                            + " ms of its first bytes (client_request_read_timeout_ms); the connection is closed"));
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("CQL connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** The request metrics' operation names of the statement opcodes, made once (by opcode; null: others). */
    private static final String[] OPERATIONS = new String[ProtocolConstants.Opcode.AUTH_SUCCESS + 1];

    static {
        for (int opcode : new int[] {ProtocolConstants.Opcode.QUERY, ProtocolConstants.Opcode.PREPARE,
                ProtocolConstants.Opcode.EXECUTE, ProtocolConstants.Opcode.BATCH}) {
            OPERATIONS[opcode] = "cql_" + opcodeName(opcode).toLowerCase(java.util.Locale.ROOT);
        }
    }

    static String operation(Message m) {
        String known = m.opcode >= 0 && m.opcode < OPERATIONS.length ? OPERATIONS[m.opcode] : null;
        return known != null ? known : "cql_" + opcodeName(m.opcode).toLowerCase(java.util.Locale.ROOT);
    }

    private static String outcome(Message m) {
        if (m instanceof com.datastax.oss.protocol.internal.response.Error e) {
            for (CqlException.Code code : CqlException.Code.values()) {
                if (code.wire == e.code) {
                    return code.name().toLowerCase(java.util.Locale.ROOT);
                }
            }
            return "error";
        }
        return "ok";
    }

    static String opcodeName(int opcode) {
        return switch (opcode) {
            case ProtocolConstants.Opcode.STARTUP -> "STARTUP";
            case ProtocolConstants.Opcode.OPTIONS -> "OPTIONS";
            case ProtocolConstants.Opcode.QUERY -> "QUERY";
            case ProtocolConstants.Opcode.PREPARE -> "PREPARE";
            case ProtocolConstants.Opcode.EXECUTE -> "EXECUTE";
            case ProtocolConstants.Opcode.REGISTER -> "REGISTER";
            case ProtocolConstants.Opcode.BATCH -> "BATCH";
            case ProtocolConstants.Opcode.AUTH_RESPONSE -> "AUTH_RESPONSE";
            default -> "opcode 0x" + Integer.toHexString(opcode);
        };
    }
}
