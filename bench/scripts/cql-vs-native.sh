#!/usr/bin/env bash
# YCSB over CQL (the Cassandra Java driver, rows of ycsb.usertable) against ringdb's own native
# protocol (RingDbClient, rows of the same table through ROW_WRITE/ROW_READ), on a local cluster of
# NODES nodes (RF 1 for one node, 2 otherwise; both clients get every node's address), alternated in
# one sitting: for each round, level and workload, native then CQL. 100k records of 10 x 100 bytes,
# zipfian keys, 32 threads. Prints each run's throughput and the CQL/native ratios, and where the CPU went:
# per operation, the CPU of the node processes together (/proc/PID/stat, user + sys, over the run) and of the
# benchmark's process (bash's 'time': its JVM start and connecting included, so short runs overstate it), and
# the coordinator requests that reached a replica of their partition or were forwarded (each node's /metrics,
# ringdb_coordinator_requests, summed over the nodes) and the share of partition reads the nodes' partition
# caches answered (ringdb_storage_partition_cache_hits and _misses).
# Usage: bench/scripts/cql-vs-native.sh [SECONDS=60] [ROUNDS=1] [DIR=/tmp/ringdb-cql-vs-native]
# Environment: NODES (1), LEVELS ("ONE" for one node, "ONE QUORUM" otherwise), RECORDS (100000), JAR,
# CLUSTER_FLAGS (extra flags of 'ringdb cluster start', e.g. --server-flag=--partitioner=murmur3).
set -euo pipefail
seconds=${1:-60}
rounds=${2:-1}
dir=${3:-/tmp/ringdb-cql-vs-native}
records=${RECORDS:-100000}
nodes=${NODES:-1}
rf=$(( nodes > 1 ? 2 : 1 ))
levels=${LEVELS:-$([ "$nodes" -gt 1 ] && echo "ONE QUORUM" || echo ONE)}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar=${JAR:-$here/cli/target/ringdb-all.jar}
ringdb() { java -jar "$jar" "$@"; }
rm -rf "$dir"
trap 'ringdb cluster stop --dir "$dir" >/dev/null' EXIT
ringdb cluster start --dir "$dir" --nodes "$nodes" --rf "$rf" --internode-port 0 --http-port 0 --wait-seconds 90 \
  ${CLUSTER_FLAGS:-}
addresses() { # setting name in each node's ringdb.yaml -> comma-separated 127.0.0.1:PORT list
  for i in $(seq 1 "$nodes"); do echo "127.0.0.1:$(sed -n "s/^$1: *//p" "$dir/node$i/ringdb.yaml")"; done | paste -sd,
}
http=$(addresses http_port)
cql=$(addresses native_transport_port)
pids=$(for i in $(seq 1 "$nodes"); do cat "$dir/node$i/ringdb.pid"; echo; done)
snapshot() { # -> "CPU_TICKS REPLICA FORWARDED HITS MISSES": the nodes' CPU, requests and cache reads so far
  local ticks=0 p
  for p in $pids; do ticks=$(( ticks + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done
  python3 - "$ticks" ${http//,/ } <<'PY'
import re, sys, urllib.request
count = {"replica": 0.0, "forwarded": 0.0, "hits": 0.0, "misses": 0.0}
for host in sys.argv[2:]:
    for line in urllib.request.urlopen("http://%s/metrics" % host, timeout=10).read().decode().splitlines():
        m = re.match(r'(?:ringdb_coordinator_requests\{.*placement="|ringdb_storage_partition_cache_)(\w+)\S* (\S+)$',
                     line)
        if m and m.group(1) in count:
            count[m.group(1)] += float(m.group(2))
print(sys.argv[1], " ".join(str(int(count[k])) for k in ("replica", "forwarded", "hits", "misses")))
PY
}
echo "=== loading $records records both ways (native: $http, CQL: $cql)"
for protocol in native cql; do
  host=$http; [ "$protocol" = cql ] && host=$cql
  ringdb bench cluster --protocol "$protocol" --host "$host" --workload C --records "$records" --duration 5 \
    --progress-seconds 60 > "$dir/load-$protocol.log" 2>&1 || true
  grep -A2 '^\[load\]' "$dir/load-$protocol.log" | sed "s/^/$protocol /"
done
for round in $(seq 1 "$rounds"); do
  for cl in $levels; do
    for workload in A C; do
      for protocol in native cql; do
        host=$http; [ "$protocol" = cql ] && host=$cql
        echo "=== round $round, $nodes node(s), $cl, workload $workload, $protocol, ${seconds}s," \
          "load average $(cut -d' ' -f1-3 /proc/loadavg)"
        name="$round-$cl-$workload-$protocol"
        before=$(snapshot)
        TIMEFORMAT='%U %S'
        { time ringdb bench cluster --protocol "$protocol" --host "$host" --workload "$workload" \
          --records "$records" --no-load --threads 32 --duration "$seconds" --cl "$cl" --progress-seconds 30 \
          --json "$dir/result-$name.json" | grep -v '^\[run\] *[0-9]* s:' || true; } 2> "$dir/time-$name.txt"
        echo "$before $(snapshot) $(tail -1 "$dir/time-$name.txt")" > "$dir/cpu-$name.txt"
      done
    done
  done
done
python3 - "$dir" "$rounds" "$(getconf CLK_TCK)" $levels <<'EOF'
import json, sys
dir, rounds, ticks, levels = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
print("\n%-6s %-7s %-9s %-7s %10s %17s %19s %10s %10s" % ("round", "level", "workload", "proto", "ops",
      "nodes CPU us/op", "client CPU us/op", "forwarded", "cache hit"))
for r in range(1, rounds + 1):
    for cl in levels:
        for w in ("A", "C"):
            for p in ("native", "cql"):
                ops = json.load(open("%s/result-%d-%s-%s-%s.json" % (dir, r, cl, w, p)))["run"]["operations"]
                c = open("%s/cpu-%d-%s-%s-%s.txt" % (dir, r, cl, w, p)).read().split()
                d = [int(c[i + 5]) - int(c[i]) for i in range(5)]  # CPU ticks, replica, forwarded, hits, misses
                print("%-6d %-7s %-9s %-7s %10d %17.1f %19.1f %9.0f%% %9.0f%%" % (r, cl, w, p, ops,
                      1e6 * d[0] / ticks / max(ops, 1), 1e6 * (float(c[10]) + float(c[11])) / max(ops, 1),
                      100 * d[2] / max(d[1] + d[2], 1), 100 * d[3] / max(d[3] + d[4], 1)))
print("\n%-6s %-7s %-9s %12s %12s %7s" % ("round", "level", "workload", "native ops/s", "CQL ops/s", "CQL/native"))
sums = {}
for r in range(1, rounds + 1):
    for cl in levels:
        for w in ("A", "C"):
            ops = {p: json.load(open("%s/result-%d-%s-%s-%s.json" % (dir, r, cl, w, p)))["run"]["throughputPerSecond"]
                   for p in ("native", "cql")}
            total = sums.setdefault((cl, w), [0.0, 0.0])
            total[0] += ops["native"]; total[1] += ops["cql"]
            print("%-6d %-7s %-9s %12.0f %12.0f %6.0f%%"
                  % (r, cl, w, ops["native"], ops["cql"], 100 * ops["cql"] / ops["native"]))
for (cl, w), (native, cql) in sums.items():
    print("%-6s %-7s %-9s %12.0f %12.0f %6.0f%%" % ("sum", cl, w, native, cql, 100 * cql / native))
EOF
