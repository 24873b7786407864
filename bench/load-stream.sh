#!/usr/bin/env bash
# load-stream vs psql's COPY FROM STDIN, same server, same data, same run: a table of
# >= 500 MB of COPY text loaded by each (target truncated between runs), then peak RSS of
# load-stream --jobs 4 on the same table split into parts. Prints ratios, not just times.
#   bench/load-stream.sh [ROWS]     (default 7000000 rows, about 530 MiB of COPY text)
# Needs build/bin (or SEGSTREAM_BIN) with dump-stream and load-stream, PostgreSQL 15 and
# /usr/bin/time. Writes docs/benchmarks-load-stream.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SEGSTREAM_BIN:-$ROOT/build/bin}
ROWS=${1:-7000000}
RUNS=${RUNS:-2}
OUT=${OUT:-$ROOT/docs/benchmarks-load-stream.md}
export PATH="$BIN:$PATH" LC_ALL=C
source "$ROOT/scripts/pg-cluster.sh"
WORK=$(mktemp -d /tmp/segstream-bench-load.XXXXXX)
trap 'pg_stop_all; rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

pg_start bench
pg_psql bench -c "CREATE DATABASE src"
pg_psql bench -c "CREATE DATABASE dst"
pg_psql bench src -c "CREATE TABLE t (id bigint, a text, b text, n integer)"
pg_psql bench src -c "INSERT INTO t SELECT i, md5(i::text), md5((i * 7)::text), i % 100000 FROM generate_series(1, $ROWS) i"
pg_psql bench dst -c "CREATE TABLE t (id bigint, a text, b text, n integer)"
SRC=$(pg_conn bench src)
DST=$(pg_conn bench dst)

psql "$SRC" -X -q -c "COPY t TO STDOUT" >"$WORK/t.copy"
dump-stream -d "$SRC" -t t -q -o "$WORK/t.sgs"
dump-stream -d "$SRC" -t t -q --jobs 4 --split-larger-than 64MB -o "$WORK/parts.sgs"
copy_bytes=$(stat -c %s "$WORK/t.copy")

psql_cmd="psql \"\$DST\" -X -q -c \"COPY t FROM STDIN\" < t.copy"
load_cmd="load-stream -d \"\$DST\" -q < t.sgs"
best_psql=999999
best_load=999999
for run in $(seq "$RUNS"); do
  pg_psql bench dst -c "TRUNCATE t; CHECKPOINT"
  s=$(now); psql "$DST" -X -q -c "COPY t FROM STDIN" <"$WORK/t.copy"; e=$(now)
  p=$(elapsed "$s" "$e")
  pg_psql bench dst -c "TRUNCATE t; CHECKPOINT"
  s=$(now); load-stream -d "$DST" -q <"$WORK/t.sgs"; e=$(now)
  l=$(elapsed "$s" "$e")
  echo "run $run: psql COPY ${p}s, load-stream ${l}s" >&2
  best_psql=$(echo "if ($p < $best_psql) $p else $best_psql" | bc -l)
  best_load=$(echo "if ($l < $best_load) $l else $best_load" | bc -l)
done
[ "$(pg_psql bench dst -c "SELECT count(*) FROM t")" = "$ROWS" ]
ratio=$(echo "$best_load / $best_psql" | bc -l)

pg_psql bench dst -c "TRUNCATE t; CHECKPOINT"
/usr/bin/time -v load-stream -d "$DST" -q --jobs 4 <"$WORK/parts.sgs" 2>"$WORK/time.txt"
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
[ "$(pg_psql bench dst -c "SELECT count(*) FROM t")" = "$ROWS" ]

mkdir -p "$(dirname "$OUT")"
cat >"$OUT" <<MD
# load-stream benchmark

Command: \`bench/load-stream.sh $ROWS\` (RUNS=$RUNS, best run of each), $(nproc) cores, PostgreSQL $(pg_psql bench -c "SHOW server_version"),
fsync off; one table of $ROWS rows, $(( copy_bytes / 1048576 )) MiB of COPY text.

| what | command | best seconds | ratio to psql |
|---|---|---|---|
| psql | \`$psql_cmd\` | $(printf %.2f "$best_psql") | 1.00 |
| load-stream | \`$load_cmd\` | $(printf %.2f "$best_load") | $(printf %.3f "$ratio") |

Peak RSS of \`load-stream -d "\$DST" -q --jobs 4 < parts.sgs\` (the same table dumped with
\`dump-stream --jobs 4 --split-larger-than 64MB\`, so four connections load parts at once),
measured with \`/usr/bin/time -v\`: **$(( rss_kb / 1024 )) MiB** ($rss_kb KiB).
MD
cat "$OUT"
