package ringdb.client;

/**
 * Percent-encoding of key bytes into a URL path segment ({@code /v1/kv/{key}}, {@code /v1/ring?key=});
 * the node decodes it back (its HTTP API's {@code KeyPaths.decode}).
 */
public final class KeyPaths {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KeyPaths() {
    }

    /** Encodes every byte except RFC 3986 unreserved characters as %XX. */
    public static String encode(byte[] key) {
        StringBuilder out = new StringBuilder(key.length + 16);
        for (byte b : key) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }
}
