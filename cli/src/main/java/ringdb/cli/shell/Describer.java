package ringdb.cli.shell;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code DESCRIBE} as cqlsh answers it, from the driver's schema metadata (refreshed first):
 * {@code KEYSPACES}, {@code TABLES}, {@code KEYSPACE [k]}, {@code TABLE [k.]t}, {@code SCHEMA},
 * {@code FULL SCHEMA}, {@code CLUSTER}, or a bare name (a keyspace, else a table of the current
 * keyspace). Keyspaces and tables are printed as the CREATE statements that make them again.
 */
final class Describer {
    private static final Set<String> SYSTEM_KEYSPACES = Set.of("system", "system_schema", "system_auth",
            "system_distributed", "system_traces", "system_views", "system_virtual_schema");
    private static final int LINE_WIDTH = 80;

    private final CqlSession session;
    private final PrintStream out;

    Describer(CqlSession session, PrintStream out) {
        this.session = session;
        this.out = out;
    }

    /** Runs {@code DESCRIBE <arguments>}; throws IllegalArgumentException with cqlsh's message when nothing fits. */
    void describe(String arguments) {
        Metadata metadata = session.refreshSchema();
        String[] words = arguments.strip().split("\\s+", 2);
        String what = words[0].toLowerCase(Locale.ROOT);
        String rest = words.length > 1 ? words[1].strip() : "";
        switch (what) {
            case "keyspaces" -> keyspaces(metadata);
            case "tables", "columnfamilies" -> tables(metadata);
            case "keyspace", "schema" -> {
                if (what.equals("schema") || rest.isEmpty() && currentKeyspace().isEmpty()) {
                    schema(metadata, false);
                } else {
                    printKeyspace(keyspace(metadata, rest.isEmpty() ? null : rest));
                }
            }
            case "full" -> {
                if (!rest.equalsIgnoreCase("schema")) {
                    throw new IllegalArgumentException("Improper DESCRIBE command: DESCRIBE FULL SCHEMA");
                }
                schema(metadata, true);
            }
            case "table", "columnfamily" -> printTable(table(metadata, rest));
            case "cluster" -> cluster(metadata);
            case "" -> throw new IllegalArgumentException("Improper DESCRIBE command: describe what? "
                    + "(KEYSPACES, TABLES, KEYSPACE name, TABLE name, SCHEMA, FULL SCHEMA, CLUSTER)");
            default -> describeName(metadata, arguments.strip());
        }
    }

    private void describeName(Metadata metadata, String name) {
        if (!name.contains(".")) {
            Optional<KeyspaceMetadata> keyspace = metadata.getKeyspace(identifier(name));
            if (keyspace.isPresent()) {
                printKeyspace(keyspace.get());
                return;
            }
        }
        printTable(table(metadata, name));
    }

    private void keyspaces(Metadata metadata) {
        out.println();
        printNames(metadata.getKeyspaces().values().stream().map(k -> k.getName().asCql(true)).sorted().toList());
        out.println();
    }

    private void tables(Metadata metadata) {
        Optional<CqlIdentifier> current = currentKeyspace();
        out.println();
        if (current.isPresent()) {
            KeyspaceMetadata keyspace = metadata.getKeyspace(current.get()).orElseThrow(
                    () -> new IllegalArgumentException("Keyspace '" + current.get().asInternal() + "' not found."));
            printNames(tableNames(keyspace));
            out.println();
            return;
        }
        for (KeyspaceMetadata keyspace : sorted(metadata)) {
            String title = "Keyspace " + keyspace.getName().asCql(true);
            out.println(title);
            out.println("-".repeat(title.length()));
            printNames(tableNames(keyspace));
            out.println();
        }
    }

    private void schema(Metadata metadata, boolean withSystem) {
        for (KeyspaceMetadata keyspace : sorted(metadata)) {
            if (withSystem || !SYSTEM_KEYSPACES.contains(keyspace.getName().asInternal())) {
                printKeyspace(keyspace);
            }
        }
    }

    private void cluster(Metadata metadata) {
        out.println();
        out.println("Cluster: " + metadata.getClusterName().orElse("(unknown)"));
        out.println("Partitioner: " + metadata.getTokenMap().map(t -> t.getPartitionerName()).orElse("(unknown)"));
        currentKeyspace().ifPresent(k -> out.println("Keyspace: " + k.asCql(true)));
        out.println();
    }

    private void printKeyspace(KeyspaceMetadata keyspace) {
        out.println();
        out.println(keyspace.describeWithChildren(true).strip());
        out.println();
    }

    private void printTable(TableMetadata table) {
        out.println();
        out.println(table.describe(true).strip());
        out.println();
    }

    private KeyspaceMetadata keyspace(Metadata metadata, String name) {
        CqlIdentifier id = name == null ? currentKeyspace().orElseThrow() : identifier(name);
        return metadata.getKeyspace(id).orElseThrow(
                () -> new IllegalArgumentException("Keyspace '" + id.asInternal() + "' not found."));
    }

    private TableMetadata table(Metadata metadata, String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Improper DESCRIBE command: DESCRIBE TABLE needs a table name");
        }
        int dot = dotOutsideQuotes(name);
        CqlIdentifier keyspace = dot >= 0 ? identifier(name.substring(0, dot)) : currentKeyspace().orElseThrow(
                () -> new IllegalArgumentException("No keyspace specified and no current keyspace"));
        CqlIdentifier table = identifier(dot >= 0 ? name.substring(dot + 1) : name);
        KeyspaceMetadata ks = metadata.getKeyspace(keyspace).orElseThrow(
                () -> new IllegalArgumentException("Keyspace '" + keyspace.asInternal() + "' not found."));
        return ks.getTable(table).orElseThrow(() -> new IllegalArgumentException(
                "'" + table.asInternal() + "' not found in keyspace '" + keyspace.asInternal() + "'"));
    }

    private Optional<CqlIdentifier> currentKeyspace() {
        return session.getKeyspace();
    }

    private static List<String> tableNames(KeyspaceMetadata keyspace) {
        return keyspace.getTables().keySet().stream().map(t -> t.asCql(true)).sorted().toList();
    }

    private static List<KeyspaceMetadata> sorted(Metadata metadata) {
        return metadata.getKeyspaces().values().stream()
                .sorted(Comparator.comparing(k -> k.getName().asInternal())).toList();
    }

    /** Names two spaces apart, lines of at most 80 characters. */
    private void printNames(List<String> names) {
        StringBuilder line = new StringBuilder();
        for (String name : names) {
            if (line.length() > 0 && line.length() + 2 + name.length() > LINE_WIDTH) {
                out.println(line);
                line.setLength(0);
            }
            line.append(line.length() > 0 ? "  " : "").append(name);
        }
        if (line.length() > 0) {
            out.println(line);
        }
    }

    private static int dotOutsideQuotes(String name) {
        boolean quoted = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static CqlIdentifier identifier(String text) {
        String name = text.strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Improper DESCRIBE command: an empty name");
        }
        return CqlIdentifier.fromCql(name);
    }
}
