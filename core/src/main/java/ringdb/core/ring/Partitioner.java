package ringdb.core.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-1 partitioner: a key's token is the first 8 bytes of SHA-1(key) read as a signed big-endian
 * long. The ring is the whole range of {@code long}, ordered as signed longs, wrapping from
 * {@link Long#MAX_VALUE} to {@link Long#MIN_VALUE}.
 */
public final class Partitioner {
    /**
     * One digest per thread: MessageDigest is not thread-safe, and looking one up per call cost a
     * quarter of a write's CPU. Holds no state between calls (digest() resets it), so determinism
     * is unaffected.
     */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(Partitioner::newSha1);

    private Partitioner() {
    }

    public static long token(byte[] key) {
        return token(key, 0, key.length);
    }

    /** The token of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static long token(byte[] bytes, int offset, int length) {
        MessageDigest sha1 = SHA1.get();
        sha1.update(bytes, offset, length);
        byte[] digest = sha1.digest();
        long token = 0;
        for (int i = 0; i < 8; i++) {
            token = (token << 8) | (digest[i] & 0xFF);
        }
        return token;
    }

    public static long token(String key) {
        return token(key.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }
}
