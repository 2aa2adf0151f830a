package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.Identifiers;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.cql.AlreadyExistsException;
import ringdb.cql.SchemaView;

/** CREATE, ALTER and DROP KEYSPACE. */
public final class KeyspaceStatements {
    /** Keyspaces the node defines itself: no DDL touches them. */
    public static final Set<String> SYSTEM_KEYSPACES = Set.of("system", "system_schema", "system_auth",
            "system_distributed", "system_traces", "system_views", "system_virtual_schema");

    private KeyspaceStatements() {
    }

    /** CREATE KEYSPACE [IF NOT EXISTS] name WITH replication = {...} [AND durable_writes = ...]. */
    public record Create(String name, boolean ifNotExists, Map<String, Object> options) implements SchemaStatement {
        public Create {
            options = new LinkedHashMap<>(options);
        }

        @Override
        public SchemaChange execute(SchemaView schema, long nowMicros) {
            checkNotSystem(name, "create");
            Identifiers.checkSchemaName(name, "keyspace");
            List<String> warnings = new ArrayList<>();
            Replication replication = replication(options, warnings, null);
            KeyspaceMetadata existing = schema.keyspace(name);
            if (existing != null) {
                if (ifNotExists) {
                    return new SchemaChange(false, SchemaChange.Change.CREATED, SchemaChange.Target.KEYSPACE,
                            existing, "", null, List.of(), nowMicros, warnings);
                }
                throw new AlreadyExistsException(name, "");
            }
            return new SchemaChange(true, SchemaChange.Change.CREATED, SchemaChange.Target.KEYSPACE,
                    new KeyspaceMetadata(name, replication, nowMicros), "", null, List.of(), nowMicros, warnings);
        }
    }

    /** ALTER KEYSPACE [IF EXISTS] name WITH replication = {...}. */
    public record Alter(String name, boolean ifExists, Map<String, Object> options) implements SchemaStatement {
        public Alter {
            options = new LinkedHashMap<>(options);
        }

        @Override
        public SchemaChange execute(SchemaView schema, long nowMicros) {
            checkNotSystem(name, "alter");
            KeyspaceMetadata existing = schema.keyspace(name);
            if (existing == null) {
                if (ifExists) {
                    return notApplied(name, SchemaChange.Change.UPDATED, nowMicros);
                }
                throw new InvalidRequestException("Keyspace '" + name + "' doesn't exist");
            }
            List<String> warnings = new ArrayList<>();
            Replication replication = replication(options, warnings, existing.replication());
            return new SchemaChange(true, SchemaChange.Change.UPDATED, SchemaChange.Target.KEYSPACE,
                    new KeyspaceMetadata(name, replication, nowMicros), "", null, List.of(), nowMicros, warnings);
        }
    }

    /** DROP KEYSPACE [IF EXISTS] name: the keyspace and all its tables. */
    public record Drop(String name, boolean ifExists) implements SchemaStatement {
        @Override
        public SchemaChange execute(SchemaView schema, long nowMicros) {
            checkNotSystem(name, "drop");
            if (name.equals(BuiltinTables.KEYSPACE)) {
                throw new InvalidRequestException("keyspace " + name + " holds the built-in key-value table and "
                        + "cannot be dropped");
            }
            KeyspaceMetadata existing = schema.keyspace(name);
            if (existing == null) {
                if (ifExists) {
                    return notApplied(name, SchemaChange.Change.DROPPED, nowMicros);
                }
                throw new InvalidRequestException("Keyspace '" + name + "' doesn't exist");
            }
            List<TableMetadata> tables = schema.tables(name);
            return new SchemaChange(true, SchemaChange.Change.DROPPED, SchemaChange.Target.KEYSPACE, existing, "",
                    null, tables, nowMicros, List.of());
        }
    }

    private static SchemaChange notApplied(String name, SchemaChange.Change change, long nowMicros) {
        KeyspaceMetadata placeholder = new KeyspaceMetadata(name, Replication.simple(1), nowMicros);
        return new SchemaChange(false, change, SchemaChange.Target.KEYSPACE, placeholder, "", null, List.of(),
                nowMicros, List.of());
    }

    static void checkNotSystem(String keyspace, String verb) {
        if (SYSTEM_KEYSPACES.contains(keyspace)) {
            throw new InvalidRequestException("Cannot " + verb + " the system keyspace " + keyspace);
        }
    }

    /**
     * The replication the options ask for; {@code current} (ALTER) is kept when they name none.
     * {@code durable_writes} is accepted and, when false, reported as ignored.
     */
    static Replication replication(Map<String, Object> options, List<String> warnings, Replication current) {
        Replication result = current;
        for (Map.Entry<String, Object> e : options.entrySet()) {
            switch (e.getKey()) {
                case "replication" -> result = strategy(e.getValue());
                case "durable_writes" -> {
                    if (!Properties.bool("durable_writes", e.getValue())) {
                        warnings.add("durable_writes = false is ignored: ringdb always writes its commit log");
                    }
                }
                default -> throw new InvalidRequestException("Unknown property '" + e.getKey() + "'");
            }
        }
        if (result == null) {
            throw new InvalidRequestException("Missing mandatory option 'replication'");
        }
        return result;
    }

    private static Replication strategy(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidRequestException("replication must be a map such as {'class': 'SimpleStrategy', "
                    + "'replication_factor': 3}, got " + value);
        }
        Object cls = map.get("class");
        if (cls == null) {
            throw new InvalidRequestException("Missing replication strategy class");
        }
        String strategy = cls.toString();
        strategy = strategy.substring(strategy.lastIndexOf('.') + 1);
        Map<String, Integer> factors = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!e.getKey().equals("class")) {
                factors.put(e.getKey().toString(), Properties.integer(e.getKey().toString(), e.getValue()));
            }
        }
        switch (strategy) {
            case "SimpleStrategy" -> {
                Integer rf = factors.remove("replication_factor");
                if (rf == null || !factors.isEmpty()) {
                    throw new InvalidRequestException("SimpleStrategy requires exactly the option "
                            + "'replication_factor'" + (factors.isEmpty() ? ""
                            : "; unknown options " + factors.keySet()));
                }
                return Replication.simple(rf);
            }
            case "NetworkTopologyStrategy" -> {
                if (factors.containsKey("replication_factor")) {
                    throw new InvalidRequestException("NetworkTopologyStrategy takes a factor per datacenter "
                            + "('dc1': 3), not replication_factor");
                }
                return Replication.networkTopology(factors);
            }
            default -> throw new InvalidRequestException("Unable to find replication strategy class '" + cls
                    + "': use SimpleStrategy or NetworkTopologyStrategy");
        }
    }
}
