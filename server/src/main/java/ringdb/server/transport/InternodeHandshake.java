package ringdb.server.transport;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import ringdb.core.NodeId;
import ringdb.core.message.MessageCodec;
import ringdb.core.ring.Partitioner;

/**
 * The first frame each way on an internode connection (docs/formats/messages.md, "Handshake"). The
 * connecting node sends a HELLO with the magic, the range of frame versions it speaks, its cluster
 * name, its partitioner and its node id; the accepting node answers ACCEPT (the version both will
 * use, and the same facts about itself) or REFUSE with a reason, then closes. Until a HELLO was
 * accepted, nothing else on the connection reaches the node; afterwards every frame must name the
 * HELLO's node as its sender.
 *
 * <p>A handshake frame has the same length prefix as a message frame:
 * {@code length:u32 magic:u32 kind:u8 fields...}.
 */
public final class InternodeHandshake {
    /** "RNGH": a ringdb internode handshake. */
    public static final int MAGIC = 0x524E4748;
    public static final int KIND_HELLO = 1;
    public static final int KIND_ACCEPT = 2;
    public static final int KIND_REFUSE = 3;
    /** The frame versions this node speaks (message frames, {@link MessageCodec#VERSION}). */
    public static final int VERSION_MIN = MessageCodec.VERSION;
    public static final int VERSION_MAX = MessageCodec.VERSION;
    /** The default partitioner's name in a handshake: SHA-1 of the key, first 8 bytes as a signed long. */
    public static final String PARTITIONER = Partitioner.SHA1.className();
    /** The longest string in a handshake, in UTF-8 bytes (a refusal reason is cut to fit). */
    public static final int STRING_BYTES_MAX = 1024;

    private InternodeHandshake() {
    }

    /** What a node says about itself in a HELLO or an ACCEPT. */
    public record Identity(String clusterName, String partitioner, NodeId node) {
        /** A node of {@code clusterName} using the default partitioner, SHA-1. */
        public static Identity of(String clusterName, NodeId node) {
            return of(clusterName, Partitioner.SHA1, node);
        }

        /** A node of {@code clusterName} using {@code partitioner}: peers using another are refused. */
        public static Identity of(String clusterName, Partitioner partitioner, NodeId node) {
            return new Identity(clusterName, partitioner.className(), node);
        }
    }

    /** A decoded handshake frame. */
    public sealed interface Frame permits Hello, Accept, Refuse {
    }

    public record Hello(int versionMin, int versionMax, Identity identity) implements Frame {
    }

    public record Accept(int version, Identity identity) implements Frame {
    }

    public record Refuse(String reason) implements Frame {
    }

    public static byte[] hello(Identity self) {
        ByteBuffer out = start(KIND_HELLO);
        out.put((byte) VERSION_MIN).put((byte) VERSION_MAX);
        identity(out, self);
        return finish(out);
    }

    public static byte[] accept(int version, Identity self) {
        ByteBuffer out = start(KIND_ACCEPT);
        out.put((byte) version);
        identity(out, self);
        return finish(out);
    }

    public static byte[] refuse(String reason) {
        ByteBuffer out = start(KIND_REFUSE);
        string(out, reason);
        return finish(out);
    }

    /**
     * The reason {@code hello} is refused by a node that is {@code self}, or null when it is accepted
     * (then {@link #version} is the version both use).
     */
    public static String refusal(Hello hello, Identity self) {
        Identity peer = hello.identity();
        if (hello.versionMax() < VERSION_MIN || hello.versionMin() > VERSION_MAX) {
            return "no common protocol version: " + peer.node() + " speaks " + hello.versionMin() + ".."
                    + hello.versionMax() + ", " + self.node() + " speaks " + VERSION_MIN + ".." + VERSION_MAX;
        }
        return mismatch(peer, self);
    }

    /** The reason two nodes cannot be in one cluster, or null when they can. */
    public static String mismatch(Identity peer, Identity self) {
        if (!peer.clusterName().equals(self.clusterName())) {
            return "cluster name mismatch: " + peer.node() + " is in cluster '" + peer.clusterName() + "', "
                    + self.node() + " is in cluster '" + self.clusterName() + "'";
        }
        if (!peer.partitioner().equals(self.partitioner())) {
            return "partitioner mismatch: " + peer.node() + " uses " + peer.partitioner() + ", " + self.node()
                    + " uses " + self.partitioner();
        }
        return null;
    }

    /** The version two nodes use once a HELLO was accepted: the highest both speak. */
    public static int version(Hello hello) {
        return Math.min(hello.versionMax(), VERSION_MAX);
    }

    /**
     * Decodes a handshake frame without its length field. Throws {@link IllegalArgumentException}
     * saying what is wrong (not a handshake, unknown kind, truncated, bad text).
     */
    public static Frame decode(ByteBuffer body) {
        try {
            if (body.remaining() < 5) {
                throw new IllegalArgumentException("not a ringdb internode handshake: " + body.remaining() + " bytes");
            }
            int magic = body.getInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("not a ringdb internode handshake (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC) + ")");
            }
            int kind = body.get() & 0xFF;
            Frame frame = switch (kind) {
                case KIND_HELLO -> new Hello(body.get() & 0xFF, body.get() & 0xFF, identity(body));
                case KIND_ACCEPT -> new Accept(body.get() & 0xFF, identity(body));
                case KIND_REFUSE -> new Refuse(string(body));
                default -> throw new IllegalArgumentException("unknown handshake kind " + kind);
            };
            if (body.hasRemaining()) {
                throw new IllegalArgumentException(body.remaining() + " bytes after the handshake's last field");
            }
            return frame;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated handshake", e);
        }
    }

    private static ByteBuffer start(int kind) {
        ByteBuffer out = ByteBuffer.allocate(MessageCodec.LENGTH_FIELD_BYTES + 4 + 1 + 2 + 3 * (2 + STRING_BYTES_MAX));
        out.putInt(0).putInt(MAGIC).put((byte) kind);
        return out;
    }

    private static byte[] finish(ByteBuffer out) {
        out.putInt(0, out.position() - MessageCodec.LENGTH_FIELD_BYTES);
        byte[] frame = new byte[out.position()];
        out.flip().get(frame);
        return frame;
    }

    private static void identity(ByteBuffer out, Identity identity) {
        string(out, identity.clusterName());
        string(out, identity.partitioner());
        string(out, identity.node().id());
    }

    private static Identity identity(ByteBuffer in) {
        String cluster = string(in);
        String partitioner = string(in);
        String node = string(in);
        try {
            return new Identity(cluster, partitioner, NodeId.of(node));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad node id in handshake: " + e.getMessage(), e);
        }
    }

    private static void string(ByteBuffer out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, STRING_BYTES_MAX);
        out.putShort((short) length).put(bytes, 0, length);
    }

    private static String string(ByteBuffer in) {
        int length = in.getShort() & 0xFFFF;
        if (length > STRING_BYTES_MAX) {
            throw new IllegalArgumentException("handshake string of " + length + " bytes, limit " + STRING_BYTES_MAX);
        }
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated handshake: string of " + length + " bytes, "
                    + in.remaining() + " left");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed UTF-8 in handshake", e);
        }
    }
}
