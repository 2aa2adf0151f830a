package ringdb.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import ringdb.core.protocol.NativeProtocol;

/**
 * One native-protocol connection to a node, shared by every calling thread: requests carry stream
 * ids, and answers come back in any order. Callers append their frames to a shared buffer; the
 * first one that finds no write under way writes everything queued (its own frame and whatever
 * others added meanwhile) with one system call, so concurrent requests leave in batches. A reader
 * thread takes the answers off the socket in large reads and wakes each waiting caller.
 *
 * <p>When the connection fails (the node closed it, a reset, a malformed answer), every request in
 * flight fails with "io" (its outcome is unknown) and the connection is dead; the transport opens a
 * new one for later requests.
 */
final class NativeConnection {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int QUEUE_BYTES_INITIAL = 64 * 1024;
    /** Frames waiting to be written, at most; past it a request is refused before it is sent. */
    private static final int QUEUE_BYTES_MAX = 256 * 1024 * 1024;

    private final String node;
    private final Socket socket;
    private final Socket raw;
    private final OutputStream out;
    private final InputStream in;
    /** Answers read but not yet delivered: bytes {@code inputStart} to {@code inputEnd}; reader thread only. */
    private byte[] input = new byte[READ_BUFFER_BYTES];
    private int inputStart;
    private int inputEnd;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Object queueLock = new Object();
    private byte[] queue = new byte[QUEUE_BYTES_INITIAL];
    private byte[] spare = new byte[QUEUE_BYTES_INITIAL];
    private int queuedBytes; // guarded by queueLock
    private boolean writing; // guarded by queueLock
    private int nextStream = 1; // guarded by queueLock
    private volatile RingClientException failure;
    /** When the write under way started ({@link System#nanoTime}), or 0 when none is. */
    private volatile long writeStartedNanos;

    /** A request waiting for its answer. */
    static final class Pending {
        private final Thread waiter = Thread.currentThread();
        private volatile HttpTransport.Response response;
        private volatile RingClientException error;

        void complete(HttpTransport.Response answer) {
            response = answer;
            LockSupport.unpark(waiter);
        }

        void fail(RingClientException e) {
            error = e;
            LockSupport.unpark(waiter);
        }
    }

    /**
     * {@code socket} carries the protocol (a TLS socket over {@code raw}, or {@code raw} itself);
     * failing the connection closes {@code raw}, which ends a write blocked in either.
     */
    NativeConnection(String node, Socket socket, Socket raw) throws IOException {
        this.node = node;
        this.socket = socket;
        this.raw = raw;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        out.write(NativeProtocol.PREAMBLE);
        Thread reader = new Thread(this::readAnswers, "ringdb-client-" + node);
        reader.setDaemon(true);
        reader.start();
    }

    boolean alive() {
        return failure == null;
    }

