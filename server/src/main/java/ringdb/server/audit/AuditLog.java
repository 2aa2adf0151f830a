package ringdb.server.audit;

/**
 * Where audited events go ({@code audit_logging_*}). Callers record at the point an operation's
 * outcome is known: a login answered, a statement or admin request answered.
 *
 * <p>Threading: both methods from any thread. {@link #record} does not throw: a log that cannot
 * write says so in the server log and its metrics, and the operation goes on.
 */
public interface AuditLog extends AutoCloseable {
    /**
     * Whether events of {@code category} are recorded; callers may skip building an event when not
     * (an event of a category not recorded is ignored by {@link #record} anyway).
     */
    boolean records(AuditCategory category);

    /** Records {@code event} (stamped with the time and this node's id) if its category is recorded. */
    void record(AuditEvent event);

    /** Stops recording and closes files; events recorded afterwards are ignored. */
    @Override
    default void close() {
    }

    /** No audit log (audit_logging_enabled: false): records nothing. */
    AuditLog DISABLED = new AuditLog() {
        @Override
        public boolean records(AuditCategory category) {
            return false;
        }

        @Override
        public void record(AuditEvent event) {
        }
    };
}
