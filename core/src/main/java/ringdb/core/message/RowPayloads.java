package ringdb.core.message;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * Payload layouts of the table messages: schema exchange, batch mutations, slice reads and table
 * range scans (after the sender id). Mirrors docs/formats/messages.md. Entries of one partition
 * travel as (key, cell) pairs after their common token; cells in {@link MessageCodec}'s cell form.
 */
final class RowPayloads {
    /** Longest schema record name (a keyspace and a table name with their markers) on the wire. */
    static final int SCHEMA_RECORD_NAME_BYTES_MAX = 1024;
    /** Longest batch log id on the wire (a node id and two hex numbers). */
    static final int BATCH_ID_BYTES_MAX = 1024;

    private RowPayloads() {
    }

    /** Writes a table message; false when {@code message} is none of them. */
    static boolean write(WireWriter out, Message message) {
        if (message instanceof SchemaPull pull) {
            out.i64(pull.requestId());
            writeRecords(out, pull.records());
        } else if (message instanceof SchemaPush push) {
            out.i64(push.requestId());
            writeRecords(out, push.records());
        } else if (message instanceof BatchMutationRequest batch) {
            out.i64(batch.requestId());
            out.i64(batch.token());
            writeTokenEntries(out, batch.entries());
            out.i64(batch.ringEpoch());
        } else if (message instanceof SliceReadRequest slice) {
            writeSliceRequest(out, slice);
        } else if (message instanceof BatchlogStore store) {
            out.i64(store.requestId());
            out.string(store.batchId());
            out.i32(store.partitions().size());
            for (List<LocalStore.Entry> partition : store.partitions()) {
                out.i64(partition.get(0).key().token());
                writeTokenEntries(out, partition);
            }
        } else if (message instanceof BatchlogRemove remove) {
            out.string(remove.batchId());
        } else if (message instanceof SliceReadResponse response) {
            out.i64(response.requestId());
            out.bool(response.more());
            long token = response.entries().isEmpty() ? (response.rangeTombstones().isEmpty() ? 0
                    : response.rangeTombstones().get(0).key().token()) : response.entries().get(0).key().token();
            out.i64(token);
            writeTokenEntries(out, response.entries());
            writeTokenEntries(out, response.rangeTombstones());
        } else if (message instanceof RangeScanRequest scan) {
            writeScanRequest(out, scan);
        } else if (message instanceof RangeScanResponse response) {
            out.i64(response.requestId());
            out.bool(response.complete());
            out.i32(response.entries().size());
            for (LocalStore.Entry entry : response.entries()) {
                out.i64(entry.key().token());
                out.bytes(entry.key().key());
                MessageCodec.writeCell(out, entry.cell());
            }
        } else {
            return false;
        }
        return true;
    }

    static Message read(WireReader in, MessageType type) {
        switch (type) {
            case SCHEMA_PULL:
                return new SchemaPull(in.i64(), readRecords(in));
            case SCHEMA_PUSH:
                return new SchemaPush(in.i64(), readRecords(in));
            case BATCH_MUTATION_REQUEST: {
                long requestId = in.i64();
                long token = in.i64();
                List<LocalStore.Entry> entries = readTokenEntries(in, token);
                if (entries.isEmpty()) {
                    throw new CodecException("BATCH_MUTATION_REQUEST without entries");
                }
                return new BatchMutationRequest(requestId, token, entries, in.i64());
            }
            case SLICE_READ_REQUEST:
                return readSliceRequest(in);
            case SLICE_READ_RESPONSE: {
                long requestId = in.i64();
                boolean more = in.bool();
                long token = in.i64();
                List<LocalStore.Entry> entries = readTokenEntries(in, token);
                return new SliceReadResponse(requestId, entries, readTokenEntries(in, token), more);
            }
            case RANGE_SCAN_REQUEST:
                return readScanRequest(in);
            case RANGE_SCAN_RESPONSE:
                return readScanResponse(in);
            case BATCHLOG_STORE:
                return readBatchlogStore(in);
            case BATCHLOG_REMOVE:
                return new BatchlogRemove(batchId(in));
            default:
                throw new CodecException("no decoding for message type " + type);
        }
    }

    private static String batchId(WireReader in) {
        String id = in.string(BATCH_ID_BYTES_MAX, "batchId");
        if (id.isEmpty()) {
            throw new CodecException("empty batchId");
        }
        return id;
    }

