package ringdb.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A server on 127.0.0.1 that serves each accepted connection with a script, on a thread of its own. */
final class ScriptedServer implements AutoCloseable {
    /** How the server treats one accepted connection; {@code connectionNumber} counts from 1. */
    interface Script {
        void serve(Socket socket, int connectionNumber) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> accept(script), "test-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(Script script) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int number = connections.incrementAndGet();
                Thread worker = new Thread(() -> {
                    try {
                        script.serve(socket, number);
                    } catch (IOException e) {
                        // the client went away
                    }
                }, "test-connection-" + number);
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * A port of 127.0.0.1 that refuses connections for as long as it is open: a socket bound to it that
     * never listens, so connecting gets a reset at once, and no other socket of this process or another
     * can take the port meanwhile (the socket is bound without SO_REUSEADDR).
     */
    static final class RefusingPort implements AutoCloseable {
        private final Socket bound = new Socket();

        RefusingPort() throws IOException {
            bound.setReuseAddress(false);
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        /** "127.0.0.1:port". */
        String address() {
            return "127.0.0.1:" + bound.getLocalPort();
        }

        int port() {
            return bound.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            bound.close();
        }
    }

    /** "127.0.0.1:port". */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
