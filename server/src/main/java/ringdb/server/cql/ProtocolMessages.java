package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.Error;
import com.datastax.oss.protocol.internal.response.error.AlreadyExists;
import com.datastax.oss.protocol.internal.response.error.ReadTimeout;
import com.datastax.oss.protocol.internal.response.error.Unavailable;
import com.datastax.oss.protocol.internal.response.error.Unprepared;
import com.datastax.oss.protocol.internal.response.error.WriteTimeout;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.DefaultRows;
import com.datastax.oss.protocol.internal.response.result.Prepared;
import com.datastax.oss.protocol.internal.response.result.RawType;
import com.datastax.oss.protocol.internal.response.result.RowsMetadata;
import com.datastax.oss.protocol.internal.response.result.SchemaChange;
import com.datastax.oss.protocol.internal.response.result.SetKeyspace;
import com.datastax.oss.protocol.internal.response.result.Void;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;

/** Turns the query handler's results and errors into the protocol's messages. */
final class ProtocolMessages {
    private static final Map<CqlType, Integer> NATIVE_TYPE_IDS = Map.ofEntries(
            Map.entry(CqlTypes.ASCII, ProtocolConstants.DataType.ASCII),
            Map.entry(CqlTypes.TEXT, ProtocolConstants.DataType.VARCHAR),
            Map.entry(CqlTypes.BLOB, ProtocolConstants.DataType.BLOB),
            Map.entry(CqlTypes.BOOLEAN, ProtocolConstants.DataType.BOOLEAN),
            Map.entry(CqlTypes.TINYINT, ProtocolConstants.DataType.TINYINT),
            Map.entry(CqlTypes.SMALLINT, ProtocolConstants.DataType.SMALLINT),
            Map.entry(CqlTypes.INT, ProtocolConstants.DataType.INT),
            Map.entry(CqlTypes.BIGINT, ProtocolConstants.DataType.BIGINT),
            Map.entry(CqlTypes.VARINT, ProtocolConstants.DataType.VARINT),
            Map.entry(CqlTypes.FLOAT, ProtocolConstants.DataType.FLOAT),
            Map.entry(CqlTypes.DOUBLE, ProtocolConstants.DataType.DOUBLE),
            Map.entry(CqlTypes.DECIMAL, ProtocolConstants.DataType.DECIMAL),
            Map.entry(CqlTypes.TIMESTAMP, ProtocolConstants.DataType.TIMESTAMP),
            Map.entry(CqlTypes.DATE, ProtocolConstants.DataType.DATE),
            Map.entry(CqlTypes.TIME, ProtocolConstants.DataType.TIME),
            Map.entry(CqlTypes.UUID, ProtocolConstants.DataType.UUID),
            Map.entry(CqlTypes.TIMEUUID, ProtocolConstants.DataType.TIMEUUID),
            Map.entry(CqlTypes.INET, ProtocolConstants.DataType.INET));

    private ProtocolMessages() {
    }

    /** The protocol's [option] for a type. */
    static RawType rawType(CqlType type) {
        Integer id = NATIVE_TYPE_IDS.get(type);
        if (id != null) {
            return RawType.PRIMITIVES.get(id);
        }
        if (type instanceof ListType list) {
            return new RawType.RawList(rawType(list.element()));
        }
        if (type instanceof SetType set) {
            return new RawType.RawSet(rawType(set.element()));
        }
        if (type instanceof MapType map) {
            return new RawType.RawMap(rawType(map.key()), rawType(map.value()));
        }
        throw new IllegalArgumentException("no protocol type for " + type.cqlName());
    }