    private static BatchlogStore readBatchlogStore(WireReader in) {
        long requestId = in.i64();
        String id = batchId(in);
        int count = in.count(8 + 4, "logged partitions");
        if (count == 0) {
            throw new CodecException("BATCHLOG_STORE without partitions");
        }
        List<List<LocalStore.Entry>> partitions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<LocalStore.Entry> entries = readTokenEntries(in, in.i64());
            if (entries.isEmpty()) {
                throw new CodecException("BATCHLOG_STORE partition " + i + " without entries");
            }
            partitions.add(entries);
        }
        return new BatchlogStore(requestId, id, partitions);
    }

    private static void writeRecords(WireWriter out, SortedMap<String, byte[]> records) {
        out.i32(records.size());
        records.forEach((name, value) -> {
            out.string(name);
            out.bytes(value);
        });
    }

    private static SortedMap<String, byte[]> readRecords(WireReader in) {
        int count = in.count(4 + 4, "schema records");
        TreeMap<String, byte[]> records = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.string(SCHEMA_RECORD_NAME_BYTES_MAX, "schema record name");
            records.put(name, in.bytes(Limits.FRAME_SIZE_BYTES_MAX, "schema record"));
        }
        return records;
    }

    private static void writeTokenEntries(WireWriter out, List<LocalStore.Entry> entries) {
        out.i32(entries.size());
        for (LocalStore.Entry entry : entries) {
            out.bytes(entry.key().key());
            MessageCodec.writeCell(out, entry.cell());
        }
    }

    private static List<LocalStore.Entry> readTokenEntries(WireReader in, long token) {
        int count = in.count(4 + 1, "entries");
        List<LocalStore.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "key");
            Cell cell = MessageCodec.readCell(in);
            if (cell == null) {
                throw new CodecException("entry " + i + " has no cell");
            }
            entries.add(new LocalStore.Entry(new DecoratedKey(token, key), cell));
        }
        return entries;
    }

    private static RangeScanResponse readScanResponse(WireReader in) {
        long requestId = in.i64();
        boolean complete = in.bool();
        int count = in.count(8 + 4 + 1, "entries");
        List<LocalStore.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long token = in.i64();
            byte[] key = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "key");
            Cell cell = MessageCodec.readCell(in);
            if (cell == null) {
                throw new CodecException("entry " + i + " has no cell");
            }
            entries.add(new LocalStore.Entry(new DecoratedKey(token, key), cell));
        }
        return new RangeScanResponse(requestId, entries, complete);
    }

    private static void writeSliceRequest(WireWriter out, SliceReadRequest slice) {
        out.i64(slice.requestId());
        out.i64(slice.token());
        out.bytes(slice.fromInclusive());
        out.bytes(slice.toExclusive());
        out.bool(slice.reversed());
        out.i32(slice.maxEntries());
        out.bytes(slice.partitionStart());
        out.bytes(slice.partitionEnd());
        out.i64(slice.ringEpoch());
    }

    private static SliceReadRequest readSliceRequest(WireReader in) {
        long requestId = in.i64();
        long token = in.i64();
        byte[] from = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "fromInclusive");
        byte[] to = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "toExclusive");
        boolean reversed = in.bool();
        int maxEntries = in.i32();
        if (maxEntries <= 0) {
            throw new CodecException("bad maxEntries " + maxEntries + " in SLICE_READ_REQUEST");
        }
        byte[] partitionStart = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "partitionStart");
        byte[] partitionEnd = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "partitionEnd");
        return new SliceReadRequest(requestId, token, from, to, reversed, maxEntries, partitionStart, partitionEnd,
                in.i64());
    }

    private static void writeScanRequest(WireWriter out, RangeScanRequest scan) {
        out.i64(scan.requestId());
        out.i64(scan.startTokenExclusive());
        out.i64(scan.endTokenInclusive());
        out.i64(scan.afterToken());
        out.nullableBytes(scan.afterKey());
        out.bytes(scan.keyPrefix());
        out.i32(scan.maxEntries());
        out.i64(scan.ringEpoch());
    }

    private static RangeScanRequest readScanRequest(WireReader in) {
        long requestId = in.i64();
        long start = in.i64();
        long end = in.i64();
        long afterToken = in.i64();
        byte[] afterKey = in.nullableBytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "afterKey");
        byte[] prefix = in.bytes(Limits.TABLE_STORAGE_KEY_BYTES_MAX, "keyPrefix");
        int maxEntries = in.i32();
        if (maxEntries <= 0) {
            throw new CodecException("bad maxEntries " + maxEntries + " in RANGE_SCAN_REQUEST");
        }
        return new RangeScanRequest(requestId, start, end, afterToken, afterKey, prefix, maxEntries, in.i64());
    }
}
