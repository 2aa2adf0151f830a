#!/usr/bin/env python3
"""A CQL client suite with the Cassandra Python driver (Debian's python3-cassandra) against a ringdb node.

Usage: suite.py HOST PORT [VERSION] [--compression lz4]. Without VERSION the driver speaks protocol v4; with
it, the driver negotiates the version on its own and the suite checks it settled on VERSION. Without
--compression the connections are not compressed (the driver would otherwise pick lz4 whenever python3-lz4 is
installed); with it, every connection must have negotiated LZ4 (the driver fails to connect otherwise). Creates a keyspace of its own, then checks CRUD, prepared statements,
paging, a value larger than a v5 segment both ways, set and map collections, CONTAINS / CONTAINS KEY filters paged over token ranges, a logged
batch, TTL and a schema change seen by a second session. Exits 0 when
every check passes, 1 with the failed check on stderr otherwise.
"""
import sys
import time
import uuid

from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.policies import WhiteListRoundRobinPolicy
from cassandra.query import BatchStatement, BatchType, SimpleStatement


def check(what, got, expected):
    if got != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, got))
    print("ok  %s" % what)


PINNED = {"protocol_version": 4, "compression": False}


def connect(host, port):
    cluster = Cluster([host], port=port, load_balancing_policy=WhiteListRoundRobinPolicy([host]),
                      connect_timeout=10, control_connection_timeout=10, **PINNED)
    return cluster, cluster.connect()


def compressed_connections(cluster, session):
    """Whether the control connection and every pooled connection compress what they send."""
    connections = [cluster.control_connection._connection]
    for pool in session.get_pools():
        connections.extend(pool.get_connections())
    return all(c.compressor is not None for c in connections)


def large_value(session):
    session.execute("CREATE TABLE files (name text PRIMARY KEY, data blob)")
    data = bytes((i * 7919) % 251 for i in range(300000))
    insert = session.prepare("INSERT INTO files (name, data) VALUES (?, ?)")
    session.execute(insert, ("big", data))
    check("a 300 KB value written and read back whole",
          session.execute("SELECT data FROM files WHERE name = 'big'").one().data == data, True)


def crud(session):
    session.execute("CREATE TABLE people (id int PRIMARY KEY, name text, age int)")
    session.execute("INSERT INTO people (id, name, age) VALUES (1, 'ann', 30)")
    session.execute("INSERT INTO people (id, name, age) VALUES (2, 'bob', 40)")
    check("insert then select", session.execute("SELECT name, age FROM people WHERE id = 1").one(), ("ann", 30))
    session.execute("UPDATE people SET age = 31 WHERE id = 1")
    check("update one column", session.execute("SELECT age FROM people WHERE id = 1").one().age, 31)
    session.execute("DELETE FROM people WHERE id = 2")
    check("delete a row", session.execute("SELECT * FROM people WHERE id = 2").one(), None)
    try:
        session.execute("SELECT * FROM no_such_table WHERE id = 1")
        raise AssertionError("a read of an unknown table succeeded")
    except InvalidRequest:
        print("ok  unknown table is InvalidRequest")


def prepared_and_paging(session):
    session.execute("CREATE TABLE events (source text, seq int, body text, PRIMARY KEY (source, seq))")
    insert = session.prepare("INSERT INTO events (source, seq, body) VALUES (?, ?, ?)")
    for seq in range(500):
        session.execute(insert, ("s1", seq, "body%d" % seq))
    select = session.prepare("SELECT seq FROM events WHERE source = ?")
    result = session.execute(select, ("s1",))
    check("prepared read", result.one().seq, 0)
    statement = SimpleStatement("SELECT seq FROM events WHERE source = 's1'", fetch_size=50)
    first = session.execute(statement)
    check("a page holds the fetch size", len(first.current_rows), 50)
    check("paging state on a partial page", first.paging_state is not None, True)
    seqs = [row.seq for row in session.execute(statement)]
    check("paging reads every row in order", seqs, list(range(500)))


def collections(session):
    session.execute("CREATE TABLE bags (id int PRIMARY KEY, tags set<text>, scores map<text, int>)")
    session.execute("INSERT INTO bags (id, tags, scores) VALUES (1, {'a', 'b'}, {'x': 1})")
    session.execute("UPDATE bags SET tags = tags + {'c'}, scores['y'] = 2 WHERE id = 1")
    session.execute("UPDATE bags SET tags = tags - {'a'} WHERE id = 1")
    row = session.execute("SELECT tags, scores FROM bags WHERE id = 1").one()
    check("set add and remove", set(row.tags), {"b", "c"})
    check("map put", dict(row.scores), {"x": 1, "y": 2})


