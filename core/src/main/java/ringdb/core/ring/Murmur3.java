package ringdb.core.ring;

/**
 * The x64 128-bit MurmurHash3 of a byte range with seed 0, as Apache Cassandra computes it for its
 * Murmur3Partitioner: 16-byte blocks read little-endian, but the tail bytes (the last
 * {@code length % 16}) widened to {@code long} with their sign, where the reference algorithm reads
 * them unsigned. The two agree on every input whose tail bytes are all below 0x80; Cassandra's
 * tokens (and so the drivers') are this variant's. Stateless.
 */
final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final int BLOCK_BYTES = 16;

    private Murmur3() {
    }

    /** The first 64 bits (h1) of the hash of {@code length} bytes of {@code data} from {@code offset}. */
    static long hash64(byte[] data, int offset, int length) {
        int blocks = length / BLOCK_BYTES;
        long h1 = 0;
        long h2 = 0;
        for (int i = 0; i < blocks; i++) {
            int at = offset + i * BLOCK_BYTES;
            long k1 = littleEndian(data, at);
            long k2 = littleEndian(data, at + 8);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = offset + blocks * BLOCK_BYTES;
        int tailLength = length % BLOCK_BYTES;
        long k1 = 0;
        long k2 = 0;
        for (int i = tailLength - 1; i >= 8; i--) {
            k2 ^= ((long) data[tail + i]) << ((i - 8) * 8); // sign-extended, as Cassandra does
        }
        if (tailLength > 8) {
            h2 ^= mixK2(k2);
        }
        for (int i = Math.min(tailLength, 8) - 1; i >= 0; i--) {
            k1 ^= ((long) data[tail + i]) << (i * 8);
        }
        if (tailLength > 0) {
            h1 ^= mixK1(k1);
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = finalMix(h1);
        h2 = finalMix(h2);
        return h1 + h2;
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
    }

    private static long littleEndian(byte[] data, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (data[at + i] & 0xFFL);
        }
        return value;
    }

    private static long finalMix(long k) {
        long h = k;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
