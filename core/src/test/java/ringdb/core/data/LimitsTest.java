package ringdb.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.message.ReadResponse;
import ringdb.core.node.NodeConfig;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.core.ring.Partitioner;

/** The limits agree with each other and with the encodings that carry the data. */
class LimitsTest {
    /** The longest node id: 255 characters of 3 bytes each in UTF-8. */
    private static final NodeId LONGEST_SENDER = NodeId.of("\u20ac".repeat(255));
    /** The largest key messages carry: a maximal key of the key-value API with its data store tag. */
    private static final byte[] LARGEST_KEY = StorageKeys.kv(filled(Limits.KEY_SIZE_BYTES_MAX, 'k'));
    private static final byte[] LARGEST_VALUE = filled(Limits.VALUE_SIZE_BYTES_CEILING, 'v');

    @Test
    void theStaticRelationsHold() {
        assertThatCode(Limits::checkRelations).doesNotThrowAnyException();
        assertThat(Limits.VALUE_SIZE_BYTES_CEILING).isEqualTo(16 * 1024 * 1024 - 128 * 1024);
        assertThat(MessageCodec.FRAME_SIZE_BYTES_MAX).isEqualTo(Limits.FRAME_SIZE_BYTES_MAX);
    }

    @Test
    void aMutationOfTheLargestKeyAndValueFitsOneFrameAndDecodes() {
        Message mutation = new MutationRequest(Long.MAX_VALUE, LARGEST_KEY, Cell.value(LARGEST_VALUE, Long.MAX_VALUE),
                Long.MAX_VALUE);
        assertFitsAndRoundTrips(mutation, Limits.mutationFrameBytesMax(Limits.VALUE_SIZE_BYTES_CEILING));
    }

    @Test
    void aReadAnswerOfTheLargestValueFitsOneFrameAndDecodes() {
        Message answer = new ReadResponse(Long.MAX_VALUE, Cell.value(LARGEST_VALUE, Long.MAX_VALUE));
        assertFitsAndRoundTrips(answer, Limits.mutationFrameBytesMax(Limits.VALUE_SIZE_BYTES_CEILING));
    }

    @Test
    void aRangeSyncChunkOfATableEntryOfTheLongestKeyAndTheLargestValueItMayHaveFitsOneFrame() {
        byte[] key = new byte[Limits.TABLE_STORAGE_KEY_BYTES_MAX];
        key[0] = StorageKeys.TABLE;
        byte[] value = new byte[(int) (Limits.ENTRY_BYTES_MAX - key.length)];
        LocalStore.Entry entry = new LocalStore.Entry(new DecoratedKey(7, key), Cell.value(value, 1));
        byte[] frame = MessageCodec.encodeFrame(LONGEST_SENDER, new RangeSyncResponse(Long.MAX_VALUE, List.of(entry),
                true));
        assertThat(frame.length - MessageCodec.LENGTH_FIELD_BYTES).isLessThanOrEqualTo(Limits.FRAME_SIZE_BYTES_MAX);
    }

    @Test
    void aRangeSyncChunkOfOneLargestEntryFitsOneFrameAndDecodes() {
        LocalStore.Entry entry = new LocalStore.Entry(DecoratedKey.of(Partitioner.SHA1, LARGEST_KEY),
                Cell.value(LARGEST_VALUE, 1));
        Message chunk = new RangeSyncResponse(Long.MAX_VALUE, List.of(entry), true);
        assertFitsAndRoundTrips(chunk, Limits.mutationFrameBytesMax(Limits.VALUE_SIZE_BYTES_CEILING));
    }

    @Test
    void aHintOfTheLargestMutationFitsTheHintsStoreValueLimit() {
        int hint = Limits.HINT_HEADER_BYTES + LARGEST_KEY.length + LARGEST_VALUE.length;
        assertThat(hint).isLessThanOrEqualTo(Limits.hintValueSizeBytesMax(Limits.VALUE_SIZE_BYTES_CEILING))
                .isLessThanOrEqualTo(Limits.STORED_VALUE_SIZE_BYTES_CEILING);
        int tableHint = Limits.HINT_HEADER_BYTES + Limits.TABLE_STORAGE_KEY_BYTES_MAX + Limits.VALUE_SIZE_BYTES_CEILING;
        assertThat(tableHint).as("a hint of a table entry of the longest key").isLessThanOrEqualTo(
                Limits.STORED_VALUE_SIZE_BYTES_CEILING);
        assertThat(Limits.HINT_KEY_BYTES_MAX).isLessThanOrEqualTo(Limits.STORAGE_KEY_BYTES_MAX);
        assertThat(LARGEST_KEY.length).isEqualTo(Limits.ENTRY_BYTES_MAX - Limits.VALUE_SIZE_BYTES_CEILING)
                .isLessThanOrEqualTo(Limits.STORAGE_KEY_BYTES_MAX);
        assertThat(Limits.STORAGE_KEY_BYTES_MAX).as("a store holds every table entry's key")
                .isEqualTo(Limits.TABLE_STORAGE_KEY_BYTES_MAX);
    }

    @Test
    void aNodeConfigurationWithAValueLimitThatCouldNotBeReplicatedIsRefused() {
        assertThatThrownBy(() -> NodeConfig.builder().valueSizeBytesMax(64 * 1024 * 1024).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valueSizeBytesMax must be between 1 and " + Limits.VALUE_SIZE_BYTES_CEILING)
                .hasMessageContaining("internode frame");
        assertThat(NodeConfig.builder().valueSizeBytesMax(Limits.VALUE_SIZE_BYTES_CEILING).build().valueSizeBytesMax())
                .isEqualTo(Limits.VALUE_SIZE_BYTES_CEILING);
        assertThatThrownBy(() -> NodeConfig.builder().rangeSyncChunkBytesMax(Limits.RANGE_SYNC_CHUNK_BYTES_CEILING + 1)
                .build()).hasMessageContaining("rangeSyncChunkBytesMax must be at most");
    }

    @Test
    void aSendQueueMustHoldOneLargestMutation() {
        long frame = Limits.mutationFrameBytesMax(Limits.VALUE_SIZE_BYTES_DEFAULT);
        assertThatCode(() -> Limits.checkSendQueueBytesMax(frame, Limits.VALUE_SIZE_BYTES_DEFAULT, "q", "v"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Limits.checkSendQueueBytesMax(frame - 1, Limits.VALUE_SIZE_BYTES_DEFAULT, "q", "v"))
                .hasMessageStartingWith("q (" + (frame - 1) + ") must hold at least one mutation");
    }

    private static void assertFitsAndRoundTrips(Message message, long boundBytes) {
        byte[] frame = MessageCodec.encodeFrame(LONGEST_SENDER, message);
        int frameBytes = frame.length - MessageCodec.LENGTH_FIELD_BYTES;
        assertThat((long) frameBytes).isLessThanOrEqualTo(boundBytes).isLessThanOrEqualTo(Limits.FRAME_SIZE_BYTES_MAX);
        Envelope decoded =
                MessageCodec.decodeFrame(ByteBuffer.wrap(frame, MessageCodec.LENGTH_FIELD_BYTES, frameBytes));
        assertThat(decoded.from()).isEqualTo(LONGEST_SENDER);
        assertThat(decoded.message()).isEqualTo(message);
    }

    private static byte[] filled(int length, char fill) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }
}
