package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import ringdb.core.schema.TableMetadata;
import ringdb.cql.SchemaView;

/**
 * A prepared statement's analysis, made once at PREPARE and kept as long as the tables it reads or
 * writes keep the definitions it was made with. When one of them changed since (ALTER, or DROP and
 * CREATE again), the text is analysed again against the schema of the moment, once per change, and
 * that analysis is kept in turn; a table that no longer exists makes the analysis throw, as it would
 * for the text sent anew. Each definition is compared once per new definition object, not on every
 * execution. Not thread-safe: one thread executes it (a node's).
 */
public final class PreparedPlan {
    private final String query;
    private final String keyspace;
    private final Predicate<String> fixedKeyspace;
    private CqlStatement statement;
    /** The definitions of the tables the statement uses (tables of a fixed keyspace left out). */
    private TableMetadata[] tables;
    /** For each of {@code tables}, the definition object last found equal to it. */
    private TableMetadata[] confirmed;
    /** The schema object the statement was last found to fit (see {@link #current(Object, Supplier)}). */
    private Object fitted;
    /** The statement last {@link #accept accepted} by the caller's own check (null: none yet). */
    private CqlStatement accepted;

    /**
     * {@code statement}: the analysis of {@code query} with the session keyspace {@code keyspace};
     * {@code fixedKeyspace}: the keyspaces whose tables never change (served from memory), not checked.
     */
    public PreparedPlan(String query, String keyspace, CqlStatement statement, Predicate<String> fixedKeyspace) {
        this.query = query;
        this.keyspace = keyspace;
        this.fixedKeyspace = fixedKeyspace;
        use(statement);
    }

    public String query() {
        return query;
    }

    public String keyspace() {
        return keyspace;
    }

    /** The statement as {@code schema} defines its tables now: the one kept, or a new analysis of the text. */
    public CqlStatement current(SchemaView schema) {
        if (!fits(schema)) {
            use(Analyzer.analyze(query, keyspace, schema));
        }
        return statement;
    }

    /**
     * {@link #current(SchemaView)} for a caller whose schema is an immutable object ({@code schema}, of
     * which {@code view} is the view): while it is the very object the statement was last found to fit,
     * the statement is answered without looking its tables up.
     */
    public CqlStatement current(Object schema, Supplier<SchemaView> view) {
        if (schema != null && schema == fitted) {
            return statement;
        }
        CqlStatement now = current(view.get());
        fitted = schema;
        return now;
    }

    /**
     * Whether {@code current} (an answer of {@code current}) is the analysis the caller last {@link #accept
     * accepted}: a check of the statement against what the client prepared holds until the text is analysed
     * again.
     */
    public boolean accepted(CqlStatement current) {
        return current == accepted;
    }

    /** Records that {@code current} passed the caller's check (see {@link #accepted}). */
    public void accept(CqlStatement current) {
        accepted = current;
    }

    private boolean fits(SchemaView schema) {
        for (int i = 0; i < tables.length; i++) {
            TableMetadata was = tables[i];
            TableMetadata now = schema.table(was.keyspace(), was.name());
            if (now == null) {
                return false;
            }
            if (now != confirmed[i]) {
                if (!was.equals(now)) {
                    return false;
                }
                confirmed[i] = now;
            }
        }
        return true;
    }

    private void use(CqlStatement analysed) {
        List<TableMetadata> used = new ArrayList<>();
        if (analysed instanceof SelectStatement select) {
            used.add(select.table());
        } else if (analysed instanceof ModificationStatement modification) {
            used.add(modification.table());
        } else if (analysed instanceof BatchStatement batch) {
            batch.statements().forEach(s -> used.add(s.table()));
        }
        used.removeIf(t -> fixedKeyspace.test(t.keyspace()));
        statement = analysed;
        tables = used.toArray(new TableMetadata[0]);
        confirmed = tables.clone();
    }
}
