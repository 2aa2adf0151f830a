package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.server.audit.AuditCategory;

/** Which CQL statements the audit log records, under which category, and that passwords never reach it. */
class CqlAuditingTest {
    @Test
    void schemaStatementsAreDdlAndRoleStatementsDcl() {
        assertThat(CqlAuditing.category("CREATE TABLE app.kv (k text PRIMARY KEY)")).isEqualTo(AuditCategory.DDL);
        assertThat(CqlAuditing.category("  -- a comment\n/* another */ alter table t ADD c int"))
                .isEqualTo(AuditCategory.DDL);
        assertThat(CqlAuditing.category("DROP KEYSPACE app")).isEqualTo(AuditCategory.DDL);
        assertThat(CqlAuditing.category("TRUNCATE app.kv")).isEqualTo(AuditCategory.DDL);
        assertThat(CqlAuditing.category("CREATE ROLE alice WITH PASSWORD = 'x'")).isEqualTo(AuditCategory.DCL);
        assertThat(CqlAuditing.category("drop user bob")).isEqualTo(AuditCategory.DCL);
        assertThat(CqlAuditing.category("GRANT SELECT ON KEYSPACE app TO alice")).isEqualTo(AuditCategory.DCL);
        assertThat(CqlAuditing.category("REVOKE MODIFY ON app.kv FROM alice")).isEqualTo(AuditCategory.DCL);
        assertThat(CqlAuditing.category("LIST ROLES")).isEqualTo(AuditCategory.DCL);
        assertThat(CqlAuditing.category("SELECT * FROM app.kv")).isNull();
        assertThat(CqlAuditing.category("INSERT INTO app.kv (k) VALUES ('CREATE')")).isNull();
        assertThat(CqlAuditing.category("USE app")).isNull();
        assertThat(CqlAuditing.category("")).isNull();
    }

    @Test
    void passwordsAreMasked() {
        assertThat(CqlAuditing.masked("CREATE ROLE alice WITH PASSWORD = 'it''s secret' AND LOGIN = true"))
                .isEqualTo("CREATE ROLE alice WITH PASSWORD = '*****' AND LOGIN = true")
                .doesNotContain("secret");
        assertThat(CqlAuditing.masked("CREATE USER bob WITH password 'pw' SUPERUSER"))
                .isEqualTo("CREATE USER bob WITH password '*****' SUPERUSER");
        assertThat(CqlAuditing.masked("ALTER ROLE carol WITH HASHED PASSWORD = $$h$a$h$$")).doesNotContain("h$a$h");
        assertThat(CqlAuditing.masked("x".repeat(5000))).hasSize(CqlAuditing.OPERATION_CHARS_MAX + 3);
    }

    @Test
    void theUserOfAPlainTokenIsReadButNotItsPassword() {
        assertThat(CqlAuditing.plainUser("\0alice\0secret".getBytes(StandardCharsets.UTF_8))).isEqualTo("alice");
        assertThat(CqlAuditing.plainUser("admin\0alice\0secret".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("alice");
        assertThat(CqlAuditing.plainUser("garbage".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(CqlAuditing.plainUser(new byte[0])).isNull();
    }
}
