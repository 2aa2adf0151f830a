package ringdb.storage.sstable;

import java.nio.ByteBuffer;

/**
 * A bloom filter over key tokens. Tokens are already SHA-1 derived and uniform, so the k probe
 * positions come from double hashing of the token alone.
 */
public final class BloomFilter {
    private final long[] words;
    private final int hashCount;
    private final long bitCount;

    private BloomFilter(long[] words, int hashCount) {
        this.words = words;
        this.hashCount = hashCount;
        this.bitCount = (long) words.length * 64;
    }

    public static BloomFilter create(long expectedEntries) {
        long bits = Math.max(64, expectedEntries * SSTableFormat.BLOOM_BITS_PER_ENTRY);
        int wordCount = (int) Math.min(Integer.MAX_VALUE - 8, (bits + 63) / 64);
        return new BloomFilter(new long[wordCount], SSTableFormat.BLOOM_HASH_COUNT);
    }

    public void add(long token) {
        long h2 = secondHash(token);
        for (int i = 0; i < hashCount; i++) {
            long bit = Long.remainderUnsigned(token + i * h2, bitCount);
            words[(int) (bit >>> 6)] |= 1L << (bit & 63);
        }
    }

    public boolean mightContain(long token) {
        long h2 = secondHash(token);
        for (int i = 0; i < hashCount; i++) {
            long bit = Long.remainderUnsigned(token + i * h2, bitCount);
            if ((words[(int) (bit >>> 6)] & (1L << (bit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    private static long secondHash(long token) {
        long h = token * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return h | 1;
    }

    /** hash count i32, word count i32, words i64 each. */
    public int serializedSizeBytes() {
        return 8 + words.length * 8;
    }

    public void writeTo(ByteBuffer out) {
        out.putInt(hashCount).putInt(words.length);
        for (long word : words) {
            out.putLong(word);
        }
    }

    public static BloomFilter readFrom(ByteBuffer in) {
        int hashCount = in.getInt();
        int wordCount = in.getInt();
        if (hashCount <= 0 || hashCount > 64 || wordCount <= 0 || wordCount * 8L > in.remaining()) {
            throw new IllegalArgumentException(
                    "bloom filter header is impossible: " + hashCount + " hashes, " + wordCount + " words");
        }
        long[] words = new long[wordCount];
        for (int i = 0; i < wordCount; i++) {
            words[i] = in.getLong();
        }
        return new BloomFilter(words, hashCount);
    }
}
