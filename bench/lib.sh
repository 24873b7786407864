# Shared helpers for benchmark scripts: throwaway servers (scripts/pg-cluster.sh), best-of-N
# wall time, and peak RSS via /usr/bin/time -v. Source it; it defines functions only.
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$BENCH_ROOT/scripts/pg-cluster.sh"

# best_of N CMD...: the smallest wall time of N runs of CMD (run with bash -c), in seconds.
best_of() {
  local n=$1 best="" t
  shift
  for _ in $(seq "$n"); do
    local start end
    start=$(date +%s.%N)
    bash -c "$*" || { echo "bench: command failed: $*" >&2; return 1; }
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%.3f\n' "$best"
}

# peak_rss_kib CMD...: maximum resident set size of CMD in KiB.
peak_rss_kib() {
  /usr/bin/time -v bash -c "$*" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}

ratio() { printf '%.3f' "$(echo "$1 / $2" | bc -l)"; }
