package ringdb.server.api.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the percent-encoded key of a URL path segment ({@code /v1/kv/{key}}) to its bytes: the
 * inverse of the client's {@code ringdb.client.KeyPaths.encode}, which escapes every byte except
 * RFC 3986 unreserved characters as %XX.
 */
final class KeyPaths {
    private KeyPaths() {
    }

    /**
     * Decodes a percent-encoded path segment to bytes (characters outside %XX taken as UTF-8).
     * Throws {@link IllegalArgumentException} naming the position of a malformed escape.
     */
    static byte[] decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length() || Character.digit(segment.charAt(i + 1), 16) < 0
                        || Character.digit(segment.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("malformed percent-escape at position " + i + " of the key");
                }
                out.write(Character.digit(segment.charAt(i + 1), 16) * 16 + Character.digit(segment.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
        return out.toByteArray();
    }
}
