package ringdb.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port of 127.0.0.1 that refuses connections for as long as it is open: a socket bound to it that
 * never listens, so connecting gets a reset at once, and no other socket of this process or another
 * can take the port meanwhile (it is bound without SO_REUSEADDR). A port found free and then closed
 * could be taken by another process before a test connects to it, and the test would then reach that.
 */
public final class RefusingPort implements AutoCloseable {
    private final Socket bound = new Socket();

    public RefusingPort() throws IOException {
        bound.setReuseAddress(false);
        bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** "127.0.0.1:port". */
    public String address() {
        return "127.0.0.1:" + bound.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        bound.close();
    }
}
