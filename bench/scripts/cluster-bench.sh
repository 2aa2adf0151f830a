#!/usr/bin/env bash
# Runs the YCSB figures of docs/server.md on this machine: a local cluster of NODES nodes (RF 2 when
# NODES > 1), 100k records of 10 x 100 bytes, zipfian keys, 32 threads, workloads A and C at ONE and
# QUORUM. Usage: bench/scripts/cluster-bench.sh [NODES=3] [SECONDS=60] [DIR=/tmp/ringdb-bench]
set -euo pipefail
nodes=${1:-3}
seconds=${2:-60}
dir=${3:-/tmp/ringdb-bench}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$here/cli/target/ringdb-all.jar"
ringdb() { java -jar "$jar" "$@"; }
rf=$(( nodes > 1 ? 2 : 1 ))
rm -rf "$dir"
trap 'ringdb cluster stop --dir "$dir" >/dev/null' EXIT
ringdb cluster start --dir "$dir" --nodes "$nodes" --rf "$rf" --internode-port 47000 --http-port 48080 --wait-seconds 60
hosts=$(seq -s, 0 $((nodes - 1)) | sed 's/\([0-9]*\)/127.0.0.1:$((48080+\1))/g')
hosts=$(eval echo "$hosts")
levels="ONE"; [ "$nodes" -gt 1 ] && levels="ONE QUORUM"
load="--records 100000"
first=1
for cl in $levels; do
  for workload in A C; do
    extra="--no-load"; [ $first = 1 ] && extra=""; first=0
    echo "=== $nodes node(s), RF $rf, workload $workload at $cl, ${seconds}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    ringdb bench cluster --host "$hosts" --workload $workload $load --threads 32 --duration "$seconds" --cl $cl \
        --progress-seconds 10 $extra --json "$dir/result-$nodes-$workload-$cl.json" | grep -v '^\[run\] *[0-9]* s:' || true
  done
done