def contains_filters(session):
    session.execute("CREATE TABLE tagged (id int PRIMARY KEY, tags set<text>, attrs map<text, int>)")
    insert = session.prepare("INSERT INTO tagged (id, tags, attrs) VALUES (?, ?, ?)")
    for i in range(60):
        session.execute(insert, (i, {"t%d" % (i % 3)}, {"k%d" % (i % 4): i}))
    try:
        session.execute("SELECT id FROM tagged WHERE tags CONTAINS 't1'")
        raise AssertionError("CONTAINS without ALLOW FILTERING succeeded")
    except InvalidRequest as e:
        check("CONTAINS needs ALLOW FILTERING", "use ALLOW FILTERING" in str(e), True)
    statement = SimpleStatement("SELECT id FROM tagged WHERE tags CONTAINS 't1' ALLOW FILTERING", fetch_size=5)
    check("CONTAINS on a set, paged", sorted(row.id for row in session.execute(statement)),
          [i for i in range(60) if i % 3 == 1])
    by_key = session.prepare("SELECT id FROM tagged WHERE attrs CONTAINS KEY ? ALLOW FILTERING")
    by_key.fetch_size = 5
    check("CONTAINS KEY on a map, prepared", sorted(row.id for row in session.execute(by_key, ("k2",))),
          [i for i in range(60) if i % 4 == 2])
    ranged = session.prepare("SELECT id FROM tagged WHERE token(id) > ? AND token(id) <= ? "
                             "AND tags CONTAINS 't0' ALLOW FILTERING")
    ranged.fetch_size = 5
    ids = []
    for start, end in ((-2 ** 63, 0), (0, 2 ** 63 - 1)):
        ids.extend(row.id for row in session.execute(ranged, (start, end)))
    check("token ranges with a filter, paged, cover every match once", sorted(ids),
          [i for i in range(60) if i % 3 == 0])


def logged_batch(session):
    insert = session.prepare("INSERT INTO people (id, name, age) VALUES (?, ?, ?)")
    batch = BatchStatement(batch_type=BatchType.LOGGED)
    for i in range(10, 13):
        batch.add(insert, (i, "p%d" % i, i))
    session.execute(batch)
    check("a logged batch writes every partition",
          sorted(row.id for row in session.execute("SELECT id FROM people WHERE id IN (10, 11, 12)")), [10, 11, 12])


def ttl(session):
    session.execute("CREATE TABLE cache (k text PRIMARY KEY, v text)")
    session.execute("INSERT INTO cache (k, v) VALUES ('short', 'gone soon') USING TTL 2")
    session.execute("INSERT INTO cache (k, v) VALUES ('long', 'stays') USING TTL 1000")
    left = session.execute("SELECT ttl(v) FROM cache WHERE k = 'long'").one()[0]
    check("ttl() counts down from the TTL", 990 <= left <= 1000, True)
    deadline = time.time() + 15
    while session.execute("SELECT v FROM cache WHERE k = 'short'").one() is not None:
        if time.time() > deadline:
            raise AssertionError("a value written with TTL 2 still reads after 15 s")
        time.sleep(0.2)
    print("ok  a value expires after its TTL")


def schema_change_seen(host, port, keyspace, session):
    cluster2, other = connect(host, port)
    try:
        session.execute("CREATE TABLE %s.late (k int PRIMARY KEY, v int)" % keyspace)
        session.execute("INSERT INTO %s.late (k, v) VALUES (1, 7)" % keyspace)
        check("a second session reads the new table",
              other.execute("SELECT v FROM %s.late WHERE k = 1" % keyspace).one().v, 7)
        deadline = time.time() + 15
        while "late" not in cluster2.metadata.keyspaces[keyspace].tables:
            if time.time() > deadline:
                raise AssertionError("the second session's metadata never showed table late")
            time.sleep(0.2)
        print("ok  the second session's metadata shows the new table")
    finally:
        cluster2.shutdown()


def main():
    args = sys.argv[1:]
    compression = None
    if len(args) >= 2 and args[-2] == "--compression":
        compression = args[-1]
        args = args[:-2]
    if len(args) not in (2, 3) or compression not in (None, "lz4"):
        print("usage: suite.py HOST PORT [VERSION] [--compression lz4]", file=sys.stderr)
        return 2
    host, port = args[0], int(args[1])
    expected = int(args[2]) if len(args) == 3 else None
    if expected is not None:
        del PINNED["protocol_version"]
    if compression is not None:
        PINNED["compression"] = compression
    keyspace = "py_" + uuid.uuid4().hex[:8]
    cluster, session = connect(host, port)
    try:
        session.execute("CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', "
                        "'replication_factor': 1}" % keyspace)
        session.set_keyspace(keyspace)
        check("protocol version", cluster.protocol_version, expected if expected is not None else 4)
        check("connections compressed", compressed_connections(cluster, session), compression is not None)
        crud(session)
        large_value(session)
        prepared_and_paging(session)
        collections(session)
        contains_filters(session)
        logged_batch(session)
        ttl(session)
        schema_change_seen(host, port, keyspace, session)
    except Exception as e:  # report the failed check and fail
        print("FAILED: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    finally:
        cluster.shutdown()
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
