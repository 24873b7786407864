#!/usr/bin/env bash
# Peak RSS of every tool on a table of large rows, against the bound each man page states:
# at most 3x the largest row plus 64 MiB. A real PostgreSQL 15 table of bytea (COPY text
# writes each byte as two hex digits, so a row is twice the bytea), dumped, compressed,
# verified, split, merged, extracted and loaded.
# Usage: bench/memory.sh [BIN_DIR] [BYTEA_MB] [ROWS]   (defaults: build/bin, 50, 6)
# Prints a Markdown table; docs/benchmarks-memory.md is its saved output.
set -euo pipefail
BIN=$(cd "${1:-build/bin}" && pwd)
BYTEA_MB=${2:-50}
ROWS=${3:-6}
source "$(dirname "$0")/lib.sh"
DIR=$(mktemp -d /tmp/memory-bench.XXXXXX)
export SEGSTREAM_PG_ROOT=$DIR/pg
mkdir -p "$SEGSTREAM_PG_ROOT" && chmod 755 "$DIR" "$SEGSTREAM_PG_ROOT"
trap 'pg_stop_all >/dev/null 2>&1; rm -rf "$DIR"' EXIT

pg_start mem >/dev/null
pg_psql mem -c "CREATE DATABASE src" -c "CREATE DATABASE dst"
pg_psql mem src -c "CREATE TABLE blobs (id int, b bytea)"
# md5() gives 32 hex digits = 16 bytes; one row at a time keeps the server's memory low.
for i in $(seq "$ROWS"); do
  pg_psql mem src -c "INSERT INTO blobs SELECT $i, decode(repeat(md5('$i'), $((BYTEA_MB * 1024 * 1024 / 16))), 'hex')"
done
pg_psql mem dst -c "CREATE TABLE blobs (id int, b bytea)"
SRC=$(pg_conn mem src)
DST=$(pg_conn mem dst)

"$BIN/dump-stream" -d "$SRC" -q -o "$DIR/t.sgs"
ROW=$("$BIN/toc" --json "$DIR/t.sgs" | jq '.streams[0].tables[0].bytes / .streams[0].tables[0].rows | floor')
"$BIN/zpipe" -c zstd -o "$DIR/t.zst.sgs" "$DIR/t.sgs"
"$BIN/segsplit" -n 2 --round-robin -o "$DIR/part%d.sgs" "$DIR/t.sgs"
BOUND_KIB=$(( (3 * ROW + 64 * 1024 * 1024) / 1024 ))

echo "Largest row: $((ROW / 1024 / 1024)) MiB of COPY text ($ROWS rows of ${BYTEA_MB} MiB bytea);"
echo "bound 3 x row + 64 MiB = $((BOUND_KIB / 1024)) MiB. Peak RSS from /usr/bin/time -v."
echo
echo "| tool | command | peak RSS (MiB) | x largest row | within bound |"
echo "|---|---|---|---|---|"
measure() {
  local name=$1 cmd=$2 kib
  kib=$(peak_rss_kib "$cmd")
  local shown=${cmd//$BIN\//}
  shown=${shown//\'$SRC\'/SRC}
  shown=${shown//\'$DST\'/DST}
  printf '| %s | `%s` | %d | %.2f | %s |\n' "$name" "${shown//$DIR\//}" $((kib / 1024)) \
    "$(echo "$kib * 1024 / $ROW" | bc -l)" "$([ "$kib" -le "$BOUND_KIB" ] && echo yes || echo NO)"
}
measure dump-stream "$BIN/dump-stream -d '$SRC' -q -o $DIR/d.sgs"
measure "dump-stream --format binary" "$BIN/dump-stream -d '$SRC' -q --format binary -o $DIR/b.sgs"
measure "zpipe -c zstd" "$BIN/zpipe -c zstd -o $DIR/z.sgs $DIR/t.sgs"
measure "zpipe -d" "$BIN/zpipe -d -o $DIR/u.sgs $DIR/t.zst.sgs"
measure "zpipe -t" "$BIN/zpipe -t $DIR/t.zst.sgs"
measure "toc --verify (file)" "$BIN/toc --verify -q $DIR/t.sgs"
measure "toc --verify (pipe)" "cat $DIR/t.sgs | $BIN/toc --verify -q"
measure "toc -x" "$BIN/toc -x public.blobs -o /dev/null $DIR/t.sgs"
measure segsplit "$BIN/segsplit -n 2 --round-robin -o $DIR/s%d.sgs $DIR/t.sgs"
measure "segsplit -c zstd" "$BIN/segsplit -n 2 --round-robin -c zstd -o $DIR/s%d.sgs $DIR/t.sgs"
measure segmerge "$BIN/segmerge -o $DIR/m.sgs $DIR/part0.sgs $DIR/part1.sgs"
measure load-stream "$BIN/load-stream -d '$DST' -q --truncate $DIR/t.sgs"
measure "load-stream --jobs 2 (pipe)" "cat $DIR/t.sgs | $BIN/load-stream -d '$DST' -q --truncate --jobs 2"
measure "load-stream (zstd stream)" "$BIN/load-stream -d '$DST' -q --truncate $DIR/t.zst.sgs"
