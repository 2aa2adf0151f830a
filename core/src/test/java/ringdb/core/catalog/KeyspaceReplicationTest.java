package ringdb.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;

class KeyspaceReplicationTest {
    private static final int CLUSTER_RF = 3;

    private static Schema withKeyspace(Schema schema, String name, int rf) {
        Schema s = SchemaStatements.createKeyspace(schema, name, Replication.simple(rf), false, 10);
        return SchemaStatements.createTable(s, new TableDefinition(name, "t",
                List.of(new TableDefinition.Column("k", CqlTypes.TEXT)), List.of(), List.of(),
                List.of(new TableDefinition.Column("v", CqlTypes.TEXT)), 0, null), false, 11);
    }

    private static byte[] keyOf(TableMetadata table) {
        return ByteBuffer.allocate(1 + StorageKeys.TABLE_ID_BYTES + 3).put((byte) StorageKeys.TABLE)
                .putLong(table.id().getMostSignificantBits()).putLong(table.id().getLeastSignificantBits())
                .put((byte) 'x').put((byte) 0).put((byte) 2).array();
    }

    @Test
    void eachTableKeyHasItsKeyspacesFactorAndEverythingElseTheClusters() {
        Schema schema = withKeyspace(withKeyspace(withKeyspace(Schema.empty(CLUSTER_RF), "one", 1), "two", 2),
                "three", 3);
        Schema[] current = {schema};
        KeyspaceReplication placement = new KeyspaceReplication(CLUSTER_RF, () -> current[0]);
        assertEquals(1, placement.factorOfKey(keyOf(schema.table("one", "t"))));
        assertEquals(2, placement.factorOfKey(keyOf(schema.table("two", "t"))));
        assertEquals(3, placement.factorOfKey(keyOf(schema.table("three", "t"))));
        assertEquals(3, placement.factorOfKey(StorageKeys.kv(new byte[] {1, 2})), "the key-value table");
        assertEquals(List.of(1, 2, 3), placement.factors());
        // an ALTER that raises the factor is seen at the next call
        current[0] = SchemaStatements.putKeyspace(schema, new KeyspaceMetadata("one",
                Replication.simple(3), 20));
        assertEquals(3, placement.factorOfKey(keyOf(schema.table("one", "t"))));
        assertEquals(List.of(2, 3), placement.factors());
        assertEquals(List.of(3), KeyspaceReplication.uniform(3).factors());
    }

    @Test
    void onlyTheKeysOfATableTheSchemaKnowsAsDroppedAreDroppedKeys() {
        Schema schema = withKeyspace(withKeyspace(Schema.empty(CLUSTER_RF), "one", 1), "two", 2);
        Schema[] current = {schema};
        KeyspaceReplication placement = new KeyspaceReplication(CLUSTER_RF, () -> current[0]);
        byte[] one = keyOf(schema.table("one", "t"));
        byte[] two = keyOf(schema.table("two", "t"));
        assertFalse(placement.hasDroppedTables());
        assertFalse(placement.isDroppedKey(one));
        current[0] = SchemaStatements.dropKeyspace(schema, "one", false, 20);
        assertTrue(placement.hasDroppedTables());
        assertTrue(placement.isDroppedKey(one), "its keyspace was dropped");
        assertFalse(placement.isDroppedKey(two));
        assertFalse(placement.isDroppedKey(StorageKeys.kv(new byte[] {1, 2})), "the key-value table");
        assertFalse(KeyspaceReplication.uniform(3).isDroppedKey(one), "no schema: not known");
    }

    @Test
    void aKeyspaceAskingMoreThanTheClusterPlacesIsRefusedWithBothNumbers() {
        Schema before = Schema.empty(CLUSTER_RF);
        Schema after = SchemaStatements.createKeyspace(before, "big", Replication.simple(5), false, 10);
        SchemaException refusal = SchemaService.replicationRefusal(before, after, Schema.changes(before, after),
                CLUSTER_RF);
        assertNotNull(refusal);
        assertEquals(SchemaException.Kind.INVALID, refusal.kind());
        assertTrue(refusal.getMessage().contains("replication_factor 5"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("at most 3"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("replication_factor server setting"), refusal.getMessage());
        Schema ok = SchemaStatements.createKeyspace(before, "ok", Replication.simple(3), false, 10);
        assertNull(SchemaService.replicationRefusal(before, ok, Schema.changes(before, ok), CLUSTER_RF));
        Schema nts = SchemaStatements.createKeyspace(before, "nts", Replication.networkTopology(Map.of("dc1", 4)),
                false, 10);
        assertNotNull(SchemaService.replicationRefusal(before, nts, Schema.changes(before, nts), CLUSTER_RF));
        Schema altered = SchemaStatements.putKeyspace(ok, new KeyspaceMetadata("ok",
                Replication.simple(4), 20));
        assertNotNull(SchemaService.replicationRefusal(ok, altered, Schema.changes(ok, altered), CLUSTER_RF));
    }
}
