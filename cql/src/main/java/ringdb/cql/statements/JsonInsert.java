package ringdb.cql.statements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.Identifiers;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.grammar.CqlParser;

/**
 * {@code INSERT INTO t JSON '{"k": 1, "v": "x"}' [DEFAULT NULL | DEFAULT UNSET]}: the JSON object's
 * members are columns (case-insensitive unless written {@code "\"Name\""}), values as the types'
 * {@code fromJson} reads them; columns left out are set to null (DEFAULT NULL) or left alone.
 */
final class JsonInsert {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private JsonInsert() {
    }

    static ModificationStatement analyze(CqlParser.InsertContext c, TableMetadata table, Binds binds, Term[] using) {
        boolean defaultUnset = c.K_UNSET() != null;
        ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), "[json]", CqlTypes.TEXT);
        Term json = Literals.term(c.jsonValue, spec, binds);
        if (json instanceof Term.Constant constant) {
            if (constant.bytes() == null) {
                throw new InvalidRequestException("Got null for INSERT JSON values");
            }
            Map<ColumnMetadata, Term> values = values(table, new String(constant.bytes(), StandardCharsets.UTF_8),
                    defaultUnset);
            return ModificationAnalysis.insert(table, values, using, null, false, binds.variables());
        }
        return new ModificationStatement(table, ModificationStatement.Type.INSERT, BoundModification.Kind.WRITE,
                java.util.List.of(), java.util.List.of(), java.util.List.of(), true, java.util.List.of(), using[0],
                using[1], json, defaultUnset, binds.variables());
    }

    /** The INSERT a JSON bind value stands for. */
    static ModificationStatement resolve(ModificationStatement s, BindValues bindValues) {
        Term.Value v = s.json().bind(bindValues);
        if (v.bytes() == null) {
            throw new InvalidRequestException("Got null for INSERT JSON values");
        }
        Map<ColumnMetadata, Term> values = values(s.table(), new String(v.bytes(), StandardCharsets.UTF_8),
                s.jsonDefaultUnset());
        return ModificationAnalysis.insert(s.table(), values, new Term[] {s.timestamp(), s.ttl()}, null, false,
                s.bindVariables());
    }

    private static Map<ColumnMetadata, Term> values(TableMetadata table, String text, boolean defaultUnset) {
        Map<?, ?> object;
        try {
            Object parsed = JSON.readValue(text, Object.class);
            if (!(parsed instanceof Map<?, ?> m)) {
                throw new InvalidRequestException("Could not decode JSON string '" + abbreviate(text) + "': expected "
                        + "a JSON object");
            }
            object = m;
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("Could not decode JSON string '" + abbreviate(text) + "': "
                    + e.getOriginalMessage());
        }
        Map<ColumnMetadata, Term> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : object.entrySet()) {
            String key = e.getKey().toString();
            String name = key.startsWith("\"") ? Identifiers.parse(key) : key.toLowerCase(Locale.ROOT);
            ColumnMetadata c = table.column(name);
            if (c == null) {
                throw new InvalidRequestException("JSON values map contains unrecognized column: " + name);
            }
            out.put(c, new Term.Constant(value(c, e.getValue())));
        }
        if (!defaultUnset) {
            for (ColumnMetadata c : table.columns()) {
                out.putIfAbsent(c, new Term.Constant(null));
            }
        }
        return out;
    }

    private static byte[] value(ColumnMetadata c, Object json) {
        if (json == null) {
            return null;
        }
        try {
            byte[] bytes = c.type().fromJson(json);
            c.type().validate(c.name(), bytes);
            return c.type().normalize(bytes);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Error decoding JSON value for " + c.name() + ": " + e.getMessage());
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
