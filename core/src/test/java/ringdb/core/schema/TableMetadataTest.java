package ringdb.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CqlTypes;

class TableMetadataTest {

    static TableMetadata events(long createdAt) {
        return TableMetadata.builder("shop", "events")
                .partitionKey("user", CqlTypes.TEXT).partitionKey("day", CqlTypes.DATE)
                .clustering("at", CqlTypes.TIMEUUID, true).clustering("seq", CqlTypes.INT, false)
                .regular("payload", CqlTypes.BLOB).regular("tags", CqlTypes.set(CqlTypes.TEXT, false))
                .staticColumn("owner", CqlTypes.TEXT).defaultTimeToLiveSeconds(3600).createdAt(createdAt, 0)
                .build();
    }

    @Test
    void identifiersFollowCqlQuotingRules() {
        assertThat(Identifiers.parse("UserName")).isEqualTo("username");
        assertThat(Identifiers.parse("\"UserName\"")).isEqualTo("UserName");
        assertThat(Identifiers.parse("\"say \"\"hi\"\"\"")).isEqualTo("say \"hi\"");
        assertThat(Identifiers.quoteIfNeeded("UserName")).isEqualTo("\"UserName\"");
        assertThat(Identifiers.quoteIfNeeded("user_name")).isEqualTo("user_name");
        assertThat(Identifiers.quoteIfNeeded("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThatThrownBy(() -> Identifiers.parse("1abc")).hasMessageContaining("bad identifier '1abc'");
        assertThatThrownBy(() -> Identifiers.parse("\"a\"b\"")).hasMessageContaining("write a quote inside as \"\"");
        assertThatThrownBy(() -> Identifiers.checkSchemaName("a".repeat(49), "table"))
                .hasMessageContaining("use 1 to 48 letters, digits or underscores");
        assertThatThrownBy(() -> Identifiers.checkSchemaName("my-ks", "keyspace"))
                .hasMessageContaining("keyspace name 'my-ks' is not valid");
    }

    @Test
    void aTableNeedsAWellFormedPrimaryKey() {
        assertThatThrownBy(() -> TableMetadata.builder("ks", "t").regular("v", CqlTypes.INT).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs at least one partition key");
        assertThatThrownBy(() -> TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.INT)
                .regular("k", CqlTypes.INT)).hasMessageContaining("two columns named 'k'");
        assertThatThrownBy(() -> TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.list(CqlTypes.INT, false)))
                .hasMessageContaining("cannot be a non-frozen collection; use frozen<list<int>>");
        assertThatThrownBy(() -> TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.INT)
                .staticColumn("s", CqlTypes.INT).build()).hasMessageContaining("static column 's' needs a table with "
                + "clustering columns");
        assertThatThrownBy(() -> TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.INT)
                .defaultTimeToLiveSeconds(-1).build()).hasMessageContaining("default_time_to_live must be between 0");
        TableMetadata ok = TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.list(CqlTypes.INT, true))
                .build();
        assertThat(ok.partitionKey().get(0).type().cqlName()).isEqualTo("frozen<list<int>>");
    }

    @Test
    void aDroppedColumnHidesCellsWrittenUpToTheDropEvenAfterItComesBack() {
        TableMetadata t = events(100).withColumnDropped("payload", 500);
        assertThat(t.column("payload")).isNull();
        assertThatThrownBy(() -> t.columnOrThrow("payload")).hasMessage("table shop.events has no column 'payload'");
        assertThat(t.isLive("payload", 400)).isFalse();
        TableMetadata back = t.withColumnAdded("payload", CqlTypes.BLOB, false, 900);
        assertThat(back.isLive("payload", 500)).as("written at the drop time").isFalse();
        assertThat(back.isLive("payload", 501)).isTrue();
        assertThat(back.isLive("tags", 101)).isTrue();
        assertThat(back.isLive("nosuch", 101)).isFalse();
        assertThatThrownBy(() -> t.withColumnAdded("payload", CqlTypes.TEXT, false, 900))
                .hasMessage("column 'payload' was dropped as blob; it cannot come back as text");
        assertThatThrownBy(() -> t.withColumnAdded("payload", CqlTypes.BLOB, false, 500))
                .hasMessageContaining("can only be added again at a later timestamp");
        assertThatThrownBy(() -> t.withColumnDropped("seq", 600)).hasMessageContaining("part of the primary key");
        assertThatThrownBy(() -> back.withColumnAdded("tags", CqlTypes.INT, false, 1000))
                .hasMessage("table shop.events already has a column 'tags'");
    }

    @Test
    void serializationRoundTripsAndTheDigestSeesEveryChange() {
        TableMetadata t = events(100).withColumnDropped("payload", 500)
                .withColumnAdded("n", CqlTypes.VARINT, true, 600);
        byte[] bytes = SchemaSerializer.serialize(t);
        TableMetadata back = SchemaSerializer.deserializeTable(bytes);
        assertThat(SchemaSerializer.serialize(back)).isEqualTo(bytes);
        assertThat(back).isEqualTo(t);
        assertThat(back.clustering().get(0).descending()).isTrue();
        KeyspaceMetadata ks = new KeyspaceMetadata("shop", Replication.simple(3), 50);
        KeyspaceMetadata nts = new KeyspaceMetadata("geo", Replication.networkTopology(Map.of("b", 2, "a", 3)), 60);
        assertThat(SchemaSerializer.deserializeKeyspace(SchemaSerializer.serialize(nts))).isEqualTo(nts);
        byte[] digest = SchemaSerializer.digest(List.of(ks, nts), List.of(t));
        assertThat(SchemaSerializer.digest(List.of(nts, ks), List.of(back))).isEqualTo(digest);
        assertThat(SchemaSerializer.digest(List.of(ks, nts), List.of(t.withColumnDropped("n", 700))))
                .isNotEqualTo(digest);
        assertThat(SchemaSerializer.digest(List.of(ks), List.of(t))).isNotEqualTo(digest);
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> SchemaSerializer.deserializeTable(truncated)).hasMessageContaining("ends early");
        assertThatThrownBy(() -> Replication.simple(0)).hasMessageContaining("replication_factor must be between 1");
    }

    @Test
    void concurrentCreatesOfOneTableShareItsIdAndARecreatedTableGetsANewOne() {
        TableMetadata onNodeA = events(100);
        TableMetadata onNodeB = TableMetadata.builder("shop", "events").partitionKey("user", CqlTypes.TEXT)
                .regular("x", CqlTypes.INT).createdAt(130, 0).build();
        assertThat(onNodeA.id()).isEqualTo(onNodeB.id());
        assertThat(onNodeA.merge(onNodeB)).isEqualTo(onNodeB).isEqualTo(onNodeB.merge(onNodeA));
        TableMetadata recreated = TableMetadata.builder("shop", "events").partitionKey("user", CqlTypes.TEXT)
                .createdAt(900, 800).build();
        assertThat(recreated.id()).isNotEqualTo(onNodeA.id());
        assertThatThrownBy(() -> onNodeA.merge(recreated)).hasMessageContaining("cannot merge two different tables");
    }
}
