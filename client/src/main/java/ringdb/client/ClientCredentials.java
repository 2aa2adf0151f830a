package ringdb.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A role and its password, for a node that requires logins (authenticator: PasswordAuthenticator):
 * sent as HTTP Basic on every HTTP request, and in an AUTH request when a native connection opens.
 * {@link #toString()} never shows the password.
 */
public record ClientCredentials(String user, String password) {
    public ClientCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("the user name is empty");
        }
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a user name with ':' cannot be sent as HTTP Basic credentials");
        }
    }

    /**
     * Reads a credentials file: Java properties with {@code user=ROLE} and {@code password=SECRET}
     * (the CLI's {@code --credentials FILE} and {@code ~/.ringdb/credentials}). {@code user} may be
     * missing when the caller names the role itself; then the result's user is empty-checked by the caller.
     */
    public static java.util.Properties readFile(java.nio.file.Path file) {
        java.util.Properties properties = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the credentials file " + file + ": " + e.getMessage(), e);
        }
        if (properties.getProperty("password") == null) {
            throw new IllegalArgumentException("the credentials file " + file + " has no password=... line");
        }
        return properties;
    }

    /** The value of an HTTP Authorization header. */
    String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The body of the native protocol's AUTH request: userLength:u16 user password. */
    byte[] nativeAuthBody() {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF) {
            throw new IllegalArgumentException("the user name is longer than 65535 bytes");
        }
        byte[] body = new byte[2 + name.length + secret.length];
        body[0] = (byte) (name.length >>> 8);
        body[1] = (byte) name.length;
        System.arraycopy(name, 0, body, 2, name.length);
        System.arraycopy(secret, 0, body, 2 + name.length, secret.length);
        return body;
    }

    @Override
    public String toString() {
        return "ClientCredentials[user=" + user + "]";
    }
}
