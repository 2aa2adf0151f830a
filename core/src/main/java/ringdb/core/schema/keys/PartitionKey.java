package ringdb.core.schema.keys;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition key's values in their serialized form, and its serialized whole, from which the
 * token is computed exactly as Cassandra does: one component is its bytes; several are
 * CompositeType's form, each component as [u16 length][bytes][0x00]. So a Murmur3 partitioner
 * over these bytes gives the token a token-aware driver computes.
 */
public record PartitionKey(List<byte[]> components) {
    public PartitionKey {
        components = List.copyOf(components);
    }

    public static PartitionKey of(byte[]... components) {
        return new PartitionKey(List.of(components));
    }

    /** The serialized partition key (the bytes a token is computed from). */
    public byte[] serialize() {
        if (components.size() == 1) {
            return components.get(0).clone();
        }
        int size = 0;
        for (byte[] c : components) {
            size += 3 + c.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] c : components) {
            if (c.length > 0xFFFF) {
                throw new IllegalArgumentException("a component of a composite partition key is at most 65535 bytes");
            }
            out.putShort((short) c.length).put(c).put((byte) 0);
        }
        return out.array();
    }

    /** Reads a serialized partition key of {@code count} components. */
    public static PartitionKey deserialize(byte[] serialized, int count) {
        if (count == 1) {
            return of(serialized.clone());
        }
        ByteBuffer in = ByteBuffer.wrap(serialized);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (in.remaining() < 3) {
                throw new IllegalArgumentException("composite partition key ends before component " + i);
            }
            byte[] c = new byte[in.getShort() & 0xFFFF];
            if (in.remaining() < c.length + 1) {
                throw new IllegalArgumentException("composite partition key ends inside component " + i);
            }
            in.get(c);
            if (in.get() != 0) {
                throw new IllegalArgumentException("component " + i + " of a composite partition key does not end "
                        + "with 0x00");
            }
            out.add(c);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after the last partition key component");
        }
        return new PartitionKey(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionKey other && Values.equal(components, other.components);
    }

    @Override
    public int hashCode() {
        return Values.hash(components);
    }

    @Override
    public String toString() {
        return "PartitionKey" + Values.hex(components);
    }
}
