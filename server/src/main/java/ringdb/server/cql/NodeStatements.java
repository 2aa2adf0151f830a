package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import ringdb.core.catalog.KeyspaceReplication;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaException;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.node.Node;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.cql.AlreadyExistsException;
import ringdb.cql.CqlSyntaxException;
import ringdb.cql.SchemaView;
import ringdb.cql.statements.Analyzer;
import ringdb.cql.statements.AuthStatement;
import ringdb.cql.statements.BatchStatement;
import ringdb.cql.statements.BindValues;
import ringdb.cql.statements.BoundModification;
import ringdb.cql.statements.ColumnSpec;
import ringdb.cql.statements.CqlStatement;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.ModificationStatement;
import ringdb.cql.statements.PreparedPlan;
import ringdb.cql.statements.SchemaChange;
import ringdb.cql.statements.SchemaStatement;
import ringdb.cql.statements.SelectStatement;
import ringdb.cql.statements.UseStatement;
import ringdb.server.runtime.NodeThread;

/**
 * The CQL statements of a real node: each statement is parsed and analysed against the node's
 * schema (docs/cql.md), then run on the node. USE sets the connection's keyspace; DDL runs as a
 * schema statement of the node's catalog (stored, spread to peers; the change is pushed to
 * registered connections by the node's listener); SELECT reads the system tables from memory and
 * user tables partition by partition ({@link CqlReads}); INSERT, UPDATE, DELETE and BATCH write
 * each partition as one mutation ({@link CqlWrites}); a LOGGED batch of several partitions goes
 * through the node's batch log first.
 *
 * <p>Threading: every statement runs on the node's thread; results complete there.
 */
public final class NodeStatements implements CqlQueryHandler {
    private final Node node;
    private final NodeThread nodeThread;
    private final SystemTables systemTables;
    private final CqlReads reads;
    private final CqlWrites writes;
    private final AccessControl access;

    public NodeStatements(CqlNodeBinding.Context context) {
        this.access = context.access();
        this.node = context.node();
        this.nodeThread = context.nodeThread();
        this.systemTables = context.systemTables();
        this.reads = new CqlReads(node, systemTables);
        this.writes = new CqlWrites(node);
    }

    private SchemaView view() {
        return NodeSchema.view(node.schema(), systemTables);
    }

    @Override
    public CompletionStage<CqlResult> query(String query, QueryParameters parameters, ClientState state) {
        return onNode(() -> {
            CqlStatement statement = Analyzer.analyze(query, state.keyspace(), view());
            return authorized(statement, state, () -> run(statement, parameters, state));
        });
    }

    @Override
    public CompletionStage<PreparedStatement> prepare(String query, String keyspace, ClientState state) {
        return onNode(() -> {
            CqlStatement statement = Analyzer.analyze(query, keyspace, view());
            List<Integer> keyIndexes = List.of();
            List<CqlColumn> result = List.of();
            if (statement instanceof SelectStatement select) {
                keyIndexes = select.partitionKeyBindIndexes();
                result = columns(select.resultColumns());
            } else if (statement instanceof ModificationStatement modification) {
                keyIndexes = modification.partitionKeyBindIndexes();
            }
            return CompletableFuture.completedFuture(new PreparedStatement(columns(statement.bindVariables()),
                    keyIndexes.stream().mapToInt(Integer::intValue).toArray(), result,
                    new PreparedPlan(query, keyspace, statement, SystemTables::isSystemKeyspace)));
        });
    }

    @Override
    public CompletionStage<CqlResult> execute(PreparedStatement statement, QueryParameters parameters,
                                              ClientState state) {
        return onNode(() -> {
            CqlStatement current = current(statement);
            return authorized(current, state, () -> run(current, parameters, state));
        });
    }

