#!/usr/bin/env bash
# dump-stream vs psql COPY: one table of >= 500 MB as COPY text, dumped to /dev/null, in the
# same run on the same server. Reports ratios and dump-stream's peak RSS with --jobs 4.
#   bench/dump-stream.sh [ROWS]   (default 7500000 rows, about 535 MB of COPY text)
# Results go to stdout and docs/benchmarks-dump-stream.md.
set -euo pipefail
export LC_ALL=C
ROWS=${1:-7500000}
RUNS=${RUNS:-2}
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
BIN=${SEGSTREAM_BIN:-$BENCH_ROOT/build/bin}
[ -x /usr/bin/time ] || { echo "bench: install the 'time' package (/usr/bin/time)" >&2; exit 1; }

trap pg_stop_all EXIT
pg_start bench
C=$(pg_conn bench)
psql "$C" -X -q -c "CREATE TABLE t(id int8, note text, amount numeric(14,2), at timestamptz)" \
  -c "INSERT INTO t SELECT i, md5(i::text), i * 1.01, '2024-01-01'::timestamptz + i * interval '1 second'
      FROM generate_series(1, $ROWS) i" -c "VACUUM ANALYZE t"
text_bytes=$(psql "$C" -X -q -c "COPY t TO STDOUT" | wc -c)
heap=$(psql "$C" -X -At -c "SELECT pg_size_pretty(pg_relation_size('t'))")

psql_t=$(best_of "$RUNS" "psql '$C' -X -q -c 'COPY t TO STDOUT' > /dev/null")
text_t=$(best_of "$RUNS" "'$BIN/dump-stream' -d '$C' -t t > /dev/null")
bin_t=$(best_of "$RUNS" "'$BIN/dump-stream' -d '$C' -t t -F binary > /dev/null")
psql_bin_t=$(best_of "$RUNS" "psql '$C' -X -q -c 'COPY t TO STDOUT (FORMAT binary)' > /dev/null")
j4_t=$(best_of "$RUNS" "'$BIN/dump-stream' -d '$C' -t t -j 4 --split-larger-than 64MB > /dev/null")
rss1=$(peak_rss_kib "'$BIN/dump-stream' -d '$C' -t t > /dev/null")
rss4=$(peak_rss_kib "'$BIN/dump-stream' -d '$C' -t t -j 4 --split-larger-than 64MB > /dev/null")
nproc_=$(nproc)

report=$(cat <<MD
# dump-stream benchmark

Command: \`bench/dump-stream.sh $ROWS\` (RUNS=$RUNS, best of $RUNS; one PostgreSQL 15 server
started by the script, unix socket, table in shared buffers / page cache, $nproc_ CPUs shared
with other work).

Table \`t(id int8, note text, amount numeric(14,2), at timestamptz)\`, $ROWS rows,
heap $heap, $(echo "$text_bytes / 1048576" | bc) MiB as COPY text. All output to /dev/null.

| command | wall s | ratio to psql COPY text |
|---|---|---|
| \`psql -c "COPY t TO STDOUT" > /dev/null\` | $psql_t | 1.000 |
| \`dump-stream -t t > /dev/null\` (text) | $text_t | $(ratio "$text_t" "$psql_t") |
| \`psql -c "COPY t TO STDOUT (FORMAT binary)" > /dev/null\` | $psql_bin_t | $(ratio "$psql_bin_t" "$psql_t") |
| \`dump-stream -t t -F binary > /dev/null\` | $bin_t | $(ratio "$bin_t" "$psql_t") |
| \`dump-stream -t t -j 4 --split-larger-than 64MB > /dev/null\` | $j4_t | $(ratio "$j4_t" "$psql_t") |

Peak RSS (\`/usr/bin/time -v\`): dump-stream text --jobs 1: $((rss1 / 1024)) MiB;
--jobs 4 --split-larger-than 64MB: $((rss4 / 1024)) MiB.
MD
)
echo "$report"
echo "$report" > "$BENCH_ROOT/docs/benchmarks-dump-stream.md"
