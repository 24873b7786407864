#!/usr/bin/env bash
# Many tiny tables (issue 14): N tables of a few rows each, where the fixed cost of a table
# (catalog queries, transactions, round trips) is all there is. Two cases, each against its
# usual alternative, in rounds of all four methods in turn (same machine, same run):
#   data only, into pre-created empty tables:
#     dump-stream --jobs 2 | load-stream --jobs 2      against   pg_dump -a | psql
#   with schema, into a server without the database:
#     dump-stream --schema --jobs 2 | load-stream --schema --create-db --jobs 2
#                                                       against   pg_dump -Fd -j2 + pg_restore -j2 -C
# Every target is checked complete after each method: its tables' count, their rows' count
# and an order-independent hash of every row (with its table's name) equal the source's.
# With STATEMENTS=1 one more run of each data-only method logs every statement on both
# servers (log_statement = all) and reports statements per table.
#   bench/tiny-tables.sh [N]            (default 20000 tables)
#   RUNS=2 STATEMENTS=1 bench/tiny-tables.sh 20000
# Prints wall times and ratios; writes docs/benchmarks-tiny-tables.md.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
source bench/lib.sh
export PATH="${SEGSTREAM_BIN:-$PWD/build/bin}:$PATH"
n=${1:-20000}
runs=${RUNS:-1}
count_statements=${STATEMENTS:-0}
out=${OUT:-docs/benchmarks-tiny-tables.md}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /tmp/segstream-tiny.XXXXXX)
chmod 777 "$work"
trap 'pg_stop_all; rm -rf "$work"' EXIT

# A dump locks every table it dumps in one transaction (pg_dump too), and so does the
# check below: the lock table must hold N locks per session, with room for pg_dump -j2's
# workers and the loaders.
locks=$(((4 * n) / 40 + 128))
restart_with_settings() {  # NAME SQL...: ALTER SYSTEM statements, then a restart
  local name=$1 dir
  shift
  for sql in "$@"; do pg_psql "$name" -c "$sql"; done
  dir=$(pg_dir "$name")
  as_postgres "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 restart >/dev/null
}
for s in src dst; do
  pg_start "$s"
  restart_with_settings "$s" "ALTER SYSTEM SET max_locks_per_transaction = $locks"
done

echo "bench: building $n tiny tables" >&2
pg_psql src -c "CREATE DATABASE app"
# Two columns, a primary key and three rows each; created in batches of 1000 so that no
# transaction holds more locks than it needs to.
for ((start = 1; start <= n; start += 1000)); do
  end=$((start + 999 < n ? start + 999 : n))
  pg_psql src app -c "DO \$\$ BEGIN FOR i IN $start..$end LOOP
      EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i);
      EXECUTE format('INSERT INTO t%s SELECT g, md5((%s * 10 + g)::text) FROM generate_series(1, 3) g', i, i);
    END LOOP; END \$\$"
done
pg_psql src app -c "VACUUM ANALYZE"
SRC=$(pg_conn src app)
DST=$(pg_conn dst data)
DST_APP=$(pg_conn dst app)
DST_ADMIN=$(pg_conn dst postgres)
export SRC DST DST_APP DST_ADMIN

# The source is `app`, so pg_restore -C makes `app` on the target, as load-stream
# --create-db does. The data-only target is `data`, a copy of a template made from the
# source's schema: a fresh, empty set of tables for each run at the cost of a file copy.
pg_psql dst -c "CREATE DATABASE tmpl"
pg_dump -s "$SRC" | pg_psql dst tmpl >/dev/null
reset_data_target() {
  pg_psql dst -c "DROP DATABASE IF EXISTS data"
  pg_psql dst -c "CREATE DATABASE data TEMPLATE tmpl STRATEGY FILE_COPY"
}
reset_schema_target() { pg_psql dst -c "DROP DATABASE IF EXISTS app"; }

# Tables, rows, and the sum of one hash per row (its table's name and its text): one
# session, one query per table inside a function, so the check costs about a second.
fingerprint() {  # NAME DB
  pg_psql "$1" "$2" \
    -c "CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE plpgsql AS \$\$
          DECLARE r record; c bigint; h bigint; tables bigint := 0; total bigint := 0; hsum numeric := 0;
          BEGIN
            FOR r IN SELECT c.oid::regclass AS rel, c.relname FROM pg_class c
                     JOIN pg_namespace s ON s.oid = c.relnamespace
                     WHERE c.relkind = 'r' AND s.nspname = 'public' LOOP
              EXECUTE format('SELECT count(*), coalesce(sum(hashtext(%L || t::text)), 0) FROM %s t',
                             r.relname, r.rel) INTO c, h;
              tables := tables + 1; total := total + c; hsum := hsum + h;
            END LOOP;
            RETURN tables || ' tables, ' || total || ' rows, hash ' || hsum;
          END \$\$" \
    -c "SELECT pg_temp.fingerprint()"
}
source_print=$(fingerprint src app)
echo "bench: source: $source_print" >&2
check() {  # METHOD DB
  local got
  got=$(fingerprint dst "$2")
  [ "$got" = "$source_print" ] ||
    { echo "bench: $1 left the target incomplete: $got (source: $source_print)" >&2; exit 1; }
}

