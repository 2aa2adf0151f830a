#!/usr/bin/env bash
# What ring epochs and progress barriers cost, before/after, alternated in one sitting (the machine's speed
# drifts, so only figures measured together compare):
#  (a) latency of a write and of a read at QUORUM: one local cluster of 3 nodes (RF 3) per build, side by side,
#      each loaded with RECORDS records, then ROUNDS rounds of YCSB workload A (50 % reads, 50 % updates, zipfian)
#      for SECONDS each, alternating the two clusters (before then after in odd rounds, after then before in
#      even ones). Every run uses the SAME client, CLIENT_JAR's 'bench cluster' (default: BEFORE.jar), with
#      --fields 1, so each record is one value and each update a blind write of it: the requests on the wire are
#      identical and only the servers differ. Figures: READ and UPDATE p50/p99 (ms) and ops/s of the whole run.
#  (b) the time a join takes for real: 'ringdb bench bootstrap' (3 -> 4 real processes on loopback, RF 2,
#      BOOT_MIB MiB per node, default ring delay) with each jar, ROUNDS times alternated; figures: the new node's
#      process start -> NORMAL, and when every node sees all 4 NORMAL.
#  (c) the time a join takes in the simulator: 'ringdb bench streaming' (3 -> 4 simulated nodes, SIM_MIB MiB per
#      node, SIM_RUNS seeds from 1); figures: the median bootstrap in simulated seconds (deterministic per build:
#      it moves only if the join's steps changed) and in wall seconds.
# Prints every run, then per figure the median of each build and after/before. The runs land in DIR (results.tsv,
# one line per figure: build, figure, value; the raw outputs beside it).
# Usage: bench/scripts/epoch-costs.sh BEFORE.jar AFTER.jar [ROUNDS=3] [SECONDS=60] [DIR=/tmp/ringdb-epoch-costs]
# Environment: RECORDS (100000), THREADS (32), HEAP of each node (1g), BOOT_MIB (256), SIM_MIB (64), SIM_RUNS (3),
# CLIENT_JAR (BEFORE.jar), SKIP (any of latency,bootstrap,sim, comma-separated: parts left out).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2
fi
before="$1"; after="$2"; rounds="${3:-3}"; seconds="${4:-60}"; dir="${5:-/tmp/ringdb-epoch-costs}"
records="${RECORDS:-100000}"; threads="${THREADS:-32}"; heap="${HEAP:-1g}"
boot_mib="${BOOT_MIB:-256}"; sim_mib="${SIM_MIB:-64}"; sim_runs="${SIM_RUNS:-3}"
client="${CLIENT_JAR:-$before}"; skip=",${SKIP:-},"
for jar in "$before" "$after" "$client"; do
  [ -f "$jar" ] || { echo "error: no jar at $jar" >&2; exit 2; }
done
for n in "$rounds" "$seconds" "$records" "$threads" "$boot_mib" "$sim_mib" "$sim_runs"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: '$n' is not a positive whole number" >&2; exit 2; }
done
rm -rf "$dir"; mkdir -p "$dir"
results="$dir/results.tsv"; : > "$results"
declare -A jars=([before]="$before" [after]="$after")
record() { # build figure value
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; echo "  $1 $2: $3"
}
order() { # round -> the two builds in this round's order
  if (( $1 % 2 )); then echo "before after"; else echo "after before"; fi
}
stop_clusters() {
  for build in before after; do
    java -jar "${jars[$build]}" cluster stop --dir "$dir/cluster-$build" >/dev/null 2>&1 || true
  done
}
trap stop_clusters EXIT
echo "# before $before, after $after, client $client; $rounds rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# (a) QUORUM read and write latency on 3 nodes, RF 3.
hosts() { # cluster directory -> the HTTP addresses of its nodes, comma-separated
  local list="" yaml
  for yaml in "$1"/node*/ringdb.yaml; do
    list="$list${list:+,}127.0.0.1:$(awk -F': *' '$1 == "http_port" { print $2 }' "$yaml")"
  done
  echo "$list"
}
latency_run() { # build round
  local build=$1 round=$2 out="$dir/ycsb-$1-$2"
  java -jar "$client" bench cluster --host "$(hosts "$dir/cluster-$build")" --workload A --records "$records" \
      --fields 1 --field-length 1000 --threads "$threads" --cl QUORUM --no-load --duration "$seconds" \
      --progress-seconds 1000 --json "$out.json" > "$out.txt" 2>&1 \
      || echo "  ($build round $round: the benchmark failed or reported errors, see $out.txt)"
  [ -s "$out.json" ] || { echo "  ($build round $round: no result, see $out.txt)"; return 0; }
  python3 - "$out.json" "$build" >> "$results" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["run"]
print("%s\tQUORUM ops/s (A, whole run)\t%.0f" % (sys.argv[2], run["throughputPerSecond"]))
for op in run["operationStats"]:
    if op["operation"] in ("READ", "UPDATE"):
        name = op["operation"].lower()
        print("%s\tQUORUM %s p50 ms\t%.3f" % (sys.argv[2], name, op["p50Micros"] / 1000))
        print("%s\tQUORUM %s p99 ms\t%.3f" % (sys.argv[2], name, op["p99Micros"] / 1000))
        if op["errors"]:
            print("%s\tQUORUM %s errors\t%d" % (sys.argv[2], name, op["errors"]))
PY
  grep -P "^$build\tQUORUM" "$results" | tail -n 5 | sed "s/^/  round $round /; s/\t/ /g"
}
if [[ "$skip" != *,latency,* ]]; then
  for build in before after; do
    java -jar "${jars[$build]}" cluster start --dir "$dir/cluster-$build" --nodes 3 --rf 3 --internode-port 0 \
        --http-port 0 --heap "$heap" --wait-seconds 180 > "$dir/cluster-$build.txt"
    # the load (QUORUM writes of every record), which also warms the nodes and the client up
    java -jar "$client" bench cluster --host "$(hosts "$dir/cluster-$build")" --workload A --records "$records" \
        --fields 1 --field-length 1000 --threads "$threads" --cl QUORUM --duration 5 --progress-seconds 1000 \
        > "$dir/load-$build.txt" 2>&1 || { echo "error: loading the $build cluster failed:" >&2;
                                          tail -n 20 "$dir/load-$build.txt" >&2; exit 1; }
  done
  for round in $(seq 1 "$rounds"); do
    echo "latency round $round of $rounds (load average $(cut -d' ' -f1 /proc/loadavg))"
    for build in $(order "$round"); do latency_run "$build" "$round"; done
  done
  stop_clusters
