#!/usr/bin/env bash
# ringdb and Apache Cassandra 5.0.6 side by side on this machine, like for like: the same CQL YCSB
# binding (ringdb.bench.ycsb.CqlClient, 'ringdb bench cluster --protocol cql'), the same table
# usertable(y_id text PRIMARY KEY, field0..field9 text) in keyspace ycsb, the same workloads (A: 50/50
# read/update, C: reads), records, threads, key distribution and consistency levels, against NODES
# nodes on 127.0.0.1..NODES (one address each, the same ports), RF 1 for one node and 2 otherwise.
# Each database gets a load, a warm-up round (not counted), then measured rounds of SECONDS; both
# tables and the ratios ringdb/Cassandra are printed at the end.
#
# Cassandra is fetched once from Maven Central (org.apache.cassandra:cassandra-all and its
# dependencies, with 'mvn dependency:copy-dependencies') into CASSANDRA_CACHE, outside the checkout,
# and run as a plain Java process with the JVM options of its jvm17-server.options.
#
# Durability differs unless told otherwise: Cassandra runs its default commit log, 'periodic' (acks
# before fsync, syncs every 10 s); ringdb runs RINGDB_COMMITLOG_SYNC, 'group' by default (fsync
# before the ack). RINGDB_COMMITLOG_SYNC=periodic matches Cassandra's.
#
# Usage: bench/scripts/vs-cassandra.sh [NODES=1] [SECONDS=60] [WORK_DIR=/tmp/ringdb-vs-cassandra]
# Environment: RECORDS (100000), THREADS (32), WARMUP_SECONDS (30), HEAP (2g, each node of either),
# LEVELS ("ONE" for 1 node, "ONE QUORUM" otherwise), WORKLOADS ("A C"), ONLY (both|cassandra|ringdb),
# CASSANDRA_CACHE (~/.cache/ringdb/cassandra-5.0.6), RINGDB_COMMITLOG_SYNC (group), JAR (the ringdb-all jar),
# CQL_PORT (19042), INTERNODE_PORT (17000, Cassandra's storage_port too), HTTP_PORT (18080): the same on every
# address, away from the defaults so that a cluster someone else runs on 127.0.0.1 is not hit.
set -euo pipefail
nodes=${1:-1}
seconds=${2:-60}
work=${3:-/tmp/ringdb-vs-cassandra}
records=${RECORDS:-100000}
threads=${THREADS:-32}
warmup=${WARMUP_SECONDS:-30}
heap=${HEAP:-2g}
workloads=${WORKLOADS:-A C}
only=${ONLY:-both}
sync=${RINGDB_COMMITLOG_SYNC:-group}
version=5.0.6
cache=${CASSANDRA_CACHE:-$HOME/.cache/ringdb/cassandra-$version}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar=${JAR:-$here/cli/target/ringdb-all.jar}
java=${JAVA:-java}
rf=$(( nodes > 1 ? 2 : 1 ))
levels=${LEVELS:-$([ "$nodes" -gt 1 ] && echo "ONE QUORUM" || echo "ONE")}
start_wait_seconds=180
cql_port=${CQL_PORT:-19042}
internode_port=${INTERNODE_PORT:-17000}
http_port=${HTTP_PORT:-18080}

if [ "$nodes" -lt 1 ] || [ "$nodes" -gt 9 ]; then echo "NODES must be 1..9, got $nodes" >&2; exit 2; fi
[ -f "$jar" ] || { echo "no ringdb jar at $jar: build it with 'mvn -B -q -DskipTests package'" >&2; exit 2; }
ringdb() { "$java" -jar "$jar" "$@"; }

pids=()
stop_all() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]:-}"; do
    [ -z "$pid" ] && continue
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  pids=()
}
trap stop_all EXIT INT TERM

