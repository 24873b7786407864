#!/usr/bin/env bash
# Data transfer of a >= 1 GB multi-table database (pgbench tables plus a wide mixed-type
# table) into pre-created empty tables on a second server, four ways in the same run:
#   dump-stream --jobs 2 | load-stream --jobs 2
#   dump-stream --jobs 2 | zpipe | zpipe -d | load-stream --jobs 2   (compression in the path)
#   pg_dump -a | psql
#   pgcopydb copy table-data --table-jobs 2
# Target tables are truncated before each method; contents are checked equal after each.
#   bench/transfer.sh [PGBENCH_SCALE]   (default 50: about 1.1 GB of table data with the wide table)
# Prints wall times and ratios to the first method; writes docs/benchmarks-transfer.md.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
source bench/lib.sh
export PATH="${SEGSTREAM_BIN:-$PWD/build/bin}:$PATH"
scale=${1:-50}
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
run() {  # run NAME CMD: one timed run into a truncated target, then a content check
  reset_target
  local t
  t=$(best_of 1 "$2")
  check_equal "$1"
  echo "$t"
}

t_seg=$(run segstream "dump-stream -d '$SRC' --jobs 2 -q | load-stream -d '$DST' --jobs 2 -q")
t_zp=$(run zpipe "dump-stream -d '$SRC' --jobs 2 -q | zpipe -q | zpipe -d -q | load-stream -d '$DST' --jobs 2 -q")
t_pgd=$(run pg_dump "pg_dump -a '$SRC' | psql '$DST' -X -q -v ON_ERROR_STOP=1 >/dev/null")
t_pcd=$(run pgcopydb "pgcopydb copy table-data --source '$(uri src)' --target '$(uri dst)' --table-jobs 2 --dir '$work/pgcopydb' >/dev/null 2>&1")

report() {
  cat <<MD
# Data transfer into pre-created tables (bench/transfer.sh)

Source: pgbench scale $scale plus a 1.5 M-row wide mixed-type table, $size of table data,
copied into the same empty tables (with their primary keys) on a second local PostgreSQL 15
server. One run of each, same machine, same run; contents verified equal after each.
Machine: 2 cores, shared. Command: \`bench/transfer.sh $scale\`

| method | wall time (s) | ratio to segstream |
|---|---|---|
| \`dump-stream --jobs 2 \\| load-stream --jobs 2\` | $t_seg | 1.000 |
| \`dump-stream --jobs 2 \\| zpipe \\| zpipe -d \\| load-stream --jobs 2\` | $t_zp | $(ratio "$t_zp" "$t_seg") |
| \`pg_dump -a \\| psql\` | $t_pgd | $(ratio "$t_pgd" "$t_seg") |
| \`pgcopydb copy table-data --table-jobs 2\` | $t_pcd | $(ratio "$t_pcd" "$t_seg") |
MD
}
report | tee docs/benchmarks-transfer.md
