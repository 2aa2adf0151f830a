package ringdb.cql.statements;

import java.util.Locale;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.Identifiers;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.cql.SchemaView;
import ringdb.cql.grammar.CqlParser;

/** Identifiers of the syntax tree as internal names, and keyspaces and tables looked up by them. */
final class Names {
    private Names() {
    }

    /** The internal name: unquoted lower-cased, quoted as written. */
    static String of(CqlParser.IdentContext ident) {
        if (ident.QUOTED_IDENT() != null) {
            return Identifiers.parse(ident.getText());
        }
        return ident.getText().toLowerCase(Locale.ROOT);
    }

    /** The keyspace a table name refers to: its own, else the session's. */
    static String keyspaceOf(CqlParser.TableNameContext name, String sessionKeyspace) {
        if (name.keyspace != null) {
            return of(name.keyspace);
        }
        if (sessionKeyspace == null || sessionKeyspace.isEmpty()) {
            throw new InvalidRequestException("No keyspace has been specified. USE a keyspace, or explicitly specify "
                    + "keyspace.tablename");
        }
        return sessionKeyspace;
    }

    static String tableOf(CqlParser.TableNameContext name) {
        return of(name.table);
    }

    /** The table, or Cassandra's "unconfigured table" error. */
    static TableMetadata table(SchemaView schema, CqlParser.TableNameContext name, String sessionKeyspace) {
        String keyspace = keyspaceOf(name, sessionKeyspace);
        String table = tableOf(name);
        if (schema.keyspace(keyspace) == null) {
            throw new InvalidRequestException("Keyspace " + keyspace + " does not exist");
        }
        TableMetadata t = schema.table(keyspace, table);
        if (t == null) {
            throw new InvalidRequestException("unconfigured table " + table);
        }
        return t;
    }

    static KeyspaceMetadata keyspace(SchemaView schema, String keyspace) {
        KeyspaceMetadata k = schema.keyspace(keyspace);
        if (k == null) {
            throw new InvalidRequestException("Keyspace '" + keyspace + "' does not exist");
        }
        return k;
    }
}
