#!/usr/bin/env bash
# segsplit against what a user would otherwise run, in one run on one machine:
#   segsplit --hash greenplum --segments 4 --key public.b=id (int8 key, text COPY stream)
#   vs  cat FILE > /dev/null              (the ceiling: reading the bytes at all)
#   vs  awk -F'\t' '{print > "out" $1%4}'  (a naive split of the plain COPY text; wrong hash)
# Data and outputs live in /dev/shm so the disk is not what is measured. One core for segsplit.
# Usage: bench/segsplit.sh [BIN_DIR] [SIZE_MIB]   (defaults: build/bin, 600)
# Prints a Markdown report on stdout; docs/benchmarks-segsplit.md is its saved output.
set -euo pipefail
BIN=${1:-build/bin}
SIZE_MIB=${2:-600}
DIR=$(mktemp -d /dev/shm/segsplit-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
TXT=$DIR/b.copy
F=$DIR/b.sgs

# ~110-byte rows: an int8 spread over the whole range, a 32-char hex string, padding.
ROWS=$(( SIZE_MIB * 1024 * 1024 / 110 ))
awk -v n="$ROWS" 'BEGIN { srand(1); pad = sprintf("%60s", ""); gsub(/ /, "x", pad);
  for (i = 1; i <= n; i++) printf "%d\t%08x%08x%08x%08x\t%s\n", (i * 2654435761) % 9007199254740991 - 4503599627370495,
    i, i * 7, i * 13, i * 31, pad }' >"$TXT"
"$BIN/copy-to-stream" --table public.b --columns 'id bigint,v text,pad text' <"$TXT" >"$F"
BYTES=$(stat -c %s "$F")
ns() { date +%s%N; }
best_of() {
  local n=$1; shift
  local best=0 t0 t1 d
  for ((i = 0; i < n; i++)); do
    t0=$(ns); bash -c "$*" >/dev/null; t1=$(ns)
    d=$((t1 - t0))
    if [ "$best" -eq 0 ] || [ "$d" -lt "$best" ]; then best=$d; fi
    rm -f "$DIR"/out* "$DIR"/awk*
  done
  echo "$best"
}
mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.0f", b / ns * 1e9 / 1e6 }'; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

SPLIT="taskset -c 0 $BIN/segsplit --hash greenplum --segments 4 --key public.b=id -o '$DIR/out%d.sgs' '$F'"
PIPE="taskset -c 0 $BIN/segsplit --hash greenplum --segments 4 --key public.b=id --to-command 'cat >/dev/null' '$F'"
CAT="cat '$F' >/dev/null"
AWK="taskset -c 0 awk -F'\t' '{ print > (\"$DIR/awk\" (\$1 % 4)) }' '$TXT'"
cat "$F" "$TXT" >/dev/null
CAT_NS=$(best_of 3 "$CAT")
SPLIT_NS=$(best_of 3 "$SPLIT")
PIPE_NS=$(best_of 3 "$PIPE")
AWK_NS=$(best_of 1 "$AWK")
RSS=$(/usr/bin/time -f %M bash -c "$SPLIT" 2>&1 >/dev/null | tail -n 1)
rm -f "$DIR"/out*

cat <<MD
# segsplit benchmark

Input: one table, $(awk -v b="$BYTES" 'BEGIN { printf "%.0f", b / 1048576 }') MiB text COPY stream ($ROWS rows of ~110 bytes, int8 key),
uncompressed, in /dev/shm (page cache); outputs to /dev/shm. $(nproc) cores shared; segsplit and awk
pinned to one core (taskset -c 0). Best of 3 runs (awk: 1 run).

| command | wall | MB/s | vs cat |
|---|---|---|---|
| \`cat FILE > /dev/null\` (ceiling) | $(secs "$CAT_NS") s | $(mbps "$BYTES" "$CAT_NS") | 1.00 |
| \`segsplit --hash greenplum --segments 4 --key public.b=id -o out%d.sgs FILE\` | $(secs "$SPLIT_NS") s | $(mbps "$BYTES" "$SPLIT_NS") | $(ratio "$SPLIT_NS" "$CAT_NS") |
| \`segsplit ... --to-command 'cat >/dev/null' FILE\` (4 pipes; the cats share the core) | $(secs "$PIPE_NS") s | $(mbps "$BYTES" "$PIPE_NS") | $(ratio "$PIPE_NS" "$CAT_NS") |
| \`awk -F'\t' '{print > ("awk" \$1 % 4)}' FILE.copy\` (naive, wrong hash) | $(secs "$AWK_NS") s | $(mbps "$BYTES" "$AWK_NS") | $(ratio "$AWK_NS" "$CAT_NS") |

segsplit is $(ratio "$AWK_NS" "$SPLIT_NS")x faster than the naive awk split, and it also verifies every input
checksum and digest, parses each key as the server would, and writes 4 verified streams.
Peak RSS of segsplit: $RSS KiB (bounded: one frame per open table per output, whatever the size).

Command: \`bench/segsplit.sh $BIN $SIZE_MIB\`
MD
