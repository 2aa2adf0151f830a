#!/usr/bin/env bash
# Before/after figures of two builds, alternated in one sitting (the machine is shared and noisy, so
# only figures measured together compare): `bench storage`, `bench sim` and YCSB workload A against
# a 1-node cluster started from the same jar. Prints every run, then the median of each figure per
# build. Usage: bench/scripts/compare-builds.sh BEFORE.jar AFTER.jar [ROUNDS=3] [DIR=/tmp/ringdb-compare]
set -euo pipefail
before="$1"; after="$2"; rounds="${3:-3}"; dir="${4:-/tmp/ringdb-compare}"
rm -rf "$dir"; mkdir -p "$dir"
results="$dir/results.tsv"; : > "$results"
record() { # label build figure-name value
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; echo "  $1 $2: $3"
}
free_ports() { # two free TCP ports on 127.0.0.1
  python3 -c 'import socket
socks = [socket.socket() for _ in range(2)]
for sock in socks: sock.bind(("127.0.0.1", 0))
print(*[sock.getsockname()[1] for sock in socks])'
}
stop_cluster() { java -jar "$1" cluster stop --dir "$dir/cluster" >/dev/null 2>&1 || true; }
trap 'stop_cluster "$after"; stop_cluster "$before"' EXIT
one_round() { # jar label
  local jar="$1" label="$2" out
  out=$(java -jar "$jar" bench storage --runs 1 --warmup-runs 1 --writes 100000 --reads 300000 \
        --replay-writes 100000 --compaction-writes 32768)
  record "$label" "storage GROUP puts/s" "$(echo "$out" | awk '/^put\/s +GROUP/ { gsub(",", "", $(NF-1)); print $(NF-1) }')"
  record "$label" "storage PERIODIC puts/s" "$(echo "$out" | awk '/^put\/s +PERIODIC/ { gsub(",", "", $(NF-1)); print $(NF-1) }')"
  record "$label" "storage point reads/s" "$(echo "$out" | awk '/^get\/s/ { gsub(",", "", $(NF-1)); print $(NF-1) }')"
  record "$label" "storage replay MB/s" "$(echo "$out" | awk '/^replay/ { print $(NF-1) }')"
  out=$(java -jar "$jar" bench sim --runs 1 --simulated-seconds 300)
  record "$label" "sim delivered messages/s per cpu s" "$(echo "$out" | awk '/^median:/ { gsub(/[(,]/, ""); print $5 }')"
  rm -rf "$dir/cluster"
  local ports internode http
  ports=$(free_ports); internode=${ports% *}; http=${ports#* }
  java -jar "$jar" cluster start --dir "$dir/cluster" --nodes 1 --rf 1 --internode-port "$internode" \
      --http-port "$http" --wait-seconds 60 >/dev/null
  out=$(java -jar "$jar" bench cluster --host "127.0.0.1:$http" --workload A --records 100000 --threads 32 \
        --duration 20 --progress-seconds 100 --json "$dir/ycsb.json")
  record "$label" "cluster 1 node YCSB A run ops/s" "$(python3 -c '
import json, sys
def phases(node):
    if isinstance(node, dict):
        if node.get("name") == "run" and "throughputPerSecond" in node:
            yield node
        for value in node.values():
            yield from phases(value)
    elif isinstance(node, list):
        for value in node:
            yield from phases(value)
print(round(next(phases(json.load(open(sys.argv[1]))))["throughputPerSecond"]))' "$dir/ycsb.json")"
  stop_cluster "$jar"
}
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds (load $(cut -d' ' -f1-3 /proc/loadavg))"
  if (( round % 2 )); then one_round "$before" before; one_round "$after" after
  else one_round "$after" after; one_round "$before" before; fi
done
echo "medians over $rounds rounds (after/before):"
awk -F'\t' '{ vals[$2, $1, ++n[$2, $1]] = $3; names[$2] = 1 }
  function median(name, label,   k, i, j, t, a) {
    k = n[name, label]; for (i = 1; i <= k; i++) a[i] = vals[name, label, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  END { for (name in names) { b = median(name, "before"); a = median(name, "after");
        printf "  %-36s before %12.1f  after %12.1f  ratio %.3f\n", name, b, a, (b > 0 ? a / b : 0) } }' "$results"