    /**
     * Sends one request ({@code opcode} and its {@code body}, framed here with a fresh stream id)
     * and waits up to {@code timeoutMillis} for its answer.
     */
    HttpTransport.Response exchange(byte opcode, byte[] body, long timeoutMillis) {
        Pending waiting = new Pending();
        int stream = enqueue(opcode, body, waiting);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (waiting.response == null && waiting.error == null) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                pending.remove(stream);
                throw new RingClientException(0, "client_timeout",
                        "no answer from " + node + " within " + timeoutMillis + " ms");
            }
            LockSupport.parkNanos(this, remaining);
        }
        if (waiting.error != null) {
            throw waiting.error;
        }
        return waiting.response;
    }

    /** Queues the frame and writes the queue unless another caller is writing it; returns the stream id. */
    private int enqueue(byte opcode, byte[] body, Pending waiting) {
        int stream;
        synchronized (queueLock) {
            if (failure != null) {
                throw new RingClientException(0, "unreachable", failure.getMessage(), failure);
            }
            int frameBytes = NativeProtocol.LENGTH_BYTES + NativeProtocol.HEADER_BYTES + body.length;
            if (queuedBytes + frameBytes > QUEUE_BYTES_MAX) {
                throw new RingClientException(0, "unreachable", "more than " + QUEUE_BYTES_MAX
                        + " bytes of requests are waiting to be sent to " + node + "; not sent");
            }
            stream = nextStream;
            nextStream = nextStream == Integer.MAX_VALUE ? 1 : nextStream + 1;
            pending.put(stream, waiting);
            ensureQueueRoom(frameBytes);
            int at = queuedBytes;
            putInt(at, NativeProtocol.HEADER_BYTES + body.length);
            putInt(at + NativeProtocol.LENGTH_BYTES, stream);
            queue[at + NativeProtocol.LENGTH_BYTES + 4] = opcode;
            int bodyAt = at + NativeProtocol.LENGTH_BYTES + NativeProtocol.HEADER_BYTES;
            System.arraycopy(body, 0, queue, bodyAt, body.length);
            queuedBytes += frameBytes;
            if (writing) {
                return stream; // the caller writing now takes this frame along
            }
            writing = true;
        }
        writeQueued();
        return stream;
    }

    private void writeQueued() {
        while (true) {
            byte[] batch;
            int length;
            synchronized (queueLock) {
                if (queuedBytes == 0 || failure != null) {
                    writing = false;
                    return;
                }
                batch = queue;
                length = queuedBytes;
                queue = spare; // only the one writing caller swaps, and it hands the spare back below
                spare = null;
                queuedBytes = 0;
            }
            try {
                writeStartedNanos = System.nanoTime() | 1;
                out.write(batch, 0, length);
            } catch (IOException e) {
                fail("request to " + node + " failed: " + e);
            } finally {
                writeStartedNanos = 0;
            }
            synchronized (queueLock) {
                spare = batch.length > 4 * QUEUE_BYTES_INITIAL ? new byte[QUEUE_BYTES_INITIAL] : batch;
            }
        }
    }

    private void ensureQueueRoom(int frameBytes) {
        if (queuedBytes + frameBytes > queue.length) {
            queue = Arrays.copyOf(queue, Math.max(queue.length * 2, queuedBytes + frameBytes));
        }
    }

    private void putInt(int at, int value) {
        queue[at] = (byte) (value >>> 24);
        queue[at + 1] = (byte) (value >>> 16);
        queue[at + 2] = (byte) (value >>> 8);
        queue[at + 3] = (byte) value;
    }

    private void readAnswers() {
        try {
            while (failure == null) {
                readAnswers(fillInput());
            }
        } catch (EOFException e) {
            fail(node + " closed the connection");
        } catch (IOException | RuntimeException e) {
            fail("connection to " + node + " failed: " + e);
        }
    }

    /**
     * Reads at least one more byte into the input buffer, first moving the unread bytes to its start
     * (and growing it when one frame does not fit); returns the number of unread bytes.
     */
    private int fillInput() throws IOException {
        int unread = inputEnd - inputStart;
        int needed = unread >= NativeProtocol.LENGTH_BYTES ? NativeProtocol.LENGTH_BYTES + frameLength(inputStart) : 0;
        if (inputStart > 0) {
            System.arraycopy(input, inputStart, input, 0, unread);
            inputStart = 0;
            inputEnd = unread;
        }
        if (needed > input.length) {
            input = Arrays.copyOf(input, needed);
        } else if (unread == 0 && input.length > READ_BUFFER_BYTES) {
            input = new byte[READ_BUFFER_BYTES]; // a large answer is gone: give its room back
        }
        int read = in.read(input, inputEnd, input.length - inputEnd);
        if (read < 0) {
            throw new EOFException();
        }
        inputEnd += read;
        return inputEnd - inputStart;
    }

    /** The length field of the frame at {@code at}, checked. */
    private int frameLength(int at) throws IOException {
        long length = Integer.toUnsignedLong(getInt(input, at));
        if (length < NativeProtocol.HEADER_BYTES || length > HttpTransport.RESPONSE_BYTES_MAX) {
            throw new IOException("malformed answer: frame length " + length);
        }
        return (int) length;
    }

    /** Delivers every whole answer in the input buffer; a partial one stays for the next read. */
    private void readAnswers(int unread) throws IOException {
        while (unread >= NativeProtocol.LENGTH_BYTES) {
            int length = frameLength(inputStart);
            if (unread < NativeProtocol.LENGTH_BYTES + length) {
                return;
            }
            int at = inputStart + NativeProtocol.LENGTH_BYTES;
            int stream = getInt(input, at);
            byte status = input[at + 4];
            byte[] body = Arrays.copyOfRange(input, at + NativeProtocol.HEADER_BYTES, at + length);
            inputStart = at + length;
            unread -= NativeProtocol.LENGTH_BYTES + length;
            deliver(stream, NativeAnswers.decode(status, body));
        }
    }

    private void deliver(int stream, HttpTransport.Response response) throws IOException {
        if (stream == NativeProtocol.CONNECTION_STREAM) {
            throw new IOException("the node refused the connection: " + NativeAnswers.message(response));
        }
        Pending waiting = pending.remove(stream);
        if (waiting != null) {
            waiting.complete(response); // no one waits for an answer that came after its timeout
        }
    }

    private static int getInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8
                | bytes[at + 3] & 0xFF;
    }

    /**
     * Fails the connection when a write has been blocked for longer than {@code limitNanos} (the
     * node stopped reading: it is frozen, or overloaded past its backpressure), which closes the
     * socket and so ends the blocked write.
     */
    void failIfWriteStalled(long nowNanos, long limitNanos) {
        long started = writeStartedNanos;
        if (started != 0 && nowNanos - started > limitNanos) {
            fail("no progress sending to " + node + " for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - started)
                    + " ms: the node stopped reading");
        }
    }

    /**
     * Fails the connection and every request in flight with the first cause: the errors that
     * closing the socket causes in the writing and reading threads are its consequences, not news.
     */
    private void fail(String message) {
        RingClientException error;
        synchronized (queueLock) {
            if (failure == null) {
                failure = new RingClientException(0, "io", message);
            }
            error = failure;
        }
        close();
        for (Integer stream : pending.keySet()) {
            Pending waiting = pending.remove(stream);
            if (waiting != null) {
                waiting.fail(error);
            }
        }
    }

    private void close() {
        try {
            raw.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Closes the socket; requests in flight fail with "io". */
    void shutdown() {
        fail("the client is closed");
    }
}
