package ringdb.cql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.cql.statements.Analyzer;
import ringdb.cql.statements.CqlStatement;
import ringdb.cql.statements.SchemaChange;
import ringdb.cql.statements.SchemaStatement;

/** A schema held in maps, changed by executing DDL through the analyser, as a node's schema holder would. */
public final class MemorySchema implements SchemaView {
    private final Map<String, KeyspaceMetadata> keyspaces = new TreeMap<>();
    private final Map<String, TableMetadata> tables = new TreeMap<>();
    private final Map<String, Long> dropped = new HashMap<>();
    private long clockMicros = 1_000_000;

    @Override
    public KeyspaceMetadata keyspace(String name) {
        return keyspaces.get(name);
    }

    @Override
    public TableMetadata table(String keyspace, String table) {
        return tables.get(keyspace + "." + table);
    }

    @Override
    public List<TableMetadata> tables(String keyspace) {
        List<TableMetadata> out = new ArrayList<>();
        tables.forEach((k, t) -> {
            if (t.keyspace().equals(keyspace)) {
                out.add(t);
            }
        });
        return out;
    }

    @Override
    public long tableDroppedAtMicros(String keyspace, String table) {
        return dropped.getOrDefault(keyspace + "." + table, 0L);
    }

    /** Adds a keyspace and table directly (system tables, which DDL refuses to touch). */
    public void put(KeyspaceMetadata keyspace, TableMetadata table) {
        keyspaces.put(keyspace.name(), keyspace);
        tables.put(table.keyspace() + "." + table.name(), table);
    }

    /** Runs a DDL statement (with the session keyspace) and applies its change. */
    public SchemaChange execute(String cql, String sessionKeyspace) {
        CqlStatement s = Analyzer.analyze(cql, sessionKeyspace, this);
        SchemaChange change = ((SchemaStatement) s).execute(this, clockMicros += 1000);
        apply(change);
        return change;
    }

    public SchemaChange execute(String cql) {
        return execute(cql, null);
    }

    private void apply(SchemaChange change) {
        if (!change.applied()) {
            return;
        }
        String ks = change.keyspace();
        if (change.target() == SchemaChange.Target.KEYSPACE) {
            if (change.change() == SchemaChange.Change.DROPPED) {
                keyspaces.remove(ks);
                for (TableMetadata t : change.droppedTables()) {
                    tables.remove(ks + "." + t.name());
                    dropped.put(ks + "." + t.name(), change.atMicros());
                }
            } else {
                keyspaces.put(ks, change.keyspaceMetadata());
            }
        } else if (change.change() == SchemaChange.Change.DROPPED) {
            tables.remove(ks + "." + change.table());
            dropped.put(ks + "." + change.table(), change.atMicros());
        } else {
            tables.put(ks + "." + change.table(), change.tableMetadata());
        }
    }
}