fetch_cassandra() {
  if [ -f "$cache/lib/cassandra-all-$version.jar" ]; then return; fi
  echo "fetching Apache Cassandra $version and its dependencies into $cache (once)"
  mkdir -p "$cache"
  cat > "$cache/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>cassandra-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$cache" && mvn -B -q dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime)
}

# Waits until HOST:PORT accepts connections, at most SECONDS; fails with the log's tail otherwise.
wait_port() {
  local host=$1 port=$2 limit=$3 log=$4 pid=$5
  for _ in $(seq 1 "$limit"); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "process $pid ended; its log:" >&2; tail -30 "$log" >&2; return 1; fi
    sleep 1
  done
  echo "no CQL on $host:$port after $limit s; the log:" >&2; tail -30 "$log" >&2; return 1
}

# Waits until the node at HOST sees COUNT peers in system.peers (asked through 'ringdb cql').
wait_peers() {
  local host=$1 count=$2
  for _ in $(seq 1 60); do
    if ringdb cql --host "$host:$cql_port" -e "SELECT peer FROM system.peers" 2>/dev/null | grep -q "^($count rows)"; then
      return 0
    fi
    sleep 2
  done
  echo "$host does not see $count peers after 120 s" >&2; return 1
}

start_cassandra() {
  fetch_cassandra
  local seeds="127.0.0.1:$internode_port"
  local jvm=(-Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1
    -XX:G1HeapRegionSize=16m -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300
    -XX:InitiatingHeapOccupancyPercent=70 -Djdk.attach.allowAttachSelf=true
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
    -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11 -Djava.net.preferIPv4Stack=true
    -javaagent:"$(ls "$cache"/lib/jamm-*.jar | head -1)"
    -Dcassandra-foreground=yes -Dcassandra.skip_wait_for_gossip_to_settle=0)
  for i in $(seq 1 "$nodes"); do
    local dir="$work/cassandra/node$i" address="127.0.0.$i"
    mkdir -p "$dir/data" "$dir/logs"
    cat > "$dir/cassandra.yaml" <<EOF
cluster_name: vs
num_tokens: 16
allocate_tokens_for_local_replication_factor: $rf
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
data_file_directories: ["$dir/data/data"]
commitlog_directory: $dir/data/commitlog
saved_caches_directory: $dir/data/saved_caches
hints_directory: $dir/data/hints
cdc_raw_directory: $dir/data/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seeds"
listen_address: $address
rpc_address: $address
storage_port: $internode_port
native_transport_port: $cql_port
endpoint_snitch: SimpleSnitch
auto_bootstrap: false
EOF
    cat > "$dir/logback.xml" <<EOF
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$dir/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
EOF
    "$java" "${jvm[@]}" -Dcassandra.config="file://$dir/cassandra.yaml" -Dcassandra.storagedir="$dir/data" \
      -Dcassandra.logdir="$dir/logs" -Dlogback.configurationFile="$dir/logback.xml" \
      -cp "$cache/lib/*" org.apache.cassandra.service.CassandraDaemon > "$dir/logs/stdout.log" 2>&1 &
    pids+=($!)
    echo "started Cassandra $version node$i on $address (pid $!), log $dir/logs/system.log"
    wait_port "$address" "$cql_port" "$start_wait_seconds" "$dir/logs/system.log" "$!"
  done
  [ "$nodes" -gt 1 ] && wait_peers 127.0.0.1 $((nodes - 1))
  return 0
}

start_ringdb() {
  for i in $(seq 1 "$nodes"); do
    local dir="$work/ringdb/node$i" address="127.0.0.$i"
    mkdir -p "$dir"
    "$java" -Xms"$heap" -Xmx"$heap" -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError -jar "$jar" server \
      --cluster-name vs --listen-address "$address" --internode-port "$internode_port" --http-address "$address" \
      --http-port "$http_port" --native-transport-port "$cql_port" --seeds "127.0.0.1:$internode_port" \
      --data-directory "$dir/data" \
      --replication-factor "$rf" --commitlog-sync "$sync" > "$dir/node.log" 2>&1 &
    pids+=($!)
    echo "started ringdb node$i on $address (pid $!), commitlog_sync $sync, log $dir/node.log"
    wait_port "$address" "$cql_port" "$start_wait_seconds" "$dir/node.log" "$!"
  done
  [ "$nodes" -gt 1 ] && wait_peers 127.0.0.1 $((nodes - 1))
  return 0
}

