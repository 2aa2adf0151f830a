#!/usr/bin/env bash
# What TLS costs in throughput: two local clusters of NODES nodes (RF 2 when NODES > 1) side by side,
# one in plaintext and one started with 'ringdb cluster start --secure' (internode mutual TLS, client
# TLS with a client certificate, password authentication: the benchmark logs in as the superuser
# with the cluster's credentials file), each loaded with RECORDS records of 10 x 100 bytes; then
# ROUNDS rounds of YCSB A and C at ONE (32 threads, SECONDS each, native protocol) alternating the two clusters
# (plain then TLS in odd rounds, TLS then plain in even ones, so a drift of the machine's speed
# falls on both). Prints every run and, per workload, the median ops/s of each and TLS/plain.
# (RINGDB_JAR: the jar to run, default cli/target/ringdb-all.jar.)
# Usage: bench/scripts/tls-cost.sh [NODES=3] [SECONDS=30] [ROUNDS=3] [RECORDS=100000] [DIR=/tmp/ringdb-tls-bench]
set -euo pipefail
nodes=${1:-3}
seconds=${2:-30}
rounds=${3:-3}
records=${4:-100000}
dir=${5:-/tmp/ringdb-tls-bench}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${RINGDB_JAR:-$here/cli/target/ringdb-all.jar}"
ringdb() { java -jar "$jar" "$@"; }
rf=$(( nodes > 1 ? 2 : 1 ))
rm -rf "$dir"
mkdir -p "$dir"
trap 'ringdb cluster stop --dir "$dir/plain" >/dev/null 2>&1 || true; ringdb cluster stop --dir "$dir/tls" >/dev/null 2>&1 || true' EXIT
hosts() { local base=$1 list="" i; for i in $(seq 0 $((nodes - 1))); do list="$list${list:+,}127.0.0.1:$((base + i))"; done; echo "$list"; }
ringdb cluster start --dir "$dir/plain" --nodes "$nodes" --rf "$rf" --internode-port 47200 --http-port 48280 \
    --wait-seconds 300 >/dev/null
ringdb cluster start --dir "$dir/tls" --secure --nodes "$nodes" --rf "$rf" --internode-port 47300 --http-port 48380 \
    --wait-seconds 300 >/dev/null
certs="$dir/tls/certs"
declare -A target=(
  [plain]="--host $(hosts 48280)"
  [tls]="--host $(hosts 48380) --cacert $certs/ca.crt --cert $certs/clients/operator/client.crt --key $certs/clients/operator/client.key --credentials $dir/tls/credentials"
)
run() { # MODE WORKLOAD ROUND [EXTRA...]
  local mode=$1 workload=$2 round=$3; shift 3
  # shellcheck disable=SC2086
  ringdb bench cluster ${target[$mode]} --workload "$workload" --records "$records" --threads 32 --cl ONE \
      "$@" --json "$dir/result-$workload-$mode-$round.json" >"$dir/out-$workload-$mode-$round.txt" 2>&1 \
      || echo "($mode $workload round $round: the benchmark reported errors, see $dir/out-$workload-$mode-$round.txt)"
}
# A fresh client process is slow at first (its TLS code is not compiled yet, which on a loaded machine
# takes many seconds): each run lasts SECONDS more than the warm-up, and its figure is the operations
# counted by the progress lines after the warm-up, per second.
warmup=20
steady() {
  python3 - "$1" "$warmup" <<'PY'
import re, sys
points = [(float(m.group(1)), int(m.group(2))) for m in
          re.finditer(r"^\[run\]\s+(\d+) s: (\d+) ops", open(sys.argv[1]).read(), re.M)]
after = [p for p in points if p[0] >= float(sys.argv[2])]
print("%.0f" % ((after[-1][1] - after[0][1]) / (after[-1][0] - after[0][0])) if len(after) > 1 else "n/a")
PY
}
for mode in plain tls; do
  run "$mode" C load --duration 5 --progress-seconds 1000   # loads the records (and warms the nodes up)
done
echo "# $nodes nodes RF $rf, $records records, ${seconds}s runs, $rounds rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  order="plain tls"; [ $((round % 2)) = 0 ] && order="tls plain"
  for workload in A C; do
    for mode in $order; do
      run "$mode" "$workload" "$round" --no-load --duration $((seconds + warmup)) --progress-seconds 5
      echo "round $round $workload $mode $(steady "$dir/out-$workload-$mode-$round.txt") ops/s after ${warmup}s of warm-up ($(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.0f ops/s over the whole run, %d errors" % (r["run"]["throughputPerSecond"], sum(o["errors"] for o in r["run"]["operationStats"])))' "$dir/result-$workload-$mode-$round.json")), load average $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
python3 - "$dir" "$rounds" <<'PY'
import json, statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
def ops(w, m, r):
    import re
    text = open("%s/out-%s-%s-%d.txt" % (d, w, m, r)).read()
    points = [(float(a), int(b)) for a, b in re.findall(r"^\[run\]\s+(\d+) s: (\d+) ops", text, re.M)]
    after = [p for p in points if p[0] >= 20]
    return (after[-1][1] - after[0][1]) / (after[-1][0] - after[0][0])
for w in "AC":
    plain = [ops(w, "plain", r) for r in range(1, rounds + 1)]
    tls = [ops(w, "tls", r) for r in range(1, rounds + 1)]
    pairs = [t / p for t, p in zip(tls, plain)]
    print("workload %s: plain median %.0f ops/s, TLS median %.0f ops/s, TLS/plain %.2f (pairwise median %.2f, "
          "range %.2f-%.2f)" % (w, statistics.median(plain), statistics.median(tls),
                                statistics.median(tls) / statistics.median(plain), statistics.median(pairs),
                                min(pairs), max(pairs)))
PY
