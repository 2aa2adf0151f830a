package ringdb.cli.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code HELP} and {@code HELP <topic>}: the shell's commands, each in a line or two. */
final class ShellHelp {
    private static final Map<String, String> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put("consistency", "CONSISTENCY [level]  shows or sets the consistency level of the statements that "
                + "follow\n                     (ONE, TWO, THREE, QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, ANY; ONE at "
                + "start)");
        TOPICS.put("describe", "DESCRIBE KEYSPACES | TABLES | KEYSPACE [k] | TABLE [k.]t | SCHEMA | FULL SCHEMA "
                + "| CLUSTER | name\n                     keyspace and table names, or the CREATE statements that "
                + "make them (DESC for short)");
        TOPICS.put("paging", "PAGING [ON | OFF | n]  shows paging, turns it on or off, or sets n rows per page "
                + "(100 at start);\n                     at a terminal, ---MORE--- waits for Enter between pages");
        TOPICS.put("expand", "EXPAND [ON | OFF]    one block per row, a line per column, instead of a table");
        TOPICS.put("source", "SOURCE 'file'        runs the statements of a file");
        TOPICS.put("show", "SHOW HOST | VERSION  the node the shell is connected to; the versions");
        TOPICS.put("use", "USE keyspace         makes keyspace the default of the statements that follow");
        TOPICS.put("exit", "EXIT | QUIT          leaves the shell (so does Ctrl-D)");
    }

    private ShellHelp() {
    }

    static void print(PrintStream out, String topic) {
        String key = topic.strip().toLowerCase(Locale.ROOT);
        if (key.equals("quit")) {
            key = "exit";
        } else if (key.equals("desc")) {
            key = "describe";
        }
        if (!key.isEmpty()) {
            String text = TOPICS.get(key);
            if (text == null) {
                throw new IllegalArgumentException("No help on '" + topic + "'. HELP lists the topics.");
            }
            out.println(text);
            return;
        }
        out.println();
        out.println("Shell commands (they end at the end of the line; ';' optional):");
        TOPICS.values().forEach(text -> out.println("  " + text.replace("\n", "\n  ")));
        out.println();
        out.println("CQL statements end with ';' and may span lines: CREATE/ALTER/DROP KEYSPACE and TABLE, INSERT,");
        out.println("UPDATE, DELETE, BATCH, SELECT. What ringdb supports: docs/cql.md. HELP <command> for one.");
        out.println();
    }
}