    /**
     * {@code prepared} as the schema is now; refused (Invalid) when its bind variables no longer have the
     * types the client prepared it with (its table was dropped and created again with other types): the
     * client's values are encoded for the old types and would be read as something else.
     */
    private CqlStatement current(PreparedStatement prepared) {
        PreparedPlan plan = (PreparedPlan) prepared.statement();
        CqlStatement current = current(plan);
        if (!plan.accepted(current)) { // compared once per analysis of the text, not on every EXECUTE
            checkVariables(prepared, current);
            plan.accept(current);
        }
        return current;
    }

    private static void checkVariables(PreparedStatement prepared, CqlStatement current) {
        List<ColumnSpec> now = current.bindVariables();
        List<CqlColumn> then = prepared.variables();
        for (int i = 0; i < then.size() || i < now.size(); i++) {
            CqlColumn was = i < then.size() ? then.get(i) : null;
            ColumnSpec is = i < now.size() ? now.get(i) : null;
            if (was == null || is == null || !was.type().equals(is.type())) {
                throw CqlException.invalid("the prepared statement's bind variables changed since it was prepared "
                        + "(" + (was == null ? "none" : was.name() + " " + was.type().cqlName()) + " is now "
                        + (is == null ? "none" : is.name() + " " + is.type().cqlName())
                        + "): prepare the statement again");
            }
        }
    }

    /**
     * The prepared statement as the schema is now (see {@link PreparedPlan}): never an outdated definition.
     * The node's schema is immutable and replaced on each change, so a plan checked against the same schema
     * object is not checked again.
     */
    private CqlStatement current(PreparedPlan prepared) {
        Schema schema = node.schema();
        return prepared.current(schema, () -> NodeSchema.view(schema, systemTables));
    }

    @Override
    public CompletionStage<CqlResult> batch(BatchRequest batch, ClientState state) {
        return onNode(() -> {
            List<BoundModification> bound = new ArrayList<>();
            for (BatchRequest.Statement s : batch.statements()) {
                CqlStatement statement = s.prepared() != null ? current(s.prepared())
                        : Analyzer.analyze(s.query(), state.keyspace(), view());
                BindValues values = positional(s.values());
                if (statement instanceof ModificationStatement m) {
                    bound.add(m.bind(values));
                } else if (statement instanceof BatchStatement b) {
                    bound.addAll(b.bind(values));
                } else {
                    throw CqlException.invalid("a batch holds INSERT, UPDATE and DELETE statements only");
                }
            }
            List<StatementPermissions.Required> required = new ArrayList<>();
            for (BoundModification b : access.checksPermissions() ? bound : List.<BoundModification>of()) {
                required.add(new StatementPermissions.Required(ringdb.cql.statements.Permission.MODIFY,
                        ringdb.cql.statements.DataResource.table(b.table().keyspace(), b.table().name())));
            }
            CqlException.WriteType writeType = switch (batch.type()) {
                case LOGGED -> CqlException.WriteType.BATCH;
                case UNLOGGED -> CqlException.WriteType.UNLOGGED_BATCH;
                case COUNTER -> throw CqlException.invalid("Counter batches are not supported (counters are not "
                        + "supported)");
            };
            return authorized(required, state, () -> writes.write(bound, consistency(batch.consistency()),
                    batch.consistency(), batch.timestampMicros(), writeType));
        });
    }

    /** Runs {@code then} on the node's thread once the connection's role holds what {@code statement} needs. */
    private CompletableFuture<CqlResult> authorized(CqlStatement statement, ClientState state,
                                                    Supplier<CompletableFuture<CqlResult>> then) {
        // nothing can be refused: skip working out what the statement needs (every request of an open node)
        return access.checksPermissions() ? authorized(StatementPermissions.of(statement), state, then) : then.get();
    }

