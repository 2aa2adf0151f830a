package ringdb.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;

/** Opens the client's blocking TCP connections to nodes. */
final class ClientSockets {
    private ClientSockets() {
    }

    /**
     * A connected blocking channel to {@code node} ("host:port") with Nagle off; a failure is a
     * {@link RingClientException} with error "unreachable" (nothing was sent).
     */
    static SocketChannel open(String node, int connectTimeoutMillis) {
        int colon = node.lastIndexOf(':');
        if (colon <= 0) {
            throw new RingClientException(0, "unreachable", "node address must be host:port, got '" + node + "'");
        }
        int port;
        try {
            port = Integer.parseInt(node.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new RingClientException(0, "unreachable", "port of '" + node + "' is not a number", e);
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.socket().setTcpNoDelay(true);
            channel.socket().connect(new InetSocketAddress(node.substring(0, colon), port), connectTimeoutMillis);
            return channel;
        } catch (ConnectException | SocketTimeoutException | NoRouteToHostException | UnknownHostException e) {
            closeQuietly(channel);
            throw new RingClientException(0, "unreachable", "cannot connect to " + node + ": " + e.getMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(channel);
            throw new RingClientException(0, "unreachable", "cannot connect to " + node + ": " + e, e);
        }
    }

    /** The host of a "host:port" node address. */
    static String host(String node) {
        return node.substring(0, node.lastIndexOf(':'));
    }

    /** The port of a "host:port" node address (checked by {@link #open} first). */
    static int port(String node) {
        return Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
    }

    /** Sets up a connection over a freshly opened channel; may fail with an IOException. */
    interface ConnectionFactory<T> {
        T create(SocketChannel channel) throws IOException;
    }

    /** Opens a channel to {@code node} and wraps it; every failure is "unreachable" and closes the channel. */
    static <T> T connect(String node, int connectTimeoutMillis, ConnectionFactory<T> factory) {
        SocketChannel channel = open(node, connectTimeoutMillis);
        try {
            return factory.create(channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new RingClientException(0, "unreachable", "cannot connect to " + node + ": " + e, e);
        }
    }

    static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