    static List<ColumnSpec> columnSpecs(List<CqlColumn> columns) {
        List<ColumnSpec> specs = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            CqlColumn c = columns.get(i);
            specs.add(new ColumnSpec(c.keyspace(), c.table(), c.name(), i, rawType(c.type())));
        }
        return specs;
    }

    /** A RESULT for {@code result}; {@code skipMetadata}: leave the columns of Rows out (the client has them). */
    static Message result(CqlResult result, boolean skipMetadata) {
        if (result instanceof CqlResult.Rows rows) {
            RowsMetadata metadata = skipMetadata
                    ? new RowsMetadata(rows.columns().size(), rows.pagingState(), null, null)
                    : new RowsMetadata(columnSpecs(rows.columns()), rows.pagingState(), null, null);
            return new DefaultRows(metadata, new ArrayDeque<>(rows.rows()));
        }
        if (result instanceof CqlResult.SetKeyspace use) {
            return new SetKeyspace(use.keyspace());
        }
        if (result instanceof CqlResult.SchemaChange change) {
            SchemaChangeEvent e = change.change();
            return new WarnedSchemaChange(e.change().name(), e.target().name(), e.keyspace(),
                    e.target() == SchemaChangeEvent.Target.KEYSPACE ? null : e.table(), change.warnings());
        }
        return Void.INSTANCE;
    }

    /** Rows with their columns and, flagged Metadata_changed, the new id of those columns (protocol v5). */
    static Message rowsWithNewMetadata(CqlResult.Rows rows, byte[] resultMetadataId) {
        RowsMetadata metadata = new RowsMetadata(columnSpecs(rows.columns()), rows.pagingState(), null,
                resultMetadataId);
        return new DefaultRows(metadata, new ArrayDeque<>(rows.rows()));
    }

    /** Warnings for the frame that carries a message (protocol v4 section 2.2, flag 0x08). */
    static List<String> warnings(Message message) {
        return message instanceof WarnedSchemaChange warned ? warned.warnings : List.of();
    }

    /** A SCHEMA_CHANGE result with the warnings its statement produced. */
    static final class WarnedSchemaChange extends SchemaChange {
        final List<String> warnings;

        WarnedSchemaChange(String changeType, String target, String keyspace, String object, List<String> warnings) {
            super(changeType, target, keyspace, object, null);
            this.warnings = List.copyOf(warnings);
        }
    }

    /** The RESULT of a PREPARE. */
    static Prepared prepared(byte[] id, PreparedStatement statement) {
        RowsMetadata variables = new RowsMetadata(columnSpecs(statement.variables()), null,
                statement.partitionKeyIndexes(), null);
        RowsMetadata result = statement.resultColumns().isEmpty()
                ? new RowsMetadata(List.of(), null, null, null)
                : new RowsMetadata(columnSpecs(statement.resultColumns()), null, null, null);
        return new Prepared(id, resultMetadataId(statement.resultColumns()), variables, result);
    }

    /**
     * The id of a result's columns (protocol v5 section 4.2.5.4): the MD5 of each column's keyspace,
     * table, name and type, so a statement whose result columns change (ALTER, DROP and CREATE again)
     * gets a new id and an EXECUTE naming the old one is answered with the new columns.
     */
    static byte[] resultMetadataId(List<CqlColumn> columns) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (CqlColumn c : columns) {
                for (String part : new String[] {c.keyspace(), c.table(), c.name(), c.type().cqlName()}) {
                    md5.update(part.getBytes(StandardCharsets.UTF_8));
                    md5.update((byte) 0);
                }
            }
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java runtime", e);
        }
    }

    /** The ERROR for {@code e}. */
    static Error error(CqlException e) {
        String message = e.getMessage() == null ? e.code().name().toLowerCase(Locale.ROOT) : e.getMessage();
        return switch (e.code()) {
            case UNAVAILABLE -> new Unavailable(message, e.consistency().code, e.required(), e.received());
            case WRITE_TIMEOUT -> new WriteTimeout(message, e.consistency().code, e.received(), e.required(),
                    e.writeType().name());
            case READ_TIMEOUT -> new ReadTimeout(message, e.consistency().code, e.received(), e.required(),
                    e.dataPresent());
            case ALREADY_EXISTS -> new AlreadyExists(message, e.keyspace(), e.table());
            case UNPREPARED -> new Unprepared(message, e.preparedId());
            default -> new Error(e.code().wire, message);
        };
    }

    /** A value for a column of Rows: null stays null (a null value). */
    static ByteBuffer value(CqlType type, Object javaValue) {
        return javaValue == null ? null : ByteBuffer.wrap(type.fromJava(javaValue));
    }
}
