package ringdb.server.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain-socket exchanges with the client port for tests: every read bounded by a socket timeout. */
final class RawClient {
    private RawClient() {
    }

    /** Sends {@code request} and reads until the node closes, at most {@code timeoutMillis} per read. */
    static String exchange(InetSocketAddress address, byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(request);
            return new String(readToEnd(socket.getInputStream(), 1 << 20), StandardCharsets.ISO_8859_1);
        }
    }

    /** One HTTP request with {@code Connection: close}; the whole answer as text. */
    static String http(InetSocketAddress address, String path, int timeoutMillis) throws IOException {
        return exchange(address, ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), timeoutMillis);
    }

    static byte[] readToEnd(InputStream in, int bytesMax) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while (all.size() < bytesMax && (n = in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
        }
        return all.toByteArray();
    }
}
