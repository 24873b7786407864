#!/usr/bin/env bash
# Data transfer of a >= 1 GB multi-table database (pgbench tables plus a wide mixed-type
# table) into pre-created empty tables on a second server, four ways in the same run:
#   dump-stream --jobs 2 | load-stream --jobs 2
#   dump-stream --jobs 2 | zpipe | zpipe -d | load-stream --jobs 2   (compression in the path)
#   pg_dump -a | psql
#   pgcopydb copy table-data --table-jobs 2
# Target tables are truncated before each method; contents are checked equal after each.
#   bench/transfer.sh [PGBENCH_SCALE]   (default 50: about 1.1 GB of table data with the wide table)
#   RUNS=3 bench/transfer.sh 60          (rounds of all four methods in turn; best time of each)
# Prints wall times and ratios to the first method; writes docs/benchmarks-transfer.md.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
source bench/lib.sh
export PATH="${SEGSTREAM_BIN:-$PWD/build/bin}:$PATH"
scale=${1:-50}
runs=${RUNS:-1}
work=$(mktemp -d /tmp/segstream-transfer.XXXXXX)
trap 'pg_stop_all; rm -rf "$work"' EXIT

pg_start src
pg_start dst
pg_psql src -c "CREATE DATABASE bench"
pg_psql dst -c "CREATE DATABASE bench"
SRC=$(pg_conn src bench)
DST=$(pg_conn dst bench)
uri() { echo "postgres:///bench?host=$(pg_dir "$1")&port=$(pg_port "$1")&user=postgres"; }

PGOPTIONS='-c client_min_messages=warning' pgbench -q -i -s "$scale" "$SRC" >/dev/null 2>&1
pg_psql src bench -c "CREATE TABLE wide AS
  SELECT g AS id, md5(g::text) AS a, (g * 1.5)::numeric(14,2) AS amount,
         now() - g * interval '1 second' AS at, g % 2 = 0 AS flag,
         repeat(md5((g * 7)::text), 3) AS note, ARRAY[g, g + 1] AS pair, md5(g::text)::uuid AS u
  FROM generate_series(1, 1500000) g"
pg_psql src bench -c "VACUUM ANALYZE"
pg_dump --schema-only "$SRC" | pg_psql dst bench >/dev/null
size=$(pg_psql src bench -c "SELECT pg_size_pretty(sum(pg_table_size(oid))) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
tables=(pgbench_accounts pgbench_branches pgbench_tellers pgbench_history wide)

reset_target() { pg_psql dst bench -c "TRUNCATE $(IFS=,; echo "${tables[*]}")"; }
check_equal() {
  local t
  for t in "${tables[@]}"; do
    [ "$(pg_table_hash src bench "$t")" = "$(pg_table_hash dst bench "$t")" ] ||
      { echo "bench: $1 left $t different" >&2; exit 1; }
  done
}
# Machine-wide busy CPU time (user, nice, system, irq, softirq, steal) in clock ticks: the
# servers' backends are not our children, so /usr/bin/time would miss most of the work.
cpu_busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
hz=$(getconf CLK_TCK)
run() {  # run NAME CMD: one timed run into a truncated target, a content check; "wall cpu"
  reset_target
  local t b0 b1
  b0=$(cpu_busy)
  t=$(best_of 1 "$2")
  b1=$(cpu_busy)
  check_equal "$1"
  echo "$t $(echo "scale=2; ($b1 - $b0) / $hz" | bc -l)"
}

# Rounds of the four methods in turn, so a busy neighbour hurts them alike; the best wall
# time of each, with the CPU time of that run.
declare -A wall cpu
best_run() {  # KEY NAME CMD
  local w c
  read -r w c <<<"$(run "$2" "$3")"
  if [ -z "${wall[$1]:-}" ] || [ "$(echo "$w < ${wall[$1]}" | bc -l)" = 1 ]; then
    wall[$1]=$w
    cpu[$1]=$c
  fi
}
for _ in $(seq "$runs"); do
  best_run seg segstream "dump-stream -d '$SRC' --jobs 2 -q | load-stream -d '$DST' --jobs 2 -q"
  best_run zp zpipe "dump-stream -d '$SRC' --jobs 2 -q | zpipe -q | zpipe -d -q | load-stream -d '$DST' --jobs 2 -q"
  best_run pgd pg_dump "pg_dump -a '$SRC' | psql '$DST' -X -q -v ON_ERROR_STOP=1 >/dev/null"
  best_run pcd pgcopydb "pgcopydb copy table-data --source '$(uri src)' --target '$(uri dst)' --table-jobs 2 --dir '$work/pgcopydb' >/dev/null 2>&1"
  rm -rf "$work/pgcopydb"
done
t_seg=${wall[seg]} t_zp=${wall[zp]} t_pgd=${wall[pgd]} t_pcd=${wall[pcd]}

# zpipe alone on the same stream, for its speed against the pipeline's.
dump-stream -d "$SRC" --jobs 2 -q -o "$work/all.sgs"
stream_bytes=$(stat -c %s "$work/all.sgs")
t_zc=$(best_of 2 "zpipe -q <'$work/all.sgs' >'$work/all.zst.sgs'")
t_zd=$(best_of 2 "zpipe -d -q <'$work/all.zst.sgs' >/dev/null")
zst_bytes=$(stat -c %s "$work/all.zst.sgs")
rm -f "$work/all.sgs" "$work/all.zst.sgs"
mbs() { echo "scale=0; $stream_bytes / $1 / 1000000" | bc -l; }

report() {
  cat <<MD
# Data transfer into pre-created tables (bench/transfer.sh)

Source: pgbench scale $scale plus a 1.5 M-row wide mixed-type table, $size of table data,
copied into the same empty tables (with their primary keys) on a second local PostgreSQL 15
server. Best of $runs round(s) of the four methods in turn, same machine, same run; contents
verified equal after each. Machine: 2 cores, shared, load average $(cut -d' ' -f1 /proc/loadavg)
at the end. Command: \`RUNS=$runs bench/transfer.sh $scale\`

| method | wall time (s) | ratio to segstream | machine CPU busy (core-s) | of the 2 cores' wall |
|---|---|---|---|---|
| \`dump-stream --jobs 2 \\| load-stream --jobs 2\` | $t_seg | 1.000 | ${cpu[seg]} | $(ratio "${cpu[seg]}" "$(echo "$t_seg * $(nproc)" | bc -l)") |
| \`dump-stream --jobs 2 \\| zpipe \\| zpipe -d \\| load-stream --jobs 2\` | $t_zp | $(ratio "$t_zp" "$t_seg") | ${cpu[zp]} | $(ratio "${cpu[zp]}" "$(echo "$t_zp * $(nproc)" | bc -l)") |
| \`pg_dump -a \\| psql\` | $t_pgd | $(ratio "$t_pgd" "$t_seg") | ${cpu[pgd]} | $(ratio "${cpu[pgd]}" "$(echo "$t_pgd * $(nproc)" | bc -l)") |
| \`pgcopydb copy table-data --table-jobs 2\` | $t_pcd | $(ratio "$t_pcd" "$t_seg") | ${cpu[pcd]} | $(ratio "${cpu[pcd]}" "$(echo "$t_pcd * $(nproc)" | bc -l)") |

zpipe alone on the same $stream_bytes-byte stream (default codec and level, as in the
pipeline): compress $t_zc s ($(mbs "$t_zc") MB/s) to $zst_bytes bytes, decompress $t_zd s
($(mbs "$t_zd") MB/s); the pipeline without zpipe moves $(mbs "$t_seg") MB/s.
MD
}
report | tee docs/benchmarks-transfer.md
