package ringdb.server.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out TCP ports that were free when asked for and that this process has not handed out
 * before. The operating system may give the same ephemeral port to two sockets opened one after
 * the other, so two ports picked for one node (internode and HTTP, say) could otherwise collide.
 * A port handed out here can still be taken by another process before it is bound; callers that
 * start nodes must treat a failed bind as a reason to retry, not as a bug.
 */
public final class FreePorts {

    private static final int ATTEMPTS = 64;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A free port on the loopback address. */
    public static int loopback() {
        return on(InetAddress.getLoopbackAddress());
    }

    /** A free port on the given host name or address literal. */
    public static int on(String host) {
        try {
            return on(InetAddress.getByName(host));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + host + ": " + e.getMessage(), e);
        }
    }

    /** A free port on the given address, never one this process handed out before. */
    public static int on(InetAddress address) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, address)) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + address + ": " + e.getMessage(), e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no fresh free port on " + address + " after " + ATTEMPTS + " attempts");
    }
}
