#!/usr/bin/env bash
# `make bench`: every benchmark, one after another (they compete for the same two cores
# otherwise). Each prints its ratios and rewrites its docs/benchmarks-*.md; the summary
# with the targets is docs/benchmarks.md. Heavy: each builds data of 0.5 to 1 GB.
set -euo pipefail
cd "$(dirname "$0")/.."
export SEGSTREAM_BIN="${SEGSTREAM_BIN:-$PWD/build/bin}"
bench/toc.sh "$SEGSTREAM_BIN" 1024 | tee docs/benchmarks-toc.md
bench/dump-stream.sh
bench/load-stream.sh
REPEAT=3 bench/zpipe.sh
bench/segsplit.sh "$SEGSTREAM_BIN" 600 | tee docs/benchmarks-segsplit.md
bench/transfer.sh
bench/migrate.sh
bench/memory.sh "$SEGSTREAM_BIN" 50 6  # peak RSS per tool; compare with docs/benchmarks-memory.md
