package ringdb.core.data;

/** Size limits on keys and values, checked before anything is written. */
public final class Limits {
    /** Largest key accepted, in bytes (64 KiB). Fixed: it is part of the on-disk formats. */
    public static final int KEY_SIZE_BYTES_MAX = 64 * 1024;
    /** Default largest value, in bytes (1 MiB); configurable per node up to {@link #VALUE_SIZE_BYTES_CEILING}. */
    public static final int VALUE_SIZE_BYTES_DEFAULT = 1024 * 1024;
    /** No configuration may raise the value limit above this (64 MiB). */
    public static final int VALUE_SIZE_BYTES_CEILING = 64 * 1024 * 1024;

    private Limits() {
    }

    /** Throws {@link InvalidRequestException} with a message naming the problem. */
    public static void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new InvalidRequestException("key must not be empty");
        }
        if (key.length > KEY_SIZE_BYTES_MAX) {
            throw new InvalidRequestException(
                    "key is " + key.length + " bytes; the limit is " + KEY_SIZE_BYTES_MAX + " bytes (64 KiB)");
        }
    }

    /** Throws {@link InvalidRequestException} when {@code value} is larger than {@code valueSizeBytesMax}. */
    public static void checkValue(byte[] value, int valueSizeBytesMax) {
        if (value != null && value.length > valueSizeBytesMax) {
            throw new InvalidRequestException(
                    "value is " + value.length + " bytes; the limit is " + valueSizeBytesMax + " bytes");
        }
    }
}
