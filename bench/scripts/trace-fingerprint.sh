#!/usr/bin/env bash
# Behaviour fingerprint of a build: the simulator's trace hash for many seeds (plain and with the
# membership nemesis) and the SHA-256 of the demo's output for several seeds and cluster sizes.
# A refactor that changes no behaviour must print the same fingerprint before and after:
#   bench/scripts/trace-fingerprint.sh OLD.jar > before.txt
#   bench/scripts/trace-fingerprint.sh        > after.txt    # default: this tree's cli/target/ringdb-all.jar
#   diff before.txt after.txt && echo identical
# Usage: bench/scripts/trace-fingerprint.sh [JAR] [SEEDS=300]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${1:-$here/cli/target/ringdb-all.jar}"
seeds="${2:-300}"
# The simulator logs (a storage fault it injects, say) on the JVM's standard error, which stays this
# script's standard error; only result lines go to standard output. Each result line is written whole
# (awk flushes after every line) so that a caller merging both streams (2>&1) still gets each log line
# between result lines, never inside one.
ringdb() { java -jar "$jar" "$@"; }
hashes() { # $@: extra sim flags; prints "seed=N hash" per seed
  ringdb sim --seed 1 --seeds "$seeds" --faults-shown 0 "$@" 2>&2 \
    | awk '/^ringdb simulation/ { for (i = 1; i <= NF; i++) if ($i ~ /^seed=/) seed = $i }
           /trace hash/ { print seed, $NF; fflush() }'
}
echo "# plain, seeds 1..$seeds"
hashes
echo "# --membership, seeds 1..$seeds"
hashes --membership
echo "# demo output sha256"
for seed in 1 7 42 1000 123456; do
  for nodes in 3 5 9; do
    digest="$(ringdb demo --seed "$seed" --nodes "$nodes" 2>&2 | sha256sum | cut -c1-64)"
    echo "demo seed=$seed nodes=$nodes $digest"
  done
done
