package ringdb.server.api.nativeprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.node.Node;
import ringdb.core.protocol.NativeProtocol;
import ringdb.core.schema.BuiltinTables;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.Permission;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientResults;
import ringdb.server.api.JsonResponses;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.auth.AuthException;
import ringdb.server.auth.AuthService;
import ringdb.server.net.ReadDeadline;
import ringdb.server.net.ReadGate;
import ringdb.server.net.StagedClose;

/**
 * Serves the native protocol's key-value requests ({@code docs/formats/native-protocol.md}) with
 * the same operations, observer and error bodies as the HTTP API. Answers are written as they become
 * ready, in any order, and flushed once per pass of the event loop, so a batch of requests read
 * together is answered with one write to the socket.
 *
 * <p>Threading: runs on the channel's event loop; the node's callbacks may come from any thread and
 * hop to it.
 */
final class NativeApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(NativeApiHandler.class);
    private static final DataResource KEY_VALUE = DataResource.table(BuiltinTables.KEYSPACE,
            BuiltinTables.KEY_VALUE_TABLE);

    private final ClientOperations operations;
    private final RequestObserver observer;
    private final AtomicInteger serverInFlight;
    private final RequestBytesBudget budget;
    private final AuthService auth;
    /** The role this connection logged in as; null until AUTH (or always, when the node requires no login). */
    private String role;
    private ReadGate gate;
    private boolean flushScheduled;
    private boolean closing;
    private boolean inputClosed;
    private ChannelHandlerContext context;

    /** A request that parsed; {@code row} for the row opcodes (their key is the routing key, unused). */
    private record Request(int stream, byte opcode, byte[] key, ConsistencyLevel consistency, long timestampMicros,
                           byte[] value, NativeRows.RowRequest row, NativeScans.ScanRequest scan) {
    }

    NativeApiHandler(ClientOperations operations, RequestObserver observer, AtomicInteger serverInFlight,
                     RequestBytesBudget budget, AuthService auth) {
        this.auth = auth;
        this.budget = budget;
        this.operations = operations;
        this.observer = observer;
        this.serverInFlight = serverInFlight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        gate = new ReadGate(ctx.channel(), NativeProtocol.IN_FLIGHT_PER_CONNECTION_MAX);
    }

    /** The outbound buffer crossed a water mark: stop or resume reading (see {@link ReadGate}). */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        gate.update();
        closeIfDone();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (closing) {
                return;
            }
            if (message instanceof ByteBuf frame) {
                frame(frame);
            } else if (message instanceof NativeFrameDecoder.TooLarge tooLarge) {
                writeError(tooLarge.stream(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                        "request frame of " + tooLarge.lengthBytes() + " bytes is larger than the limit of "
                        + tooLarge.limitBytes() + " bytes (the largest value this node accepts plus a key of at most "
                        + Limits.KEY_SIZE_BYTES_MAX + " bytes)");
            } else if (message instanceof NativeFrameDecoder.Unframeable unframeable) {
                closeWithError("malformed", "frame length " + unframeable.lengthBytes() + " is shorter than the "
                        + NativeProtocol.HEADER_BYTES + "-byte frame header; the connection cannot continue");
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void frame(ByteBuf frame) {
        long size = NativeProtocol.LENGTH_BYTES + (long) frame.readableBytes();
        int stream = frame.readInt();
        byte opcode = frame.readByte();
        boolean loginRequired = auth != null && auth.authenticationRequired();
        if (opcode == NativeProtocol.AUTH) {
            login(stream, frame, loginRequired);
            return;
        }
        if (loginRequired && role == null) {
            observer.onRequest(operation(opcode), "unauthorized", 0);
            writeError(stream, HttpResponseStatus.UNAUTHORIZED, "unauthorized", "authentication required: this "
                    + "node requires a login; send AUTH with a role and its password first");
            return;
        }
        Request request;
        try {
            request = parse(stream, opcode, frame);
        } catch (InvalidRequestException e) {
            observer.onRequest(operation(opcode), "invalid", 0);
            writeError(stream, HttpResponseStatus.BAD_REQUEST, "invalid", e.getMessage());
            return;
        }
        if (!budget.tryAcquire(size)) {
            observer.onRequest(operation(opcode), "overloaded", 0);
            writeError(stream, HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded", budget.overloadedMessage(size));
            return;
        }
        serverInFlight.incrementAndGet();
        gate.admitted(); // in flight until its answer is written; TCP pushes back on the client at the cap
        long startNanos = System.nanoTime();
        if (loginRequired) {
            boolean read = opcode == NativeProtocol.GET || opcode == NativeProtocol.ROW_READ
                    || opcode == NativeProtocol.SCAN;
            DataResource resource = request.row() != null
                    ? DataResource.table(request.row().keyspace(), request.row().table())
                    : request.scan() != null ? DataResource.table(request.scan().keyspace(), request.scan().table())
                    : KEY_VALUE;
            auth.check(role, read ? Permission.SELECT : Permission.MODIFY, resource).whenComplete((v, failure) -> {
                if (failure != null) {
                    refuse(request, startNanos, size, failure);
                } else {
                    context.executor().execute(() -> run(request, startNanos, size));
                }
            });
            return;
        }
        run(request, startNanos, size);
    }

    private void run(Request request, long startNanos, long size) {
        Consumer<Object> done = result -> answer(request, startNanos, size, result);
        switch (request.opcode()) {
            case NativeProtocol.ROW_WRITE -> NativeRows.write(operations, request.row(), request.consistency(),
                    request.timestampMicros(), done::accept);
            case NativeProtocol.ROW_READ -> NativeRows.read(operations, request.row(), request.consistency(), done);
            case NativeProtocol.SCAN -> NativeScans.scan(operations, request.scan(), request.consistency(), done);
            case NativeProtocol.GET -> operations.get(request.key(), request.consistency(), done::accept);
            case NativeProtocol.PUT -> operations.put(request.key(), request.value(), request.consistency(),
                    request.timestampMicros(), done::accept);
            default -> operations.delete(request.key(), request.consistency(), request.timestampMicros(),
                    done::accept);
        }
    }

    /** AUTH: logs the connection in as the role named, or answers 401 (a node that requires no login: always in). */
    private void login(int stream, ByteBuf body, boolean required) {
        if (body.readableBytes() < 2 || body.readableBytes() - 2 < body.getUnsignedShort(body.readerIndex())) {
            observer.onRequest("auth", "invalid", 0);
            writeError(stream, HttpResponseStatus.BAD_REQUEST, "invalid", "AUTH needs userLength:u16, the user and "
                    + "the password");
            return;
        }
        int userLength = body.readUnsignedShort();
        String user = body.readCharSequence(userLength, StandardCharsets.UTF_8).toString();
        String password = body.readCharSequence(body.readableBytes(), StandardCharsets.UTF_8).toString();
        if (!required) {
            write(header(stream, NativeProtocol.AUTHENTICATED, 0));
            return;
        }
        auth.login(user, password).whenComplete((loggedIn, failure) -> context.executor().execute(() -> {
            observer.onRequest("auth", failure == null ? "ok" : "unauthorized", 0);
            if (failure != null) {
                writeError(stream, HttpResponseStatus.UNAUTHORIZED, "unauthorized", AuthException.message(failure));
                return;
            }
            role = loggedIn;
            write(header(stream, NativeProtocol.AUTHENTICATED, 0));
        }));
    }

    /** A request the connection's role may not make: answered 403 saying why. */
    private void refuse(Request request, long startNanos, long size, Throwable failure) {
        if (!context.executor().inEventLoop()) {
            context.executor().execute(() -> refuse(request, startNanos, size, failure));
            return;
        }
        observer.onRequest(operation(request.opcode()), "unauthorized", System.nanoTime() - startNanos);
        serverInFlight.decrementAndGet();
        if (closing || !context.channel().isActive()) {
            gate.released();
            budget.release(size);
            return;
        }
        writeError(request.stream(), HttpResponseStatus.FORBIDDEN, "forbidden", AuthException.message(failure))
                .addListener(written -> {
                    gate.released();
                    budget.release(size);
                    closeIfDone();
                });
    }

    /** Parses a frame's body; throws {@link InvalidRequestException} saying what is wrong. */
    private Request parse(int stream, byte opcode, ByteBuf body) {
        if (opcode < NativeProtocol.GET || opcode > NativeProtocol.SCAN || opcode == NativeProtocol.AUTH) {
            throw new InvalidRequestException("unknown opcode " + opcode + "; requests are GET (1), PUT (2), "
                    + "DELETE (3), AUTH (4), ROW_WRITE (5), ROW_READ (6) and SCAN (7)");
        }
        need(body, 1, "consistency level");
        int code = body.readUnsignedByte();
        ConsistencyLevel consistency = NativeProtocol.consistency(code);
        if (consistency == null) {
            throw new InvalidRequestException("unknown consistency level code " + code
                    + "; expected 0 (ONE), 1 (QUORUM), 2 (ALL), 3 (TWO) or 4 (THREE)");
        }
        long timestampMicros = Node.COORDINATOR_TIMESTAMP;
        byte flags = 0;
        if (opcode == NativeProtocol.SCAN) {
            return new Request(stream, opcode, null, consistency, timestampMicros, null, null, NativeScans.parse(body));
        }
        if (opcode != NativeProtocol.GET && opcode != NativeProtocol.ROW_READ) {
            need(body, 1, "flags");
            flags = body.readByte();
            if ((flags & NativeProtocol.FLAG_TIMESTAMP) != 0) {
                need(body, 8, "timestamp");
                timestampMicros = body.readLong();
                if (timestampMicros <= Long.MIN_VALUE + 1) {
                    throw new InvalidRequestException("timestamp " + timestampMicros + " is out of range");
                }
            }
        }
        if (opcode == NativeProtocol.ROW_WRITE || opcode == NativeProtocol.ROW_READ) {
            NativeRows.RowRequest row = NativeRows.parse(opcode, flags, body);
            return new Request(stream, opcode, null, consistency, timestampMicros, null, row, null);
        }
        need(body, 4, "key length");
        long keyLength = body.readUnsignedInt();
        if (keyLength > body.readableBytes()) {
            throw new InvalidRequestException("key length " + keyLength + " runs past the end of the frame ("
                    + body.readableBytes() + " bytes left)");
        }
        byte[] key = new byte[(int) keyLength];
        body.readBytes(key);
        Limits.checkKey(key);
        byte[] value = null;
        if (opcode == NativeProtocol.PUT) {
            value = new byte[body.readableBytes()];
            body.readBytes(value);
        } else if (body.isReadable()) {
            throw new InvalidRequestException(body.readableBytes() + " unexpected bytes after the key of a "
                    + operation(opcode).toUpperCase(Locale.ROOT) + " request");
        }
        return new Request(stream, opcode, key, consistency, timestampMicros, value, null, null);
    }

    static void need(ByteBuf body, int bytes, String field) {
        if (body.readableBytes() < bytes) {
            throw new InvalidRequestException("request ends before its " + field + " (" + bytes + " bytes needed, "
                    + body.readableBytes() + " left)");
        }
    }

    private static String operation(byte opcode) {
        return switch (opcode) {
            case NativeProtocol.GET -> "get";
            case NativeProtocol.PUT -> "put";
            case NativeProtocol.DELETE -> "delete";
            case NativeProtocol.ROW_WRITE -> "row_write";
            case NativeProtocol.ROW_READ -> "row_read";
            case NativeProtocol.SCAN -> "scan";
            default -> "unknown";
        };
    }

    /** Called from any thread; hops to the event loop and writes the answer on the request's stream. */
    private void answer(Request request, long startNanos, long size, Object result) {
        if (!context.executor().inEventLoop()) {
            context.executor().execute(() -> answer(request, startNanos, size, result));
            return;
        }
        String outcome = result instanceof NativeRows.RowFound || result instanceof NativeScans.RowsFound ? "ok"
                : ClientResults.outcome((ClientResult) result);
        observer.onRequest(operation(request.opcode()), outcome, System.nanoTime() - startNanos);
        serverInFlight.decrementAndGet();
        if (closing || !context.channel().isActive()) {
            gate.released();
            budget.release(size);
            return;
        }
        writeAnswer(request, result).addListener(written -> {
            gate.released();
            budget.release(size);
            closeIfDone();
        });
    }

    private ChannelFuture writeAnswer(Request request, Object result) {
        if (result instanceof NativeScans.RowsFound rows) {
            ByteBuf out = header(request.stream(), NativeProtocol.ROWS, rows.body().length);
            out.writeBytes(rows.body());
            return write(out);
        } else if (result instanceof NativeRows.RowFound row) {
            ByteBuf out = header(request.stream(), NativeProtocol.ROW, row.body().length);
            out.writeBytes(row.body());
            return write(out);
        } else if (result instanceof ClientResult.Found found) {
            ByteBuf out = header(request.stream(), NativeProtocol.VALUE, 8 + found.value().length);
            out.writeLong(found.timestampMicros()).writeBytes(found.value());
            return write(out);
        } else if (result instanceof ClientResult.Written written) {
            ByteBuf out = header(request.stream(), NativeProtocol.WRITTEN, 12);
            out.writeLong(written.timestampMicros()).writeInt(written.acks());
            return write(out);
        } else if (result instanceof ClientResult.NotFound) {
            return write(header(request.stream(), NativeProtocol.NOT_FOUND, 0));
        } else {
            FullHttpResponse response = ClientResults.toResponse((ClientResult) result, request.key() == null
                    ? "" : new String(request.key(), StandardCharsets.UTF_8));
            try {
                ByteBuf out = header(request.stream(), NativeProtocol.ERROR, 2 + response.content().readableBytes());
                out.writeShort(response.status().code()).writeBytes(response.content());
                return write(out);
            } finally {
                response.release();
            }
        }
    }

    private ByteBuf header(int stream, byte opcode, int bodyBytes) {
        int length = NativeProtocol.HEADER_BYTES + bodyBytes;
        ByteBuf out = context.alloc().buffer(NativeProtocol.LENGTH_BYTES + length);
        return out.writeInt(length).writeInt(stream).writeByte(opcode);
    }

    private ChannelFuture writeError(int stream, HttpResponseStatus status, String error, String message) {
        byte[] json = JsonResponses.errorBody(error, message).toString().getBytes(StandardCharsets.UTF_8);
        ByteBuf out = header(stream, NativeProtocol.ERROR, 2 + json.length);
        out.writeShort(status.code()).writeBytes(json);
        return write(out);
    }

    /** Writes now and flushes once, after everything else this pass of the event loop writes. */
    private ChannelFuture write(ByteBuf out) {
        ChannelFuture written = context.write(out);
        if (!flushScheduled) {
            flushScheduled = true;
            context.executor().execute(() -> {
                flushScheduled = false;
                context.flush();
            });
        }
        return written;
    }

    private void closeWithError(String error, String message) {
        closeWithError(HttpResponseStatus.BAD_REQUEST, error, message);
    }

    private void closeWithError(HttpResponseStatus status, String error, String message) {
        ChannelFuture written = writeError(NativeProtocol.CONNECTION_STREAM, status, error, message);
        closing = true;
        context.flush();
        StagedClose.after(written, context.channel());
    }

    /** Answers produced while reading (local reads) leave with one flush per read batch. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /**
     * The client closed its side (half-closure is allowed on native connections): the requests it
     * sent are still answered, then the connection is closed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            closeIfDone();
        } else if (event instanceof ReadDeadline.Expired expired && !closing) {
            observer.onRequest("incomplete", "read_timeout", 0);
            closeWithError(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout", "a frame did not arrive complete "
                    + "within " + expired.deadlineMillis() + " ms of its first bytes (client_request_read_timeout_ms); "
                    + "the connection is closed");
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * Closes a half-closed connection once every request it sent is answered. While reading is off
     * (backpressure), requests already read may still wait to be delivered, so it waits for reading.
     */
    private void closeIfDone() {
        if (inputClosed && gate.inFlight() == 0 && !closing && context.channel().config().isAutoRead()) {
            closing = true;
            context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("native connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