# Runs the workloads against the running database; results as JSON in $work/results/NAME-*.json.
run_rounds() {
  local name=$1 hosts
  hosts=$(seq -s, -f "127.0.0.%g:$cql_port" 1 "$nodes")
  mkdir -p "$work/results"
  echo "=== $name: load $records records, then a ${warmup}s warm-up of workload A (not counted); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  ringdb bench cluster --protocol cql --host "$hosts" --rf "$rf" --workload A --records "$records" \
    --threads "$threads" --duration "$warmup" --cl ONE --progress-seconds 10 | grep -v '^\[.*\] *[0-9]* s:' || true
  for cl in $levels; do
    for workload in $workloads; do
      echo "=== $name: workload $workload at $cl, ${seconds}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
      ringdb bench cluster --protocol cql --host "$hosts" --workload "$workload" --records "$records" --no-load \
        --threads "$threads" --duration "$seconds" --cl "$cl" --progress-seconds 10 \
        --json "$work/results/$name-$workload-$cl.json" | grep -v '^\[.*\] *[0-9]* s:' || true
    done
  done
}

rm -rf "$work/cassandra" "$work/ringdb" "$work/results"
mkdir -p "$work"
echo "vs-cassandra: $nodes node(s), RF $rf, $records records, $threads threads, workloads $workloads at $levels," \
  "${seconds}s rounds, heap $heap per node; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$only" != ringdb ]; then
  start_cassandra
  run_rounds cassandra
  stop_all
fi
if [ "$only" != cassandra ]; then
  start_ringdb
  run_rounds ringdb
  stop_all
fi

python3 - "$work/results" "$nodes" "$rf" "$sync" <<'EOF'
import json, os, sys
results, nodes, rf, sync = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def load(name):
    table = {}
    for f in sorted(os.listdir(results)):
        if f.startswith(name + "-") and f.endswith(".json"):
            _, workload, cl = f[:-5].split("-")
            run = json.load(open(os.path.join(results, f)))["run"]
            ops = {s["operation"]: s for s in run["operationStats"]}
            errors = sum(s["errors"] for s in run["operationStats"])
            table[(workload, cl)] = (run["throughputPerSecond"], ops, errors)
    return table
tables = {name: load(name) for name in ("cassandra", "ringdb")}
for name, table in tables.items():
    if not table:
        continue
    title = "Apache Cassandra 5.0.6 (commitlog periodic)" if name == "cassandra" else "ringdb (commitlog_sync %s)" % sync
    print("\n%s, %s node(s), RF %s" % (title, nodes, rf))
    print("%-9s %-7s %10s %12s %12s %8s" % ("workload", "CL", "ops/s", "read p99 ms", "upd p99 ms", "errors"))
    for (workload, cl), (ops, stats, errors) in sorted(table.items()):
        p99 = lambda op: "%.2f" % (stats[op]["p99Micros"] / 1000.0) if op in stats else "-"
        print("%-9s %-7s %10.0f %12s %12s %8d" % (workload, cl, ops, p99("READ"), p99("UPDATE"), errors))
if tables["cassandra"] and tables["ringdb"]:
    print("\nratio ringdb / Cassandra (throughput)")
    for key in sorted(tables["ringdb"]):
        if key in tables["cassandra"]:
            print("%-9s %-7s %6.2fx" % (key[0], key[1], tables["ringdb"][key][0] / tables["cassandra"][key][0]))
EOF
