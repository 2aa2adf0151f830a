#!/usr/bin/env python3
"""Password authentication and permissions with the Cassandra Python driver against a ringdb node.

Usage: auth.py HOST PORT USER, with the superuser's password in the environment variable
RINGDB_PASSWORD (never on the command line). The node runs PasswordAuthenticator and
CassandraAuthorizer. Checks: PlainTextAuthProvider logs in; a wrong password is refused with
AuthenticationFailed; a role without MODIFY is refused (Unauthorized) and nothing is written; after
GRANT MODIFY the write goes through. Exits 0 when every check passes, 1 otherwise.
"""
import os
import sys
import uuid

from cassandra import Unauthorized
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable
from cassandra.policies import WhiteListRoundRobinPolicy


def check(what, got, expected):
    if got != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, got))
    print("ok  %s" % what)


def connect(host, port, user, password):
    cluster = Cluster([host], port=port, protocol_version=4,
                      auth_provider=PlainTextAuthProvider(username=user, password=password),
                      load_balancing_policy=WhiteListRoundRobinPolicy([host]),
                      connect_timeout=10, control_connection_timeout=10)
    return cluster, cluster.connect()


def main():
    host, port, user = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    password = os.environ["RINGDB_PASSWORD"]
    admin_cluster, admin = connect(host, port, user, password)
    check("the superuser logs in", admin.execute("SELECT key FROM system.local").one().key, "local")

    try:
        connect(host, port, user, "not-the-password")
        raise AssertionError("a wrong password was accepted")
    except NoHostAvailable as e:
        errors = list(e.errors.values())
        text = " ".join(str(x) for x in errors)
        check("a wrong password is refused as AuthenticationFailed",
              any(type(x).__name__ == "AuthenticationFailed" for x in errors), True)
        check("the refusal says why", "password are incorrect" in text, True)

    keyspace = "py_auth_" + uuid.uuid4().hex[:8]
    role = "py_writer_" + uuid.uuid4().hex[:8]
    admin.execute("CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
                  % keyspace)
    admin.execute("CREATE TABLE %s.notes (id int PRIMARY KEY, body text)" % keyspace)
    admin.execute("CREATE ROLE %s WITH PASSWORD = 'writer-pw' AND LOGIN = true" % role)
    admin.execute("GRANT SELECT ON KEYSPACE %s TO %s" % (keyspace, role))
    writer_cluster, writer = connect(host, port, role, "writer-pw")
    try:
        writer.execute("INSERT INTO %s.notes (id, body) VALUES (1, 'x')" % keyspace)
        raise AssertionError("a role without MODIFY wrote")
    except Unauthorized as e:
        check("a role without MODIFY is refused with Unauthorized naming it", role in str(e), True)
    check("nothing was written", writer.execute("SELECT * FROM %s.notes WHERE id = 1" % keyspace).one(), None)
    admin.execute("GRANT MODIFY ON KEYSPACE %s TO %s" % (keyspace, role))
    writer.execute("INSERT INTO %s.notes (id, body) VALUES (1, 'x')" % keyspace)
    check("after GRANT MODIFY the write goes through",
          admin.execute("SELECT body FROM %s.notes WHERE id = 1" % keyspace).one().body, "x")
    writer_cluster.shutdown()
    admin_cluster.shutdown()
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report any failure as the suite's
        print("FAILED: %r" % (e,), file=sys.stderr)
        sys.exit(1)
