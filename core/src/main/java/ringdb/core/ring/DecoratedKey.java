package ringdb.core.ring;

import java.util.Arrays;

/**
 * A key with its token. Storage sorts by (token, key bytes unsigned) so that range scans walk the
 * ring in token order, which streaming and repair rely on.
 */
public record DecoratedKey(long token, byte[] key) implements Comparable<DecoratedKey> {
    /**
     * A store's key with its token under {@code partitioner} (the node's): for a data store key
     * (tagged 0x01 or 0x02, {@link StorageKeys}) {@link StorageKeys#token}, which throws for a
     * malformed table entry's key; a key with another first byte is a node-local store's (system
     * records and hints begin with a letter), placed by the partitioner's token of the whole key.
     */
    public static DecoratedKey of(Partitioner partitioner, byte[] key) {
        boolean data = StorageKeys.isKv(key) || StorageKeys.isTable(key);
        return new DecoratedKey(data ? StorageKeys.token(partitioner, key) : partitioner.token(key), key);
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

    /**
     * The token (a hash of the key, already well spread) for a key-value key; for a table entry also its
     * bytes, since every entry of a partition shares the token: hashed by the token alone, a big
     * partition's entries would all fall into one bucket of a hash index (the memtable's), each
     * insert walking a tree of them.
     */
    @Override
    public int hashCode() {
        int byToken = Long.hashCode(token);
        return StorageKeys.isTable(key) ? 31 * byToken + Arrays.hashCode(key) : byToken;
    }

    @Override
    public String toString() {
        return "DecoratedKey[token=" + token + ", key=" + key.length + "B]";
    }
}
