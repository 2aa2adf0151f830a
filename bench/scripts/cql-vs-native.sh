#!/usr/bin/env bash
# YCSB over CQL (the Cassandra Java driver, rows of ycsb.usertable) against ringdb's own native
# protocol (RingDbClient, rows of the same table through ROW_WRITE/ROW_READ), on one local node,
# alternated in one sitting: for each round, workload A native, A CQL, C native, C CQL. 100k records of 10 x 100 bytes, zipfian
# keys, 32 threads, CL ONE. Prints each run's throughput and the CQL/native ratios.
# Usage: bench/scripts/cql-vs-native.sh [SECONDS=60] [ROUNDS=1] [DIR=/tmp/ringdb-cql-vs-native]
set -euo pipefail
seconds=${1:-60}
rounds=${2:-1}
dir=${3:-/tmp/ringdb-cql-vs-native}
records=${RECORDS:-100000}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar=${JAR:-$here/cli/target/ringdb-all.jar}
ringdb() { java -jar "$jar" "$@"; }
rm -rf "$dir"
trap 'ringdb cluster stop --dir "$dir" >/dev/null' EXIT
ringdb cluster start --dir "$dir" --nodes 1 --rf 1 --internode-port 0 --http-port 0 --wait-seconds 60
http="127.0.0.1:$(sed -n 's/^http_port: *//p' "$dir/node1/ringdb.yaml")"
cql="127.0.0.1:$(sed -n 's/^native_transport_port: *//p' "$dir/node1/ringdb.yaml")"
echo "=== loading $records records both ways (native: $http, CQL: $cql)"
for protocol in native cql; do
  host=$http; [ "$protocol" = cql ] && host=$cql
  ringdb bench cluster --protocol "$protocol" --host "$host" --workload C --records "$records" --duration 5 \
    --progress-seconds 60 > "$dir/load-$protocol.log" 2>&1 || true
  grep -A2 '^\[load\]' "$dir/load-$protocol.log" | sed "s/^/$protocol /"
done
for round in $(seq 1 "$rounds"); do
  for workload in A C; do
    for protocol in native cql; do
      host=$http; [ "$protocol" = cql ] && host=$cql
      echo "=== round $round, workload $workload, $protocol, ${seconds}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
      ringdb bench cluster --protocol "$protocol" --host "$host" --workload "$workload" --records "$records" \
        --no-load --threads 32 --duration "$seconds" --cl ONE --progress-seconds 30 \
        --json "$dir/result-$round-$workload-$protocol.json" | grep -v '^\[run\] *[0-9]* s:' || true
    done
  done
done
python3 - "$dir" "$rounds" <<'EOF'
import json, sys
dir, rounds = sys.argv[1], int(sys.argv[2])
print("\n%-6s %-9s %12s %12s %7s" % ("round", "workload", "native ops/s", "CQL ops/s", "CQL/native"))
for r in range(1, rounds + 1):
    for w in ("A", "C"):
        ops = {p: json.load(open("%s/result-%d-%s-%s.json" % (dir, r, w, p)))["run"]["throughputPerSecond"]
               for p in ("native", "cql")}
        print("%-6d %-9s %12.0f %12.0f %6.0f%%" % (r, w, ops["native"], ops["cql"], 100 * ops["cql"] / ops["native"]))
EOF
