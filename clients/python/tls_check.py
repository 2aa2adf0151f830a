#!/usr/bin/env python3
"""The Cassandra Python driver (Debian's python3-cassandra) over TLS against a ringdb node.

Usage: tls_check.py HOST PORT CA_CERT CLIENT_CERT CLIENT_KEY [USER PASSWORD]. Connects with an
ssl_context that trusts CA_CERT only, checks the node's certificate against HOST and presents the
client certificate (and, given USER and PASSWORD, logs in with the driver's PlainTextAuthProvider);
writes and reads a row. Then checks that a plaintext connection is refused (and, with a USER, that a
wrong password over TLS is refused). Exits 0 when every check passes, 1 with the failed check on
stderr otherwise.
"""
import ssl
import sys
import uuid

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable
from cassandra.policies import WhiteListRoundRobinPolicy


def check(what, got, expected):
    if got != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, got))
    print("ok  %s" % what)


def cluster(host, port, context, user=None, password=None):
    options = {"server_hostname": host} if context is not None else None
    auth = PlainTextAuthProvider(username=user, password=password) if user is not None else None
    return Cluster([host], port=port, protocol_version=4, ssl_context=context, ssl_options=options,
                   auth_provider=auth, load_balancing_policy=WhiteListRoundRobinPolicy([host]),
                   connect_timeout=10, control_connection_timeout=10)


def main():
    host, port, ca, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    user, password = (sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else (None, None)
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(certfile=cert, keyfile=key)
    secure = cluster(host, port, context, user, password)
    try:
        session = secure.connect()
        keyspace = "tls_" + uuid.uuid4().hex[:8]
        session.execute("CREATE KEYSPACE %s WITH replication = {'class':'SimpleStrategy','replication_factor':1}"
                        % keyspace)
        session.set_keyspace(keyspace)
        session.execute("CREATE TABLE kv (k text PRIMARY KEY, v text)")
        session.execute("INSERT INTO kv (k, v) VALUES ('k', 'over tls')")
        check("read back over TLS", session.execute("SELECT v FROM kv WHERE k = 'k'").one().v, "over tls")
    finally:
        secure.shutdown()
    plain = cluster(host, port, None)
    try:
        plain.connect()
        raise AssertionError("a plaintext connection to the TLS port was served")
    except NoHostAvailable:
        print("ok  plaintext refused")
    finally:
        plain.shutdown()
    if user is not None:
        wrong = cluster(host, port, context, user, password + "-wrong")
        try:
            wrong.connect()
            raise AssertionError("a wrong password over TLS was accepted")
        except NoHostAvailable as e:
            check("a wrong password over TLS is refused as bad credentials",
                  "are incorrect" in str(e), True)
        finally:
            wrong.shutdown()
    print("tls checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report any failure as the check that failed
        print("FAILED: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
