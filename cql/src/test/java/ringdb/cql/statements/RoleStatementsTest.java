package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.cql.MemorySchema;

/** The role and permission statements as the analyser makes them. */
class RoleStatementsTest {
    private static CqlStatement analyze(String cql) {
        return Analyzer.analyze(cql, "shop", new MemorySchema());
    }

    @Test
    void createRoleTakesItsOptions() {
        assertThat(analyze("CREATE ROLE IF NOT EXISTS Clerk WITH PASSWORD = 'it''s' AND LOGIN = true "
                + "AND SUPERUSER = false")).isEqualTo(new AuthStatement.CreateRole("clerk", true,
                new AuthStatement.RoleOptions("it's", true, false)));
        assertThat(analyze("CREATE USER 'Bob' WITH PASSWORD 'pw' SUPERUSER")).isEqualTo(
                new AuthStatement.CreateRole("Bob", false, new AuthStatement.RoleOptions("pw", true, true)));
        assertThat(analyze("ALTER ROLE clerk WITH PASSWORD = 'new'")).isEqualTo(new AuthStatement.AlterRole(
                "clerk", false, new AuthStatement.RoleOptions("new", null, null)));
        assertThat(analyze("DROP USER IF EXISTS bob")).isEqualTo(new AuthStatement.DropRole("bob", true));
    }

    @Test
    void grantsNameTheirResource() {
        assertThat(analyze("GRANT SELECT ON KEYSPACE shop TO clerk")).isEqualTo(new AuthStatement.GrantPermissions(
                true, EnumSet.of(Permission.SELECT), DataResource.keyspace("shop"), "clerk"));
        assertThat(analyze("REVOKE MODIFY PERMISSION ON orders FROM clerk")).isEqualTo(
                new AuthStatement.GrantPermissions(false, EnumSet.of(Permission.MODIFY),
                        DataResource.table("shop", "orders"), "clerk"));
        assertThat(analyze("GRANT ALL PERMISSIONS ON ALL KEYSPACES TO admin")).isEqualTo(
                new AuthStatement.GrantPermissions(true, Permission.all(), DataResource.ALL_KEYSPACES, "admin"));
        assertThat(analyze("GRANT clerk TO bob")).isEqualTo(new AuthStatement.GrantRole(true, "clerk", "bob"));
        assertThat(analyze("LIST ALL PERMISSIONS OF clerk NORECURSIVE")).isEqualTo(
                new AuthStatement.ListPermissions(Permission.all(), null, "clerk", false));
        assertThat(analyze("LIST ROLES")).isEqualTo(new AuthStatement.ListRoles(null, true, false));
    }

    @Test
    void resourcesHaveCassandrasNames() {
        assertThat(DataResource.table("shop", "orders").name()).isEqualTo("data/shop/orders");
        assertThat(DataResource.parse("data/shop")).isEqualTo(DataResource.keyspace("shop"));
        assertThat(DataResource.parse("data")).isEqualTo(DataResource.ALL_KEYSPACES);
        assertThat(DataResource.table("shop", "orders").parent()).isEqualTo(DataResource.keyspace("shop"));
        assertThat(DataResource.table("shop", "orders")).hasToString("<table shop.orders>");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> analyze("CREATE ROLE r WITH LOGIN = 'yes'"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("LOGIN must be true or false");
        assertThatThrownBy(() -> analyze("CREATE ROLE r WITH COLOUR = 'blue'"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Invalid role option: COLOUR");
        assertThatThrownBy(() -> analyze("CREATE ROLE r WITH PASSWORD = 'a' AND PASSWORD = 'b'"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Multiple definition");
    }

    @Test
    void newWordsStayIdentifiers() {
        for (String cql : new String[] {"SELECT * FROM system_schema.keyspaces", "SELECT role, user, all, list, "
                + "password, permissions, superuser FROM t", "CREATE TABLE users (user text PRIMARY KEY, roles int)"}) {
            assertThat(ringdb.cql.CqlParsing.parse(cql).statement()).as(cql).isNotNull();
        }
    }
}
