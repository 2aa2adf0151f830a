package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.response.Error;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ringdb.server.audit.AuditCategory;
import ringdb.server.audit.AuditEvent;
import ringdb.server.audit.AuditLog;

/**
 * What the CQL port records in the audit log: logins (the SASL exchange's outcome) and statements
 * that change the schema (DDL: CREATE, ALTER, DROP of keyspaces, tables, types, indexes...;
 * TRUNCATE) or roles and permissions (DCL: CREATE, ALTER, DROP ROLE or USER, GRANT, REVOKE, LIST).
 * A statement is classified by its first words, so one the node refuses (a syntax error, a statement
 * it does not support) is recorded as a failure of its category. Passwords in a statement's text are
 * masked before it is written; statements longer than {@value #OPERATION_CHARS_MAX} characters are
 * cut.
 */
final class CqlAuditing {
    /** The longest statement text written to one audit line. */
    static final int OPERATION_CHARS_MAX = 4096;
    private static final Pattern LEADING = Pattern.compile("\\A(?:\\s+|--[^\\n]*|//[^\\n]*|/\\*.*?\\*/)*",
            Pattern.DOTALL);
    private static final Pattern WORDS = Pattern.compile("[A-Za-z_]+");
    private static final Pattern PASSWORD = Pattern.compile(
            "(?i)(\\bPASSWORD\\s*(?:=\\s*)?)('(?:[^']|'')*'|\\$\\$.*?\\$\\$)", Pattern.DOTALL);
    static final String MASK = "'*****'";

    private CqlAuditing() {
    }

    /** The category of the statement {@code text}, or null when it is not audited (reads and writes of rows). */
    static AuditCategory category(String text) {
        Matcher leading = LEADING.matcher(text);
        int start = leading.lookingAt() ? leading.end() : 0;
        Matcher words = WORDS.matcher(text);
        if (!words.find(start) || words.start() != start) {
            return null;
        }
        String first = words.group().toUpperCase(Locale.ROOT);
        switch (first) {
            case "GRANT", "REVOKE", "LIST" -> {
                return AuditCategory.DCL;
            }
            case "TRUNCATE" -> {
                return AuditCategory.DDL;
            }
            case "CREATE", "ALTER", "DROP" -> {
                String second = words.find() ? words.group().toUpperCase(Locale.ROOT) : "";
                return second.equals("ROLE") || second.equals("USER") ? AuditCategory.DCL : AuditCategory.DDL;
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code text} with every password literal replaced by {@value #MASK}, cut to the most written. */
    static String masked(String text) {
        String masked = PASSWORD.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        String line = masked.strip();
        return line.length() <= OPERATION_CHARS_MAX ? line : line.substring(0, OPERATION_CHARS_MAX) + "...";
    }

    /** Records a QUERY or EXECUTE answered with {@code answer} when its statement is DDL or DCL. */
    static void answered(AuditLog audit, PreparedCache prepared, ClientState state, Message request, Message answer) {
        if (!audit.records(AuditCategory.DDL) && !audit.records(AuditCategory.DCL)) {
            return; // nothing a statement does is recorded: no need to look at it
        }
        String text = null;
        if (request instanceof Query query) {
            text = query.query;
        } else if (request instanceof Execute execute) {
            PreparedCache.Entry entry = prepared.get(execute.queryId);
            text = entry == null ? null : entry.query();
        }
        AuditCategory category = text == null ? null : category(text);
        if (category == null || !audit.records(category)) {
            return;
        }
        String operation = masked(text);
        if (answer instanceof Error error) {
            audit.record(AuditEvent.failure(category, operation, state.remoteAddress(), state.user(),
                    error.message));
        } else {
            audit.record(AuditEvent.success(category, operation, state.remoteAddress(), state.user()));
        }
    }

    /** A login that succeeded, as {@code user}, with the authenticator {@code className}. */
    static void loginSucceeded(AuditLog audit, ClientState state, String className, String user) {
        if (audit.records(AuditCategory.AUTH)) {
            audit.record(AuditEvent.success(AuditCategory.AUTH, "CQL login (" + className + ")",
                    state.remoteAddress(), user));
        }
    }

    /** A login refused: the user is the one a SASL PLAIN token names (never its password), if it names one. */
    static void loginFailed(AuditLog audit, ClientState state, String className, byte[] token, String reason) {
        if (audit.records(AuditCategory.AUTH)) {
            audit.record(AuditEvent.failure(AuditCategory.AUTH, "CQL login (" + className + ")",
                    state.remoteAddress(), plainUser(token), reason));
        }
    }

    /** The authentication identity of a SASL PLAIN token ({@code authzid \0 authcid \0 password}), or null. */
    static String plainUser(byte[] token) {
        int first = indexOf(token, 0);
        int second = first < 0 ? -1 : indexOf(token, first + 1);
        if (second < 0) {
            return null;
        }
        String user = new String(token, first + 1, second - first - 1, StandardCharsets.UTF_8);
        return user.isEmpty() ? null : user;
    }

    private static int indexOf(byte[] token, int from) {
        for (int i = from; i < token.length; i++) {
            if (token[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