SEG_DATA='dump-stream -d "$SRC" --jobs 2 -q | load-stream -d "$DST" --jobs 2 -q'
PLAIN_DATA='pg_dump -a "$SRC" | psql "$DST" -X -q -v ON_ERROR_STOP=1 >/dev/null'
SEG_SCHEMA='dump-stream -d "$SRC" --schema --jobs 2 -q | load-stream -d "$DST_APP" --schema --create-db --jobs 2 -q'
DIR_SCHEMA='pg_dump -Fd -j2 -f dir "$SRC" && pg_restore -C -j2 -d "$DST_ADMIN" dir'
declare -A cmd=([seg_data]=$SEG_DATA [plain_data]=$PLAIN_DATA [seg_schema]=$SEG_SCHEMA
  [dir_schema]=$DIR_SCHEMA)
declare -A wall all

run_case() {  # KEY: reset its target, time it, check it
  local key=$1 t db=data
  case $key in
    *_data) reset_data_target ;;
    *) reset_schema_target; db=app ;;
  esac
  pg_psql dst -c "CHECKPOINT"
  rm -rf "$work/dir"
  t=$(cd "$work" && best_of 1 "set -o pipefail; ${cmd[$key]}")
  check "$key" "$db"
  echo "bench: $key $t s" >&2
  all[$key]="${all[$key]:-}${all[$key]:+, }$t"
  if [ -z "${wall[$key]:-}" ] || [ "$(echo "$t < ${wall[$key]}" | bc -l)" = 1 ]; then
    wall[$key]=$t
  fi
}
for _ in $(seq "$runs"); do
  for key in seg_data plain_data seg_schema dir_schema; do run_case "$key"; done
done

# Statements each server ran per table, from its log with log_statement = all (a statement
# of the extended protocol logs as "execute"; psql's and pg_dump's are simple queries).
declare -A per_table
statements_of() {  # KEY
  local before_src before_dst after_src after_dst
  for s in src dst; do
    pg_psql "$s" -c "ALTER SYSTEM SET log_statement = 'all'"
    pg_psql "$s" -c "SELECT pg_reload_conf()" >/dev/null
  done
  reset_data_target
  before_src=$(wc -l <"$(pg_dir src)/log")
  before_dst=$(wc -l <"$(pg_dir dst)/log")
  (cd "$work" && bash -o pipefail -c "${cmd[$1]}")
  count() { tail -n +"$(($2 + 1))" "$(pg_dir "$1")/log" | grep -cE 'LOG:  (statement|execute [^:]*):' || true; }
  after_src=$(count src "$before_src")
  after_dst=$(count dst "$before_dst")
  for s in src dst; do
    pg_psql "$s" -c "ALTER SYSTEM RESET log_statement"
    pg_psql "$s" -c "SELECT pg_reload_conf()" >/dev/null
  done
  per_table[$1]="source $after_src ($(printf '%.2f' "$(echo "$after_src / $n" | bc -l)")/table), target $after_dst ($(printf '%.2f' "$(echo "$after_dst / $n" | bc -l)")/table)"
}
if [ "$count_statements" = 1 ]; then
  statements_of seg_data
  statements_of plain_data
fi

report() {
  cat <<MD
# Many tiny tables (bench/tiny-tables.sh)

Source: one PostgreSQL 15 database of $n tables \`tN (id int PRIMARY KEY, v text)\` of 3 rows
each, copied to a second local PostgreSQL 15 server. Data only: into the same tables made
beforehand from \`pg_dump -s\` (a fresh copy of them for each run). With schema: into a server
without the database. Each target is checked after each run: its tables, rows and a hash of
every row equal the source's ($source_print). Best of $runs round(s) of the four
methods in turn. Machine: $(nproc) cores, shared; load average before the run $load_before,
after it $(cut -d' ' -f1-3 /proc/loadavg). Both servers: max_locks_per_transaction = $locks
(a dump locks every table in one transaction, pg_dump too).

Command: \`RUNS=$runs STATEMENTS=$count_statements bench/tiny-tables.sh $n\`

| case | method | wall time (s) | ratio to the alternative | all runs (s) |
|---|---|---|---|---|
| data only | \`dump-stream --jobs 2 \\| load-stream --jobs 2\` | ${wall[seg_data]} | $(ratio "${wall[seg_data]}" "${wall[plain_data]}") | ${all[seg_data]} |
| data only | \`pg_dump -a \\| psql\` | ${wall[plain_data]} | 1.000 | ${all[plain_data]} |
| with schema | \`dump-stream --schema --jobs 2 \\| load-stream --schema --create-db --jobs 2\` | ${wall[seg_schema]} | $(ratio "${wall[seg_schema]}" "${wall[dir_schema]}") | ${all[seg_schema]} |
| with schema | \`pg_dump -Fd -j2\` + \`pg_restore -j2 -C\` | ${wall[dir_schema]} | 1.000 | ${all[dir_schema]} |
MD
  if [ "$count_statements" = 1 ]; then
    cat <<MD

Statements the servers ran (log_statement = all), data only, $n tables:

- \`dump-stream | load-stream\`: ${per_table[seg_data]}
- \`pg_dump -a | psql\`: ${per_table[plain_data]}
MD
  fi
  cat <<MD

Commands timed (SRC, DST: the source and the data-only target database; DST_APP: the
schema case's target database, which does not exist yet; DST_ADMIN: the target server's
postgres database):

\`\`\`sh
$SEG_DATA
$PLAIN_DATA
$SEG_SCHEMA
$DIR_SCHEMA
\`\`\`
MD
}
report | tee "$out"
