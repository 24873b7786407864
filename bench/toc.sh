#!/usr/bin/env bash
# toc against what a user would otherwise run, in one run on one machine:
#   toc --verify FILE   vs   cat FILE > /dev/null   (1 GiB uncompressed stream in page cache)
#   toc FILE (indexed listing) wall time, and peak RSS of toc for both;
#   toc FILE of streams written through a pipe (zpipe ... | cat > FILE), plain and zstd.
# Usage: bench/toc.sh [BIN_DIR] [SIZE_MIB]   (defaults: build/bin, 1024)
# Prints a Markdown report on stdout; docs/benchmarks-toc.md is its saved output.
set -euo pipefail
BIN=${1:-build/bin}
SIZE_MIB=${2:-1024}
DIR=$(mktemp -d /tmp/toc-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
F=$DIR/bench.sgs

# Rows of ~150 bytes, 4 tables, default 1 MiB frames, an index at the end.
ROW_BYTES=120
ROWS=$(( SIZE_MIB * 1024 * 1024 / 132 / 4 ))
"$BIN/gen-stream" --tables 4 --rows "$ROWS" --row-bytes "$ROW_BYTES" --index >"$F"
BYTES=$(stat -c %s "$F")
cat "$F" >/dev/null  # into the page cache
# The same stream as a pipeline writes it: the writer never sees the file.
PIPED=$DIR/piped.sgs PIPED_ZSTD=$DIR/piped-zstd.sgs
"$BIN/zpipe" -c none <"$F" | cat >"$PIPED"
"$BIN/zpipe" -c zstd <"$F" | cat >"$PIPED_ZSTD"

ns() { date +%s%N; }
# Best of N wall-clock runs of a command, in nanoseconds.
best_of() {
  local n=$1; shift
  local best=0 t0 t1 d
  for ((i = 0; i < n; i++)); do
    t0=$(ns); "$@" >/dev/null; t1=$(ns)
    d=$((t1 - t0))
    if [ "$best" -eq 0 ] || [ "$d" -lt "$best" ]; then best=$d; fi
  done
  echo "$best"
}
gbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.2f", b / ns }'; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e6 }'; }

CAT_NS=$(best_of 5 sh -c "cat '$F' >/dev/null")
VERIFY_NS=$(best_of 5 "$BIN/toc" --verify "$F")
VERIFY1_NS=$(best_of 5 "$BIN/toc" --verify -T 1 "$F")
LIST_NS=$(best_of 20 "$BIN/toc" "$F")
SCAN_NS=$(best_of 3 "$BIN/toc" --scan "$F")
PIPED_NS=$(best_of 20 "$BIN/toc" "$PIPED")
PIPED_ZSTD_NS=$(best_of 20 "$BIN/toc" "$PIPED_ZSTD")
rss_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
VERIFY_RSS=$(rss_kib "$BIN/toc" --verify "$F")
VERIFY1_RSS=$(rss_kib "$BIN/toc" --verify -T 1 "$F")
LIST_RSS=$(rss_kib "$BIN/toc" "$F")
SCAN_RSS=$(rss_kib "$BIN/toc" --scan "$F")

cat <<REPORT
# toc benchmarks

Command: \`bench/toc.sh $BIN $SIZE_MIB\` on $(nproc) CPUs, $(uname -r), file in page cache.
Input: gen-stream, 4 tables, ~130-byte COPY text rows, uncompressed, 1 MiB frames,
indexed: $BYTES bytes. Best of 5 runs (20 for listing, 3 for the scan).

| what | time | throughput | vs cat | peak RSS |
|---|---|---|---|---|
| \`cat FILE > /dev/null\` | $(ms "$CAT_NS") ms | $(gbps "$BYTES" "$CAT_NS") GB/s | 1.00 | - |
| \`toc --verify FILE\` | $(ms "$VERIFY_NS") ms | $(gbps "$BYTES" "$VERIFY_NS") GB/s | $(awk -v a="$VERIFY_NS" -v b="$CAT_NS" 'BEGIN { printf "%.2f", a / b }') | $((VERIFY_RSS / 1024)) MiB |
| \`toc --verify -T 1 FILE\` (one thread) | $(ms "$VERIFY1_NS") ms | $(gbps "$BYTES" "$VERIFY1_NS") GB/s | $(awk -v a="$VERIFY1_NS" -v b="$CAT_NS" 'BEGIN { printf "%.2f", a / b }') | $((VERIFY1_RSS / 1024)) MiB |
| \`toc FILE\` (index) | $(ms "$LIST_NS") ms | - | - | $((LIST_RSS / 1024)) MiB |
| \`toc FILE\`, FILE written by \`zpipe -c none \| cat > FILE\` | $(ms "$PIPED_NS") ms | - | - | - |
| \`toc FILE\`, FILE written by \`zpipe -c zstd \| cat > FILE\` ($(stat -c %s "$PIPED_ZSTD") bytes) | $(ms "$PIPED_ZSTD_NS") ms | - | - | - |
| \`toc --scan FILE\` (no index) | $(ms "$SCAN_NS") ms | $(gbps "$BYTES" "$SCAN_NS") GB/s | $(awk -v a="$SCAN_NS" -v b="$CAT_NS" 'BEGIN { printf "%.2f", a / b }') | $((SCAN_RSS / 1024)) MiB |

Targets: --verify at least 2 GB/s and within 2x of cat; indexed listing under 20 ms;
peak RSS under 32 MiB. \`--verify\` checks data frames on one thread per core (here
$(nproc)), reading the file through a mapping it gives back in 8 MiB steps.
REPORT
