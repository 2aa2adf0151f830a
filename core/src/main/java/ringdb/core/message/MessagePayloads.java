package ringdb.core.message;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.store.LocalStore;

/** Payload layouts of each message type (after the sender id). Mirrors docs/formats/messages.md. */
final class MessagePayloads {
    private MessagePayloads() {
    }

    static void write(WireWriter out, Message message) {
        if (message instanceof GossipSyn syn) {
            writeDigests(out, syn.digests());
        } else if (message instanceof GossipAck ack) {
            writeDigests(out, ack.requests());
            writeStates(out, ack.states());
        } else if (message instanceof GossipAck2 ack2) {
            writeStates(out, ack2.states());
        } else if (message instanceof GossipShutdown shutdown) {
            out.i64(shutdown.generation());
        } else if (message instanceof MutationRequest mutation) {
            out.i64(mutation.requestId());
            out.bytes(mutation.key());
            MessageCodec.writeCell(out, mutation.cell());
            out.i64(mutation.ringEpoch());
        } else if (message instanceof MutationResponse response) {
            out.i64(response.requestId());
            out.string(response.error());
        } else if (message instanceof ReadRequest read) {
            out.i64(read.requestId());
            out.bytes(read.key());
            out.i64(read.ringEpoch());
        } else if (message instanceof ReadResponse response) {
            out.i64(response.requestId());
            MessageCodec.writeCell(out, response.cell());
        } else if (message instanceof ReadFailure failure) {
            out.i64(failure.requestId());
            out.string(failure.error());
        } else if (message instanceof RingEpochMismatch mismatch) {
            out.i64(mismatch.requestId());
            out.i64(mismatch.ringEpoch());
        } else if (message instanceof RangeSyncRequest sync) {
            writeRangeRequest(out, sync);
        } else if (message instanceof RangeSyncResponse response) {
            out.i64(response.requestId());
            out.bool(response.complete());
            MessageCodec.writeEntries(out, response.entries());
            if (response.resumeKey() != null) {
                out.bytes(response.resumeKey());
            }
        } else if (message instanceof RangeDigestRequest digest) {
            writeRangeRequest(out, digest.chunk());
        } else if (message instanceof RangeDigestResponse response) {
            out.i64(response.requestId());
            out.bool(response.complete());
            out.i32(response.entryCount());
            out.nullableBytes(response.lastKey());
            out.bytes(response.digest());
        } else if (!RowPayloads.write(out, message)) {
            throw new IllegalArgumentException("no encoding for " + message.getClass().getName());
        }
    }

    static Message read(WireReader in, MessageType type) {
        switch (type) {
            case GOSSIP_SYN:
                return new GossipSyn(readDigests(in));
            case GOSSIP_ACK:
                return new GossipAck(readDigests(in), readStates(in));
            case GOSSIP_ACK2:
                return new GossipAck2(readStates(in));
            case GOSSIP_SHUTDOWN:
                return new GossipShutdown(in.i64());
            case MUTATION_REQUEST:
                return new MutationRequest(in.i64(), MessageCodec.readKey(in), requireCell(in, type), in.i64());
            case MUTATION_RESPONSE:
                return new MutationResponse(in.i64(), in.string(MessageCodec.ERROR_BYTES_MAX, "error"));
            case READ_REQUEST:
                return new ReadRequest(in.i64(), MessageCodec.readKey(in), in.i64());
            case READ_RESPONSE:
                return new ReadResponse(in.i64(), MessageCodec.readCell(in));
            case READ_FAILURE:
                return new ReadFailure(in.i64(), in.string(MessageCodec.ERROR_BYTES_MAX, "error"));
            case RING_EPOCH_MISMATCH:
                return new RingEpochMismatch(in.i64(), in.i64());
            case RANGE_SYNC_REQUEST:
                return readRangeRequest(in, "RANGE_SYNC_REQUEST");
            case RANGE_SYNC_RESPONSE: {
                long requestId = in.i64();
                boolean complete = in.bool();
                List<LocalStore.Entry> entries = MessageCodec.readEntries(in);
                byte[] resumeKey = in.remaining() == 0 ? null
                        : MessageCodec.checkKey(in.bytes(Limits.STORAGE_KEY_BYTES_MAX, "resumeKey"), "resumeKey");
                return new RangeSyncResponse(requestId, entries, complete, resumeKey);
            }
            case RANGE_DIGEST_REQUEST:
                return new RangeDigestRequest(readRangeRequest(in, "RANGE_DIGEST_REQUEST"));
            case RANGE_DIGEST_RESPONSE:
                return readRangeDigestResponse(in);
            default:
                return RowPayloads.read(in, type);
        }
    }

