package ringdb.core.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * How a key becomes a token. The ring is the whole range of {@code long}, ordered as signed longs,
 * wrapping from {@link Long#MAX_VALUE} to {@link Long#MIN_VALUE}; both partitioners map onto it.
 *
 * <ul>
 *   <li>{@link #SHA1} (the default): the first 8 bytes of SHA-1(key) as a signed big-endian long.</li>
 *   <li>{@link #MURMUR3}: Cassandra's Murmur3Partitioner token, the first 64 bits (h1) of the x64
 *   128-bit MurmurHash3 of the key with seed 0, tail bytes sign-extended as Cassandra reads them, and
 *   {@link Long#MIN_VALUE} mapped to {@link Long#MAX_VALUE}. Token-aware CQL drivers compute the same
 *   token, so they send a request to one of its replicas.</li>
 * </ul>
 *
 * <p>A node's ring positions do not depend on the partitioner ({@link Ring#tokensFor}); every node of
 * a cluster must use the same partitioner (the internode handshake refuses a peer that does not).
 * Stateless and thread-safe.
 */
public enum Partitioner {
    SHA1("sha1", "ringdb.Sha1Partitioner") {
        @Override
        public long token(byte[] bytes, int offset, int length) {
            MessageDigest sha1 = SHA1_DIGEST.get();
            sha1.update(bytes, offset, length);
            byte[] digest = sha1.digest();
            long token = 0;
            for (int i = 0; i < 8; i++) {
                token = (token << 8) | (digest[i] & 0xFF);
            }
            return token;
        }
    },
    MURMUR3("murmur3", "org.apache.cassandra.dht.Murmur3Partitioner") {
        @Override
        public long token(byte[] bytes, int offset, int length) {
            long h1 = Murmur3.hash64(bytes, offset, length);
            return h1 == Long.MIN_VALUE ? Long.MAX_VALUE : h1;
        }
    };

    /**
     * One digest per thread: MessageDigest is not thread-safe, and looking one up per call cost a
     * quarter of a write's CPU. Holds no state between calls (digest() resets it), so determinism
     * is unaffected.
     */
    private static final ThreadLocal<MessageDigest> SHA1_DIGEST = ThreadLocal.withInitial(Partitioner::newSha1);

    private final String configName;
    private final String className;

    Partitioner(String configName, String className) {
        this.configName = configName;
        this.className = className;
    }

    /** The token of {@code length} bytes of {@code bytes} from {@code offset}. */
    public abstract long token(byte[] bytes, int offset, int length);

    public long token(byte[] key) {
        return token(key, 0, key.length);
    }

    public long token(String key) {
        return token(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The name in configuration ({@code partitioner: sha1 | murmur3}). */
    public String configName() {
        return configName;
    }

    /**
     * The class name told to CQL drivers (system.local) and to peers in the internode handshake:
     * Cassandra's for Murmur3, so drivers route by token; ringdb's own for SHA-1, which drivers do not
     * know (they then send each request to any node, which forwards it).
     */
    public String className() {
        return className;
    }

    /** The partitioner named {@code text} in configuration; throws naming the accepted values. */
    public static Partitioner parse(String text) {
        String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Partitioner partitioner : values()) {
            if (partitioner.configName.equals(name)) {
                return partitioner;
            }
        }
        throw new IllegalArgumentException("unknown partitioner '" + text + "'; expected sha1 or murmur3");
    }

    /** The partitioner whose {@link #className()} is {@code className}; throws naming it when none is. */
    public static Partitioner ofClassName(String className) {
        for (Partitioner partitioner : values()) {
            if (partitioner.className.equals(className)) {
                return partitioner;
            }
        }
        throw new IllegalArgumentException("unknown partitioner class '" + className + "'");
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }
}
