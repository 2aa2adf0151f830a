package ringdb.core.schema;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;

/**
 * Names as CQL writes them. An unquoted identifier is letters, digits and underscores, starting
 * with a letter, and is case-insensitive (stored in lower case); a double-quoted identifier is
 * taken as written, with {@code ""} standing for one quote. Keyspace and table names are further
 * limited, as in Cassandra, to 1..48 characters of {@code [A-Za-z0-9_]} (they name directories and
 * files in Cassandra and travel in system tables here).
 */
public final class Identifiers {
    /** Longest keyspace or table name, in characters (Cassandra's limit). */
    public static final int SCHEMA_NAME_LENGTH_MAX = 48;

    private Identifiers() {
    }

    /** The internal name of a CQL identifier: {@code Age} is {@code age}, {@code "Age"} is {@code Age}. */
    public static String parse(String cql) {
        if (cql == null || cql.isEmpty()) {
            throw new InvalidRequestException("an identifier must not be empty");
        }
        if (cql.startsWith("\"")) {
            if (cql.length() < 3 || !cql.endsWith("\"")) {
                throw new InvalidRequestException("bad quoted identifier " + cql + ": it must end with a quote and "
                        + "hold at least one character");
            }
            String inner = cql.substring(1, cql.length() - 1);
            if (inner.replace("\"\"", "").contains("\"")) {
                throw new InvalidRequestException("bad quoted identifier " + cql + ": write a quote inside as \"\"");
            }
            return inner.replace("\"\"", "\"");
        }
        if (!cql.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new InvalidRequestException("bad identifier '" + cql + "': unquoted identifiers are letters, digits "
                    + "and _ starting with a letter; quote it (\"...\") to use other characters or case");
        }
        return cql.toLowerCase(Locale.ROOT);
    }

    /** The CQL form of an internal name: as is when it reads back unchanged unquoted, else quoted. */
    public static String quoteIfNeeded(String name) {
        if (name.matches("[a-z][a-z0-9_]*")) {
            return name;
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Refuses a keyspace or table name Cassandra would refuse; {@code what} is "keyspace" or "table". */
    public static void checkSchemaName(String name, String what) {
        if (name == null || name.isEmpty() || name.length() > SCHEMA_NAME_LENGTH_MAX
                || !name.matches("[A-Za-z0-9_]+")) {
            throw new InvalidRequestException(what + " name '" + name + "' is not valid: use 1 to "
                    + SCHEMA_NAME_LENGTH_MAX + " letters, digits or underscores");
        }
    }

    /** Refuses an empty column name or one longer than {@link Limits#COLUMN_NAME_BYTES_MAX} in UTF-8. */
    public static void checkColumnName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("a column name must not be empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Limits.COLUMN_NAME_BYTES_MAX) {
            throw new InvalidRequestException("column name '" + name.substring(0, 20) + "...' is " + bytes
                    + " bytes; the limit is " + Limits.COLUMN_NAME_BYTES_MAX + " bytes");
        }
    }
}