fi

# (b) a join for real: bench bootstrap, 3 -> 4 processes.
if [[ "$skip" != *,bootstrap,* ]]; then
  for round in $(seq 1 "$rounds"); do
    echo "bootstrap round $round of $rounds (load average $(cut -d' ' -f1 /proc/loadavg))"
    for build in $(order "$round"); do
      out="$dir/bootstrap-$build-$round.txt"
      if ! java -jar "${jars[$build]}" bench bootstrap --nodes 3 --rf 2 --data-mib "$boot_mib" --heap "$heap" \
          --verify-keys 1000 --settle-seconds 120 --progress-seconds 1000 --dir "$dir/bootstrap-$build-$round" \
          > "$out" 2>&1; then
        echo "  ($build round $round: bench bootstrap failed, see $out)"; continue
      fi
      record "$build" "join for real: start -> NORMAL s" \
          "$(awk '/-> NORMAL/ { sub(";", "", $3); print $3 }' "$out")"
      record "$build" "join for real: all see NORMAL s" \
          "$(awk '/-> NORMAL/ { print $(NF-1) }' "$out")"
    done
  done
fi

# (c) a join in the simulator: bench streaming.
if [[ "$skip" != *,sim,* ]]; then
  for round in $(seq 1 "$rounds"); do
    echo "simulator round $round of $rounds (load average $(cut -d' ' -f1 /proc/loadavg))"
    for build in $(order "$round"); do
      out="$dir/sim-$build-$round.txt"
      java -jar "${jars[$build]}" bench streaming --nodes 3 --data-mib "$sim_mib" --runs "$sim_runs" --seed 1 \
          > "$out" 2>&1 || { echo "  ($build round $round: bench streaming failed, see $out)"; continue; }
      # median: stream ... MB/s of simulated time; bootstrap W s wall, S s simulated
      record "$build" "join in the simulator: simulated s" \
          "$(sed -n 's/^median:.*bootstrap \([0-9.]*\) s wall, \([0-9.]*\) s simulated$/\2/p' "$out")"
      record "$build" "join in the simulator: wall s" \
          "$(sed -n 's/^median:.*bootstrap \([0-9.]*\) s wall, \([0-9.]*\) s simulated$/\1/p' "$out")"
    done
  done
fi

echo "medians over the rounds (after/before; latencies and join times: lower is better, ops/s: higher):"
python3 - "$results" <<'PY'
import statistics, sys
values = {}
for line in open(sys.argv[1]):
    build, figure, value = line.rstrip("\n").split("\t")
    if value:
        values.setdefault(figure, {}).setdefault(build, []).append(float(value))
for figure in sorted(values):
    b = values[figure].get("before", []); a = values[figure].get("after", [])
    mb = statistics.median(b) if b else float("nan"); ma = statistics.median(a) if a else float("nan")
    ratio = "%.3f" % (ma / mb) if b and a and mb else "n/a"
    print("  %-40s before %10.3f  after %10.3f  after/before %s  (%d/%d runs)" % (figure, mb, ma, ratio, len(b), len(a)))
PY