    private CompletableFuture<CqlResult> authorized(List<StatementPermissions.Required> required, ClientState state,
                                                    Supplier<CompletableFuture<CqlResult>> then) {
        if (required.isEmpty() || !access.checksPermissions()) {
            return then.get();
        }
        CompletableFuture<Void> granted = CompletableFuture.completedFuture(null);
        for (StatementPermissions.Required r : new java.util.LinkedHashSet<>(required)) {
            granted = granted.thenCompose(v -> access.authorize(state, r.permission(), r.resource()));
        }
        return granted.thenCompose(v -> {
            CompletableFuture<CqlResult> out = new CompletableFuture<>();
            Runnable task = () -> {
                try {
                    then.get().whenComplete((value, error) -> {
                        if (error != null) {
                            out.completeExceptionally(error);
                        } else {
                            out.complete(value);
                        }
                    });
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            };
            if (nodeThread.isNodeThread()) {
                task.run();
            } else {
                nodeThread.execute(task);
            }
            return out;
        });
    }

    private CompletableFuture<CqlResult> run(CqlStatement statement, QueryParameters parameters, ClientState state) {
        if (statement instanceof UseStatement use) {
            state.useKeyspace(use.keyspace());
            return CompletableFuture.completedFuture(new CqlResult.SetKeyspace(use.keyspace()));
        }
        if (statement instanceof AuthStatement auth) {
            return access.execute(auth, state).toCompletableFuture();
        }
        if (statement instanceof SchemaStatement schema) {
            DataResource created = StatementPermissions.created(statement);
            return changeSchema(schema).thenApply(result -> {
                if (created != null && result instanceof CqlResult.SchemaChange) {
                    access.created(state, created);
                }
                return result;
            });
        }
        BindValues values = values(statement.bindVariables(), parameters);
        CqlConsistency cl = parameters.consistency();
        if (statement instanceof SelectStatement select) {
            return reads.select(select, values, consistency(cl), cl, parameters.pageSize(), parameters.pagingState());
        }
        List<BoundModification> bound = statement instanceof BatchStatement batch ? batch.bind(values)
                : List.of(((ModificationStatement) statement).bind(values));
        return writes.write(bound, consistency(cl), cl, parameters.timestampMicros(),
                !(statement instanceof BatchStatement b) ? CqlException.WriteType.SIMPLE
                        : b.type() == BatchStatement.Type.LOGGED ? CqlException.WriteType.BATCH
                        : CqlException.WriteType.UNLOGGED_BATCH);
    }

    // ---- DDL ----

    private CompletableFuture<CqlResult> changeSchema(SchemaStatement statement) {
        CompletableFuture<CqlResult> result = new CompletableFuture<>();
        SchemaChange[] made = new SchemaChange[1];
        node.changeSchema((before, micros) -> {
            SchemaChange change;
            try {
                change = statement.execute(NodeSchema.view(before, systemTables), micros);
            } catch (AlreadyExistsException e) {
                throw new SchemaException(SchemaException.Kind.ALREADY_EXISTS, e.keyspace(),
                        e.table().isEmpty() ? null : e.table(), e.getMessage());
            } catch (InvalidRequestException | IllegalArgumentException e) {
                throw new SchemaException(SchemaException.Kind.INVALID, null, null, e.getMessage());
            }
            made[0] = change;
            return change.applied() ? apply(before, change) : before;
        }, (changes, error) -> {
            if (error != null) {
                result.completeExceptionally(error(error));
            } else if (made[0] == null || !made[0].applied()) {
                result.complete(new CqlResult.Void());
            } else {
                result.complete(new CqlResult.SchemaChange(event(made[0]),
                        warnings(made[0], node.ring().replicationFactor())));
            }
        });
        return result;
    }

    /**
     * The statement's own warnings, and one when a keyspace asks for NetworkTopologyStrategy: the ring
     * has one datacenter today and places the sum of its factors with SimpleStrategy's walk.
     */
    static List<String> warnings(SchemaChange change, int clusterFactor) {
        List<String> warnings = new ArrayList<>(change.warnings());
        KeyspaceMetadata keyspace = change.keyspaceMetadata();
        if (change.target() == SchemaChange.Target.KEYSPACE && change.change() != SchemaChange.Change.DROPPED
                && keyspace != null && keyspace.replication().strategy() != Replication.Strategy.SIMPLE) {
            warnings.add("keyspace " + keyspace.name() + ": replication " + describe(keyspace.replication())
                    + " is recorded; ringdb has one datacenter and places "
                    + KeyspaceReplication.factorOf(keyspace.replication(), clusterFactor)
                    + " replicas clockwise on the ring, as SimpleStrategy does");
        }
        return warnings;
    }

    private static String describe(Replication replication) {
        return replication.strategy() == Replication.Strategy.SIMPLE
                ? "SimpleStrategy with replication_factor " + replication.replicationFactor()
                : "NetworkTopologyStrategy " + replication.datacenters();
    }

    private static Schema apply(Schema before, SchemaChange change) {
        boolean dropped = change.change() == SchemaChange.Change.DROPPED;
        if (change.target() == SchemaChange.Target.KEYSPACE) {
            return dropped ? SchemaStatements.dropKeyspace(before, change.keyspace(), true, change.atMicros())
                    : SchemaStatements.putKeyspace(before, change.keyspaceMetadata());
        }
        return dropped ? SchemaStatements.dropTable(before, change.keyspace(), change.table(), true,
                change.atMicros()) : SchemaStatements.putTable(before, change.tableMetadata());
    }

    private static SchemaChangeEvent event(SchemaChange change) {
        SchemaChangeEvent.Change kind = SchemaChangeEvent.Change.valueOf(change.change().name());
        return change.target() == SchemaChange.Target.KEYSPACE ? SchemaChangeEvent.keyspace(kind, change.keyspace())
                : SchemaChangeEvent.table(kind, change.keyspace(), change.table());
    }

    /** The protocol event of a change of the node's catalog (a statement here or a peer's schema merged). */
    public static SchemaChangeEvent event(ringdb.core.catalog.SchemaChange change) {
        SchemaChangeEvent.Change kind = SchemaChangeEvent.Change.valueOf(change.type().name());
        return change.target() == ringdb.core.catalog.SchemaChange.Target.KEYSPACE
                ? SchemaChangeEvent.keyspace(kind, change.keyspace())
                : SchemaChangeEvent.table(kind, change.keyspace(), change.table());
    }

    // ---- values, consistency, errors ----

    private static List<CqlColumn> columns(List<ColumnSpec> specs) {
        List<CqlColumn> out = new ArrayList<>();
        for (ColumnSpec s : specs) {
            out.add(new CqlColumn(s.keyspace(), s.table(), s.name(), s.type()));
        }
        return out;
    }

    private static BindValues positional(List<ByteBuffer> values) {
        byte[][] out = new byte[values.size()][];
        BitSet unset = null;
        for (int i = 0; i < out.length; i++) {
            ByteBuffer v = values.get(i);
            if (v == QueryParameters.UNSET) {
                unset = unset == null ? new BitSet() : unset;
                unset.set(i);
            }
            out[i] = v == null || v == QueryParameters.UNSET ? null : bound(v);
        }
        return BindValues.handedOver(out, unset);
    }

    private static BindValues values(List<ColumnSpec> variables, QueryParameters parameters) {
        if (parameters.namedValues().isEmpty()) {
            return positional(parameters.positionalValues());
        }
        Map<String, byte[]> byName = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        BitSet unset = new BitSet();
        for (Map.Entry<String, ByteBuffer> e : parameters.namedValues().entrySet()) {
            if (e.getValue() == QueryParameters.UNSET) {
                unset.set(names.size());
            }
            names.add(e.getKey());
            byName.put(e.getKey(), e.getValue() == null || e.getValue() == QueryParameters.UNSET ? null
                    : bound(e.getValue()));
        }
        return BindValues.named(byName, unset, names, variables);
    }

    /**
     * A bound value's bytes: the array of a buffer that is exactly one whole array (as the frame decoder
     * makes each value, a fresh array of its own), else a copy.
     */
    private static byte[] bound(ByteBuffer value) {
        if (value.hasArray() && !value.isReadOnly() && value.arrayOffset() == 0 && value.position() == 0
                && value.remaining() == value.array().length) {
            return value.array();
        }
        return bytes(value);
    }

    static byte[] bytes(ByteBuffer value) {
        byte[] out = new byte[value.remaining()];
        value.duplicate().get(out);
        return out;
    }

    /** ringdb's consistency level for a request's: one datacenter, so LOCAL_ levels are the plain ones. */
    static ConsistencyLevel consistency(CqlConsistency cl) {
        return switch (cl) {
            case ONE, LOCAL_ONE, ANY -> ConsistencyLevel.ONE;
            case QUORUM, LOCAL_QUORUM, EACH_QUORUM -> ConsistencyLevel.QUORUM;
            case TWO -> ConsistencyLevel.TWO;
            case THREE -> ConsistencyLevel.THREE;
            case ALL -> ConsistencyLevel.ALL;
            default -> throw CqlException.invalid("consistency level " + cl + " is not supported; use ONE, TWO, "
                    + "THREE, QUORUM, ALL, LOCAL_ONE or LOCAL_QUORUM");
        };
    }

    /** The protocol error of a coordinator's failed result. */
    static CqlException failure(ClientResult result, CqlConsistency cl, CqlException.WriteType writeType) {
        if (result instanceof ClientResult.Unavailable u) {
            return CqlException.unavailable(cl, u.required(), u.alive());
        }
        if (result instanceof ClientResult.Timeout t) {
            return writeType != null ? CqlException.writeTimeout(cl, t.received(), t.required(), writeType)
                    : CqlException.readTimeout(cl, t.received(), t.required(), t.received() > 0);
        }
        if (result instanceof ClientResult.Invalid invalid) {
            return CqlException.invalid(invalid.message());
        }
        return CqlException.server(result instanceof ClientResult.Failed f ? f.message() : String.valueOf(result));
    }

    /** The protocol error of what a statement threw. */
    static CqlException error(Throwable thrown) {
        Throwable e = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (e instanceof CqlException cql) {
            return cql;
        }
        if (e instanceof CqlSyntaxException) {
            return CqlException.syntax(e.getMessage());
        }
        if (e instanceof AlreadyExistsException exists) {
            return CqlException.alreadyExists(exists.keyspace(), exists.table(), e.getMessage());
        }
        if (e instanceof SchemaException schema) {
            return schema.kind() == SchemaException.Kind.ALREADY_EXISTS
                    ? CqlException.alreadyExists(schema.keyspace(), schema.table(), e.getMessage())
                    : CqlException.invalid(e.getMessage());
        }
        if (e instanceof InvalidRequestException || e instanceof IllegalArgumentException) {
            return CqlException.invalid(e.getMessage());
        }
        return CqlException.server(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** Runs {@code call} on the node's thread; what it throws or fails with becomes a protocol error. */
    private <T> CompletionStage<T> onNode(Supplier<CompletableFuture<T>> call) {
        if (nodeThread.isNodeThread()) {
            return run(call);
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        nodeThread.execute(() -> run(call).whenComplete((value, error) -> {
            if (error != null) {
                out.completeExceptionally(error);
            } else {
                out.complete(value);
            }
        }));
        return out;
    }

    /**
     * Runs {@code call} here, on the node's thread: its own result when answered at once (a read from memory: no
     * other stage made), else a stage of it whose failure is a protocol error.
     */
    private <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(error(e));
        }
        if (result.isDone() && !result.isCompletedExceptionally()) {
            return result;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        result.whenComplete((value, error) -> {
            if (error != null) {
                out.completeExceptionally(error(error));
            } else {
                out.complete(value);
            }
        });
        return out;
    }
}
