package ringdb.server.audit;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What kind of event an audit line records; the names are written to the log and never renamed. */
public enum AuditCategory {
    /** A client proving who it is: a CQL login, a TLS client handshake (successes and failures). */
    AUTH,
    /** A schema change: CQL CREATE/ALTER/DROP/TRUNCATE of keyspaces, tables..., the HTTP schema API. */
    DDL,
    /** A change of roles or permissions: CQL CREATE/ALTER/DROP ROLE or USER, GRANT, REVOKE. */
    DCL,
    /** An admin operation: decommission, removenode, repair, cleanup, snapshot, reloadssl... */
    ADMIN;

    /**
     * The categories named in {@code text} (comma-separated, any case, blanks ignored); throws
     * {@link IllegalArgumentException} naming {@code setting} and the unknown name.
     */
    public static Set<AuditCategory> parse(String setting, String text) {
        Set<AuditCategory> categories = EnumSet.noneOf(AuditCategory.class);
        for (String part : text.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            try {
                categories.add(valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": unknown category '" + part.trim()
                        + "'; use a comma-separated list of " + EnumSet.allOf(AuditCategory.class), e);
            }
        }
        return categories;
    }
}