    private static void writeRangeRequest(WireWriter out, RangeSyncRequest request) {
        out.i64(request.requestId());
        out.i64(request.startTokenExclusive());
        out.i64(request.endTokenInclusive());
        out.nullableBytes(request.afterKey());
        out.i32(request.maxEntries());
        out.i64(request.ringEpoch());
        if (!request.everyFactor()) { // only then: a request of every factor keeps its earlier encoding
            out.i32(request.factorMin());
            out.i32(request.factorMax());
        }
    }

    /** The fields of a range sync request; a range digest request carries the same under its own type. */
    private static RangeSyncRequest readRangeRequest(WireReader in, String typeName) {
        long requestId = in.i64();
        long start = in.i64();
        long end = in.i64();
        byte[] after = MessageCodec.checkKey(in.nullableBytes(Limits.STORAGE_KEY_BYTES_MAX, "afterKey"), "afterKey");
        int maxEntries = in.i32();
        if (maxEntries <= 0) {
            throw new CodecException("bad maxEntries " + maxEntries + " in " + typeName);
        }
        long ringEpoch = in.i64();
        if (in.remaining() == 0) {
            return new RangeSyncRequest(requestId, start, end, after, maxEntries, ringEpoch);
        }
        int factorMin = in.i32();
        int factorMax = in.i32();
        if (factorMin < RangeSyncRequest.EVERY_FACTOR_MIN || factorMax < factorMin) {
            throw new CodecException("bad replication factor band " + factorMin + ".." + factorMax + " in " + typeName
                    + " (1 <= factorMin <= factorMax)");
        }
        return new RangeSyncRequest(requestId, start, end, after, maxEntries, ringEpoch, factorMin, factorMax);
    }

    private static RangeDigestResponse readRangeDigestResponse(WireReader in) {
        long requestId = in.i64();
        boolean complete = in.bool();
        int entryCount = in.i32();
        if (entryCount < 0) {
            throw new CodecException("bad entryCount " + entryCount + " in RANGE_DIGEST_RESPONSE");
        }
        byte[] lastKey = MessageCodec.checkKey(in.nullableBytes(Limits.STORAGE_KEY_BYTES_MAX, "lastKey"), "lastKey");
        if (entryCount > 0 && lastKey == null) {
            throw new CodecException("lastKey absent with entryCount " + entryCount
                    + " in RANGE_DIGEST_RESPONSE (present whenever entryCount is above 0)");
        }
        byte[] digest = in.bytes(RangeDigestResponse.DIGEST_BYTES, "digest");
        if (digest.length != RangeDigestResponse.DIGEST_BYTES) {
            throw new CodecException("bad digest length " + digest.length + " in RANGE_DIGEST_RESPONSE (expected "
                    + RangeDigestResponse.DIGEST_BYTES + ")");
        }
        return new RangeDigestResponse(requestId, complete, entryCount, lastKey, digest);
    }

    private static Cell requireCell(WireReader in, MessageType type) {
        Cell cell = MessageCodec.readCell(in);
        if (cell == null) {
            throw new CodecException(type + " without a cell");
        }
        return cell;
    }

    private static void writeDigests(WireWriter out, List<GossipDigest> digests) {
        out.i32(digests.size());
        for (GossipDigest digest : digests) {
            out.string(digest.node().id());
            out.i64(digest.generation());
            out.i64(digest.maxVersion());
        }
    }

    private static List<GossipDigest> readDigests(WireReader in) {
        int count = in.count(4 + 1 + 16, "digests");
        List<GossipDigest> digests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            digests.add(new GossipDigest(MessageCodec.readNodeId(in, "digest node"), in.i64(), in.i64()));
        }
        return digests;
    }

    private static void writeStates(WireWriter out, List<EndpointStateSnapshot> states) {
        out.i32(states.size());
        for (EndpointStateSnapshot state : states) {
            out.string(state.node().id());
            out.i64(state.generation());
            out.i64(state.heartbeatVersion());
            out.i64(state.afterVersion());
            out.i32(state.states().size());
            for (VersionedValue value : state.states()) {
                out.string(value.name());
                out.string(value.value());
                out.i64(value.version());
            }
        }
    }

    private static List<EndpointStateSnapshot> readStates(WireReader in) {
        int count = in.count(4 + 1 + 24 + 4, "endpoint states");
        List<EndpointStateSnapshot> states = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            var node = MessageCodec.readNodeId(in, "endpoint node");
            long generation = in.i64();
            long heartbeat = in.i64();
            long afterVersion = in.i64();
            int valueCount = in.count(4 + 4 + 8, "application states");
            List<VersionedValue> values = new ArrayList<>(valueCount);
            for (int j = 0; j < valueCount; j++) {
                String name = in.string(MessageCodec.STATE_NAME_BYTES_MAX, "state name");
                String value = in.string(MessageCodec.STATE_VALUE_BYTES_MAX, "state value");
                values.add(new VersionedValue(name, value, in.i64()));
            }
            states.add(new EndpointStateSnapshot(node, generation, heartbeat, afterVersion, values));
        }
        return states;
    }
}
