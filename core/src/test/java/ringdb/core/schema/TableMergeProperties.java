package ringdb.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CqlTypes;

/** Nodes that apply different ALTERs of one table converge to one definition whatever the merge order. */
class TableMergeProperties {
    record Alter(int node, boolean add, String column, boolean text, long micros) {
    }

    @Provide
    Arbitrary<List<Alter>> histories() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.of("a", "b", "c"), Arbitraries.of(true, false), Arbitraries.longs().between(101, 140))
                .as(Alter::new).list().ofMaxSize(12);
    }

    private static TableMetadata[] apply(List<Alter> history) {
        TableMetadata base = TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.INT)
                .clustering("c", CqlTypes.INT, false).regular("a", CqlTypes.INT).createdAt(100, 0).build();
        TableMetadata[] nodes = {base, base, base};
        for (Alter a : history) {
            try {
                TableMetadata t = nodes[a.node];
                nodes[a.node] = a.add ? t.withColumnAdded(a.column, a.text ? CqlTypes.TEXT : CqlTypes.INT, false,
                        a.micros) : t.withColumnDropped(a.column, a.micros);
            } catch (InvalidRequestException refused) {
                // that node refused the statement; nothing changed there
            }
        }
        return nodes;
    }

    @Property(tries = 500)
    void mergeIsCommutativeAssociativeAndIdempotent(@ForAll("histories") List<Alter> history) {
        TableMetadata[] n = apply(history);
        assertThat(n[0].merge(n[1])).isEqualTo(n[1].merge(n[0]));
        assertThat(n[0].merge(n[1]).merge(n[2])).isEqualTo(n[0].merge(n[1].merge(n[2])));
        assertThat(n[0].merge(n[0])).isEqualTo(n[0]);
        TableMetadata all = n[0].merge(n[1]).merge(n[2]);
        byte[] digest = SchemaSerializer.digest(List.of(), List.of(all));
        assertThat(SchemaSerializer.digest(List.of(), List.of(n[2].merge(n[0]).merge(n[1])))).isEqualTo(digest);
    }
}
