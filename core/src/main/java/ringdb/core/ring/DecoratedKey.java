package ringdb.core.ring;

import java.util.Arrays;

/**
 * A key with its token. Storage sorts by (token, key bytes unsigned) so that range scans walk the
 * ring in token order, which streaming and repair rely on.
 */
public record DecoratedKey(long token, byte[] key) implements Comparable<DecoratedKey> {
    public static DecoratedKey of(byte[] key) {
        return new DecoratedKey(Partitioner.token(key), key);
    }

    @Override
    public int compareTo(DecoratedKey o) {
        int byToken = Long.compare(token, o.token);
        return byToken != 0 ? byToken : Arrays.compareUnsigned(key, o.key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecoratedKey d && d.token == token && Arrays.equals(d.key, key);
    }

    /** The token: a SHA-1 prefix, already well spread, and equal keys have equal tokens. */
    @Override
    public int hashCode() {
        return Long.hashCode(token);
    }

    @Override
    public String toString() {
        return "DecoratedKey[token=" + token + ", key=" + key.length + "B]";
    }
}
