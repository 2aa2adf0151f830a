package ringdb.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.core.ring.Partitioner;

class MessageCodecTest {
    private static final NodeId SENDER = NodeId.of("127.0.0.1:7000");

    static Arbitrary<byte[]> keys() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(StorageKeys::kv);
    }

    static Arbitrary<Cell> cells() {
        Arbitrary<Long> timestamps = Arbitraries.longs();
        return Arbitraries.oneOf(timestamps.map(Cell::tombstone),
                Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(30), timestamps).as(Cell::value),
                Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(30), timestamps,
                        Arbitraries.integers().between(1, Integer.MAX_VALUE),
                        Arbitraries.longs().between(1, Long.MAX_VALUE)).as(Cell::expiring));
    }

    static Arbitrary<NodeId> nodeIds() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(12).map(NodeId::of);
    }

    static Arbitrary<GossipDigest> digests() {
        return Combinators.combine(nodeIds(), Arbitraries.longs(), Arbitraries.longs()).as(GossipDigest::new);
    }

    static Arbitrary<EndpointStateSnapshot> snapshots() {
        Arbitrary<VersionedValue> values = Combinators.combine(Arbitraries.strings().ofMaxLength(8),
                Arbitraries.strings().ofMaxLength(30), Arbitraries.longs()).as(VersionedValue::new);
        return Combinators.combine(nodeIds(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
                values.list().ofMaxSize(4)).as(EndpointStateSnapshot::new);
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<LocalStore.Entry> entries = Combinators.combine(keys(), cells())
                .as((key, cell) -> new LocalStore.Entry(DecoratedKey.of(Partitioner.SHA1, key), cell));
        return Arbitraries.oneOf(List.of(
                digests().list().ofMaxSize(5).map(GossipSyn::new),
                Combinators.combine(digests().list().ofMaxSize(3), snapshots().list().ofMaxSize(3)).as(GossipAck::new),
                snapshots().list().ofMaxSize(3).map(GossipAck2::new),
                Arbitraries.longs().map(GossipShutdown::new),
                Combinators.combine(Arbitraries.longs(), keys(), cells(), Arbitraries.longs()).as(MutationRequest::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMaxLength(20))
                        .as(MutationResponse::new),
                Combinators.combine(Arbitraries.longs(), keys(), Arbitraries.longs()).as(ReadRequest::new),
                Combinators.combine(Arbitraries.longs(), cells().injectNull(0.3)).as(ReadResponse::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMinLength(1).ofMaxLength(20))
                        .as(ReadFailure::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(RingEpochMismatch::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
                        keys().injectNull(0.5), Arbitraries.integers().between(1, 1000)).as(RangeSyncRequest::new),
                Combinators.combine(Arbitraries.longs(), entries.list().ofMaxSize(5), Arbitraries.of(true, false))
                        .as(RangeSyncResponse::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
                        keys().injectNull(0.5), Arbitraries.integers().between(1, 1000))
                        .as((id, start, end, after, max) ->
                                new RangeDigestRequest(new RangeSyncRequest(id, start, end, after, max))),
                Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 600),
                        keys(), Arbitraries.bytes().array(byte[].class).ofSize(RangeDigestResponse.DIGEST_BYTES))
                        .as((id, complete, count, last, digest) ->
                                new RangeDigestResponse(id, complete, count, count == 0 ? null : last, digest)),
                tableMessages()));
    }

    /** The table messages: schema exchange, batch mutations, slices, table scans. */
    private static Arbitrary<Message> tableMessages() {
        Arbitrary<java.util.SortedMap<String, byte[]>> records = Arbitraries.maps(
                Arbitraries.strings().ofMaxLength(10), Arbitraries.bytes().array(byte[].class).ofMaxSize(10))
                .ofMaxSize(3).map(java.util.TreeMap::new);
        Arbitrary<List<LocalStore.Entry>> tokenEntries = Arbitraries.longs().flatMap(token -> Combinators.combine(
                keys(), cells()).as((key, cell) -> new LocalStore.Entry(new DecoratedKey(token, key), cell))
                .list().ofMinSize(1).ofMaxSize(4));
        Arbitrary<LocalStore.Entry> anyEntry = Combinators.combine(Arbitraries.longs(), keys(), cells())
                .as((token, key, cell) -> new LocalStore.Entry(new DecoratedKey(token, key), cell));
        return Arbitraries.oneOf(List.of(
                Combinators.combine(Arbitraries.longs(), records).as(SchemaPull::new),
                Combinators.combine(Arbitraries.longs(), records).as(SchemaPush::new),
                Combinators.combine(Arbitraries.longs(), tokenEntries, Arbitraries.longs()).as((id, entries, epoch) ->
                        new BatchMutationRequest(id, entries.get(0).key().token(), entries, epoch)),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), keys(), keys(),
                        Arbitraries.of(true, false), Arbitraries.integers().between(1, 1000), keys(), keys())
                        .as((id, token, from, to, reversed, max, start, end) ->
                                new SliceReadRequest(id, token, from, to, reversed, max, start, end, id ^ 7)),
                Combinators.combine(Arbitraries.longs(), tokenEntries, Arbitraries.of(true, false)).as((id, entries,
                        more) -> new SliceReadResponse(id, entries.subList(0, entries.size() / 2),
                        entries.subList(entries.size() / 2, entries.size()), more)),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
                        keys().injectNull(0.5), keys(), Arbitraries.integers().between(1, 1000))
                        .as((id, start, end, afterToken, after, prefix, max) ->
                                new RangeScanRequest(id, start, end, afterToken, after, prefix, max, id ^ 3)),
                Combinators.combine(Arbitraries.longs(), anyEntry.list().ofMaxSize(4), Arbitraries.of(true, false))
                        .as(RangeScanResponse::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMinLength(1).ofMaxLength(30),
                        tokenEntries.list().ofMinSize(1).ofMaxSize(3)).as(BatchlogStore::new),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(30).map(BatchlogRemove::new)));
    }

    private static Envelope roundTrip(NodeId from, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        int length = MessageCodec.readLength(ByteBuffer.wrap(frame, 0, 4));
        assertThat(length).isEqualTo(frame.length - MessageCodec.LENGTH_FIELD_BYTES);
        return MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, length));
    }

    @Property(tries = 500)
    void everyMessageSurvivesTheRoundTrip(@ForAll("messages") Message message) {
        Envelope envelope = roundTrip(SENDER, message);
        assertThat(envelope.from()).isEqualTo(SENDER);
        assertThat(envelope.message()).isEqualTo(message);
    }

    @Test
    void everyTypeIsCoveredAndIdsAreStable() {
        Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
        messages().sampleStream().limit(2000).forEach(message -> seen.add(message.type()));
        assertThat(seen).containsExactlyInAnyOrder(MessageType.values());
        assertThat(MessageType.GOSSIP_SYN.id()).isEqualTo(1);
        assertThat(MessageType.MUTATION_REQUEST.id()).isEqualTo(10);
        assertThat(MessageType.RANGE_SYNC_RESPONSE.id()).isEqualTo(21);
        assertThat(MessageType.RANGE_DIGEST_REQUEST.id()).isEqualTo(22);
        assertThat(MessageType.RANGE_DIGEST_RESPONSE.id()).isEqualTo(23);
    }

    @Property(tries = 2000)
    void garbageGivesACodecExceptionOnly(@ForAll byte[] garbage) {
        try {
            MessageCodec.decodeFrame(ByteBuffer.wrap(garbage));
        } catch (CodecException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1000)
    void garbageWithAValidChecksumGivesACodecExceptionOnly(@ForAll byte[] payload,
                                                           @ForAll("typeIds") int typeId) {
        byte[] frame = frame(MessageCodec.VERSION, typeId, payload);
        try {
            MessageCodec.decodeFrame(ByteBuffer.wrap(frame));
        } catch (CodecException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void everyTruncationOrBitFlipIsRefused(@ForAll("messages") Message message, @ForAll int position) {
        byte[] frame = MessageCodec.encodeFrame(SENDER, message);
        byte[] body = Arrays.copyOfRange(frame, 4, frame.length);
        int cut = Math.floorMod(position, body.length);
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(body, 0, cut)))
                .isInstanceOf(CodecException.class);
        body[cut] ^= 0x10;
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(body)))
                .isInstanceOf(CodecException.class);
    }

    @Provide
    Arbitrary<Integer> typeIds() {
        return Arbitraries.oneOf(Arbitraries.of(Arrays.stream(MessageType.values()).map(MessageType::id).toList()),
                Arbitraries.integers().between(0, 255));
    }

    private static byte[] frame(int version, int typeId, byte[] payload) {
        ByteBuffer body = ByteBuffer.allocate(2 + payload.length + 4);
        body.put((byte) version).put((byte) typeId).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 0, 2 + payload.length);
        body.putInt((int) crc.getValue());
        return body.array();
    }

    private static byte[] senderOnly() {
        byte[] id = SENDER.id().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + id.length).putInt(id.length).put(id).array();
    }

    @Test
    void aTableEntrysKeyWhosePartitionKeyCannotBeReadIsRefused() {
        byte[] truncated = new byte[20];
        truncated[0] = 2; // a table entry's tag, then a table id and a partition key without its end
        Arrays.fill(truncated, 17, 20, (byte) 'a');
        byte[] frame = MessageCodec.encodeFrame(SENDER, new MutationRequest(1, truncated, Cell.value(new byte[1], 1),
                0));
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4)))
                .isInstanceOf(CodecException.class).hasMessageContaining("bad key: a table entry's key ends inside"
                        + " partition key component 0");
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(frame(9, 1, senderOnly()))))
                .isInstanceOf(CodecException.class).hasMessage("unsupported frame version 9");
        assertThatThrownBy(() -> MessageCodec.decodeFrame(
                ByteBuffer.wrap(frame(MessageCodec.VERSION, 77, senderOnly()))))
                .isInstanceOf(CodecException.class).hasMessage("unknown message type 77");
        byte[] corrupted = frame(MessageCodec.VERSION, 1, senderOnly());
        corrupted[corrupted.length - 1] ^= 1;
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(corrupted)))
                .isInstanceOf(CodecException.class).hasMessage("frame checksum mismatch");
        byte[] shortSyn = ByteBuffer.allocate(senderOnly().length + 3).put(senderOnly()).put(new byte[3]).array();
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(frame(MessageCodec.VERSION, 1, shortSyn))))
                .isInstanceOf(CodecException.class)
                .hasMessage("truncated payload for GOSSIP_SYN: needed 4 bytes, had 3");
    }

    @Test
    void hugeCountsAndLengthsAreRefusedWithoutAllocating() {
        byte[] hugeCount = ByteBuffer.allocate(senderOnly().length + 4).put(senderOnly()).putInt(Integer.MAX_VALUE)
                .array();
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(frame(MessageCodec.VERSION, 1, hugeCount))))
                .isInstanceOf(CodecException.class).hasMessageContaining("bad count 2147483647 for digests");
        assertThatThrownBy(() -> MessageCodec.readLength(ByteBuffer.allocate(4).putInt(0, -1)))
                .isInstanceOf(CodecException.class).hasMessageContaining("exceeds the limit of 16777216 bytes");
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.allocate(MessageCodec.FRAME_SIZE_BYTES_MAX + 1)))
                .isInstanceOf(CodecException.class).hasMessageContaining("exceeds the limit");
    }

    /** A RANGE_DIGEST_RESPONSE payload (after the sender) with the fields exactly as given. */
    private static byte[] digestResponse(int entryCount, byte[] lastKey, int digestLength) {
        ByteBuffer payload = ByteBuffer.allocate(senderOnly().length + 8 + 1 + 4 + 4
                + (lastKey == null ? 0 : lastKey.length)
                + 4 + digestLength);
        payload.put(senderOnly()).putLong(7).put((byte) 0).putInt(entryCount);
        if (lastKey == null) {
            payload.putInt(-1);
        } else {
            payload.putInt(lastKey.length).put(lastKey);
        }
        payload.putInt(digestLength).put(new byte[digestLength]);
        return frame(MessageCodec.VERSION, MessageType.RANGE_DIGEST_RESPONSE.id(), payload.array());
    }

    @Test
    void malformedDigestMessagesAreRefusedWithTheReason() {
        byte[] key = {1, 2, 3};
        assertThat(MessageCodec.decodeFrame(ByteBuffer.wrap(digestResponse(3, key, 32))).message())
                .isEqualTo(new RangeDigestResponse(7, false, 3, key, new byte[32]));
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(digestResponse(-1, key, 32))))
                .isInstanceOf(CodecException.class).hasMessage("bad entryCount -1 in RANGE_DIGEST_RESPONSE");
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(digestResponse(3, key, 31))))
                .isInstanceOf(CodecException.class)
                .hasMessage("bad digest length 31 in RANGE_DIGEST_RESPONSE (expected 32)");
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(digestResponse(3, key, 33))))
                .isInstanceOf(CodecException.class)
                .hasMessage("bad length 33 for digest in RANGE_DIGEST_RESPONSE (limit 32)");
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(digestResponse(3, null, 32))))
                .isInstanceOf(CodecException.class).hasMessageContaining("lastKey absent with entryCount 3");
        // a chunk of a request for some factors that passed over entries of other factors only
        assertThat(MessageCodec.decodeFrame(ByteBuffer.wrap(digestResponse(0, key, 32))).message())
                .isEqualTo(new RangeDigestResponse(7, false, 0, key, new byte[32]));
        byte[] request = ByteBuffer.allocate(senderOnly().length + 24 + 4 + 4).put(senderOnly()).putLong(1).putLong(2)
                .putLong(3).putInt(-1).putInt(0).array();
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(
                frame(MessageCodec.VERSION, MessageType.RANGE_DIGEST_REQUEST.id(), request))))
                .isInstanceOf(CodecException.class).hasMessage("bad maxEntries 0 in RANGE_DIGEST_REQUEST");
    }

    @Test
    void aReplicationFactorBandAndAResumeKeyTravelOnlyWhenSet() {
        byte[] key = {1, 2, 3};
        RangeSyncRequest every = new RangeSyncRequest(5, -10, 10, key, 500, 77);
        RangeSyncRequest band = new RangeSyncRequest(5, -10, 10, key, 500, 77, 2, RangeSyncRequest.EVERY_FACTOR_MAX);
        assertThat(every.everyFactor()).isTrue();
        assertThat(band.asksFactor(1)).isFalse();
        assertThat(band.asksFactor(3)).isTrue();
        // a request of every factor keeps the encoding it had before bands existed; a band adds two i32
        assertThat(MessageCodec.encodeFrame(SENDER, band).length)
                .isEqualTo(MessageCodec.encodeFrame(SENDER, every).length + 8);
        for (Message message : List.of(every, band, new RangeDigestRequest(band),
                new RangeSyncRequest(6, 1, 2, null, 10, 0, 1, 1),
                new RangeSyncResponse(8, List.of(), false, key),
                new RangeSyncResponse(8, List.of(new LocalStore.Entry(DecoratedKey.of(Partitioner.SHA1, key),
                        Cell.value(new byte[] {9}, 3))), false, new byte[] {4, 5}))) {
            assertThat(roundTrip(SENDER, message).message()).isEqualTo(message);
        }
        RangeSyncResponse resumed = new RangeSyncResponse(8, List.of(), false, key);
        assertThat(resumed.nextAfterKey()).isEqualTo(key);
        assertThat(resumed.rangeDone()).isFalse();
        assertThat(new RangeSyncResponse(8, List.of(), false).rangeDone()).isTrue();
        assertThatThrownBy(() -> new RangeSyncRequest(5, -10, 10, key, 500, 77, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("band 3..2");
        byte[] encoded = MessageCodec.encodeFrame(SENDER, band);
        ByteBuffer.wrap(encoded).putInt(encoded.length - 4 - 8, 0); // factorMin 0
        byte[] body = java.util.Arrays.copyOfRange(encoded, 4, encoded.length - 4);
        assertThatThrownBy(() -> MessageCodec.decodeFrame(ByteBuffer.wrap(frame(MessageCodec.VERSION,
                MessageType.RANGE_SYNC_REQUEST.id(), java.util.Arrays.copyOfRange(body, 2, body.length)))))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("bad replication factor band 0..2147483647 in RANGE_SYNC_REQUEST");
    }
}
