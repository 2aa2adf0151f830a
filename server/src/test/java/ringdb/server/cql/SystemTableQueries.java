package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ringdb.core.schema.types.CqlTypes;

/**
 * Test fixture, not production: a query handler that understands only the fixed queries drivers
 * send at connect time ({@code SELECT cols FROM keyspace.table [WHERE ...]} on the system tables,
 * {@code USE ks}), answered from {@link SystemTables}. WHERE is ignored except
 * {@code keyspace_name = 'x'}. The CQL language proper lives in its own module.
 */
class SystemTableQueries implements CqlQueryHandler {
    private static final Pattern SELECT = Pattern.compile(
            "\\s*SELECT\\s+(.+?)\\s+FROM\\s+(\\w+)\\.(\\w+)(?:\\s+WHERE\\s+(.*))?\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern USE = Pattern.compile("\\s*USE\\s+\"?(\\w+)\"?\\s*;?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern KEYSPACE_EQUALS = Pattern.compile("keyspace_name\\s*=\\s*'(\\w+)'",
            Pattern.CASE_INSENSITIVE);

    private final SystemTables tables;

    SystemTableQueries(SystemTables tables) {
        this.tables = tables;
    }

    @Override
    public CompletionStage<CqlResult> query(String query, QueryParameters parameters, ClientState state) {
        try {
            return CompletableFuture.completedFuture(run(query, parameters.positionalValues()));
        } catch (CqlException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    CqlResult run(String query, List<ByteBuffer> values) {
        Matcher use = USE.matcher(query);
        if (use.matches()) {
            return new CqlResult.SetKeyspace(use.group(1));
        }
        Matcher select = SELECT.matcher(query);
        if (!select.matches()) {
            throw CqlException.syntax("the test fixture only reads system tables, not: " + query);
        }
        String keyspace = select.group(2).toLowerCase(Locale.ROOT);
        String table = select.group(3).toLowerCase(Locale.ROOT);
        if (!SystemTables.isSystemKeyspace(keyspace)) {
            throw CqlException.invalid("the test fixture only reads system tables, not " + keyspace + "." + table);
        }
        CqlResult.Rows all = tables.read(keyspace, table);
        return project(filter(all, select.group(4), values), select.group(1).trim());
    }

    private static CqlResult.Rows filter(CqlResult.Rows rows, String where, List<ByteBuffer> values) {
        if (where == null) {
            return rows;
        }
        Matcher equals = KEYSPACE_EQUALS.matcher(where);
        String keyspace = equals.find() ? equals.group(1) : null;
        if (keyspace == null && where.contains("keyspace_name") && where.contains("?") && !values.isEmpty()) {
            keyspace = StandardCharsets.UTF_8.decode(values.get(0).duplicate()).toString();
        }
        int column = indexOf(rows, "keyspace_name");
        if (keyspace == null || column < 0) {
            return rows;
        }
        List<List<ByteBuffer>> kept = new ArrayList<>();
        for (List<ByteBuffer> row : rows.rows()) {
            if (keyspace.equals(CqlTypes.TEXT.toJava(bytes(row.get(column))))) {
                kept.add(row);
            }
        }
        return new CqlResult.Rows(rows.columns(), kept, null);
    }

    private static CqlResult.Rows project(CqlResult.Rows rows, String selection) {
        if (selection.equals("*")) {
            return rows;
        }
        List<Integer> picked = new ArrayList<>();
        List<CqlColumn> columns = new ArrayList<>();
        for (String name : selection.split(",")) {
            int i = indexOf(rows, name.trim().toLowerCase(Locale.ROOT));
            if (i < 0) {
                throw CqlException.invalid("Undefined column name " + name.trim());
            }
            picked.add(i);
            columns.add(rows.columns().get(i));
        }
        List<List<ByteBuffer>> out = new ArrayList<>();
        for (List<ByteBuffer> row : rows.rows()) {
            List<ByteBuffer> values = new ArrayList<>();
            picked.forEach(i -> values.add(row.get(i)));
            out.add(values);
        }
        return new CqlResult.Rows(columns, out, null);
    }

    private static int indexOf(CqlResult.Rows rows, String column) {
        for (int i = 0; i < rows.columns().size(); i++) {
            if (rows.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(ByteBuffer value) {
        byte[] out = new byte[value.remaining()];
        value.duplicate().get(out);
        return out;
    }

    @Override
    public CompletionStage<PreparedStatement> prepare(String query, String keyspace, ClientState state) {
        Matcher select = SELECT.matcher(query);
        if (!select.matches()) {
            return CompletableFuture.failedFuture(CqlException.syntax("the test fixture only prepares SELECTs"));
        }
        List<CqlColumn> variables = new ArrayList<>();
        int markers = query.length() - query.replace("?", "").length();
        for (int i = 0; i < markers; i++) {
            variables.add(new CqlColumn(select.group(2), select.group(3), "keyspace_name", CqlTypes.TEXT));
        }
        CqlResult.Rows result = (CqlResult.Rows) run(query.replace("?", "'?'"), List.of());
        return CompletableFuture.completedFuture(new PreparedStatement(variables,
                markers == 1 ? new int[] {0} : new int[0], result.columns(), query));
    }

    @Override
    public CompletionStage<CqlResult> execute(PreparedStatement statement, QueryParameters parameters,
                                              ClientState state) {
        return query((String) statement.statement(), parameters, state);
    }

    @Override
    public CompletionStage<CqlResult> batch(BatchRequest batch, ClientState state) {
        return CompletableFuture.failedFuture(CqlException.invalid("the test fixture has no batches"));
    }
}
