package ringdb.server.api.nativeprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.protocol.NativeProtocol;

/** The parse of a row request's body: its parts, and a refusal naming the part a malformed body breaks. */
class NativeRowsParseTest {

    private static ByteBuf name(ByteBuf out, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return out.writeShort(bytes.length).writeBytes(bytes);
    }

    /** A ROW_WRITE body of app.users, partition key "ann", no clustering, column {@code column} = {@code value}. */
    private static ByteBuf write(String column, byte[] value, int valueLength) {
        ByteBuf body = Unpooled.buffer();
        name(body, "app");
        name(body, "users");
        body.writeByte(1).writeInt(3).writeBytes("ann".getBytes(StandardCharsets.UTF_8));
        body.writeByte(0);
        body.writeShort(1);
        name(body, column);
        return body.writeInt(valueLength).writeBytes(value);
    }

    @Test
    void aWriteBodyGivesItsNamesKeyAndValuesAndRecurringNamesAreDecodedAlike() {
        NativeRows.RowRequest first = NativeRows.parse(NativeProtocol.ROW_WRITE, (byte) 0,
                write("field0", new byte[] {7, 8}, 2));
        NativeRows.RowRequest second = NativeRows.parse(NativeProtocol.ROW_WRITE, (byte) 0,
                write("field0", new byte[] {9}, 1));
        NativeRows.RowRequest other = NativeRows.parse(NativeProtocol.ROW_WRITE, (byte) 0,
                write("field", new byte[] {9}, 1));
        assertThat(first.keyspace()).isEqualTo("app");
        assertThat(first.table()).isEqualTo("users");
        assertThat(first.partitionKey()).singleElement().isEqualTo("ann".getBytes(StandardCharsets.UTF_8));
        assertThat(first.clustering()).isEmpty();
        assertThat(first.columns()).containsExactly("field0");
        assertThat(first.values()).singleElement().isEqualTo(new byte[] {7, 8});
        assertThat(second.columns()).containsExactly("field0");
        assertThat(second.values()).singleElement().isEqualTo(new byte[] {9});
        assertThat(other.columns()).as("a name that is a prefix of a recent one").containsExactly("field");
        String longName = "c".repeat(NameCache.LENGTH_MAX + 1);
        assertThat(NativeRows.parse(NativeProtocol.ROW_WRITE, (byte) 0, write(longName, new byte[0], 0)).columns())
                .containsExactly(longName);
    }

    @Test
    void aMalformedBodyIsRefusedNamingThePartItBreaks() {
        assertThatThrownBy(() -> NativeRows.parse(NativeProtocol.ROW_WRITE, (byte) 0,
                write("a", new byte[] {1, 2, 3}, 50)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("value of column 'a' of 50 bytes runs past the end of the frame (3 bytes left)");
        ByteBuf shortKey = name(name(Unpooled.buffer(), "app"), "users").writeByte(1).writeInt(9).writeByte(1);
        assertThatThrownBy(() -> NativeRows.parse(NativeProtocol.ROW_READ, (byte) 0, shortKey))
                .hasMessage("partition key component 1 of 9 bytes runs past the end of the frame (1 bytes left)");
        ByteBuf noCount = name(name(Unpooled.buffer(), "app"), "users");
        assertThatThrownBy(() -> NativeRows.parse(NativeProtocol.ROW_READ, (byte) 0, noCount))
                .hasMessageContaining("partition key component count");
        ByteBuf shortName = Unpooled.buffer().writeShort(5).writeByte('a');
        assertThatThrownBy(() -> NativeRows.parse(NativeProtocol.ROW_READ, (byte) 0, shortName))
                .hasMessage("keyspace name of 5 bytes runs past the end of the frame (1 bytes left)");
        assertThatThrownBy(() -> NativeRows.parse(NativeProtocol.ROW_READ, (byte) 0, Unpooled.buffer()))
                .hasMessageContaining("keyspace name length");
    }
}
