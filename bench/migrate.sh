#!/usr/bin/env bash
# A full migration, schema and indexes included, of one test database (pgbench at SCALE
# with foreign keys, plus a mixed-type table of MIXED rows with two indexes: 1.5 GB on disk
# at the defaults) into an empty server, four ways, each timed from nothing to a complete
# copy (CREATE DATABASE included), in ROUNDS rounds that alternate the methods:
#   segstream:   dump-stream --schema --jobs 2 | load-stream --schema --create-db --jobs 2
#   plain:       pg_dump | psql
#   directory:   pg_dump -Fd -j2 then pg_restore -j2
#   pgcopydb:    pgcopydb clone --table-jobs 2 --index-jobs 2 (Debian's pgcopydb)
# Each run is checked complete: every table's row count and content hash, and the target's
# index and constraint counts, equal the source's. Reports the median wall time, the client
# CPU (user + system of every client process: the dump, load, pg_restore, psql, pgcopydb
# children) per GB moved, the servers' CPU, and the ratios; writes docs/benchmarks-schema.md.
#   bench/migrate.sh [SCALE [MIXED]]    ROUNDS=3 by default
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SEGSTREAM_BIN:-$ROOT/build/bin}
SCALE=${1:-100}
MIXED=${2:-2000000}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$ROOT/docs/benchmarks-schema.md}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$BIN:$PATH" LC_ALL=C
source "$ROOT/scripts/pg-cluster.sh"
WORK=$(mktemp -d /tmp/segstream-bench-migrate.XXXXXX)
chmod 777 "$WORK"
trap 'pg_stop_all; rm -rf "$WORK"' EXIT

pg_start src
pg_start dst
pg_psql src -c "CREATE DATABASE app"
SRC=$(pg_conn src app)
echo "bench: building the source database (pgbench scale $SCALE, $MIXED mixed rows)" >&2
"$PGBIN/pgbench" -i -q -s "$SCALE" --foreign-keys "$SRC" >/dev/null 2>&1
pg_psql src app -c "
  CREATE TABLE mixed (id bigint PRIMARY KEY, name text, amount numeric(12,2), ratio float8,
    created timestamptz, flag boolean, tags text[], doc jsonb, ref uuid);
  INSERT INTO mixed SELECT g, 'name ' || md5(g::text), (g % 100000) / 100.0, g / 7.0,
    timestamptz '2020-01-01' + g * interval '1 second', g % 3 = 0,
    ARRAY['t' || g % 10, 't' || g % 7], jsonb_build_object('g', g, 'h', md5(g::text)),
    md5(g::text)::uuid FROM generate_series(1, $MIXED) g;
  CREATE INDEX mixed_created ON mixed (created);" >/dev/null
pg_psql src app -c "VACUUM ANALYZE"
size=$(pg_psql src app -c "SELECT pg_size_pretty(pg_database_size('app'))")
bytes=$(pg_psql src app -c "SELECT pg_database_size('app')")
echo "bench: source database is $size" >&2

drop_target() { pg_psql dst -c "DROP DATABASE IF EXISTS app"; }
DST=$(pg_conn dst app)
DST_ADMIN=$(pg_conn dst postgres)
export SRC DST DST_ADMIN WORK

TABLES="pgbench_accounts pgbench_branches pgbench_tellers pgbench_history mixed"
table_sum() { pg_psql "$1" app -c "SELECT count(*), sum(hashtext(t::text)::bigint) FROM $2 t"; }
object_counts() {
  pg_psql "$1" app -c "SELECT (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relnamespace = 'public'::regnamespace),
    (SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace)"
}
SOURCE_OBJECTS=$(object_counts src)
check_complete() {
  local t
  for t in $TABLES; do
    [ "$(table_sum src "$t")" = "$(table_sum dst "$t")" ] ||
      { echo "bench: $1: table $t differs" >&2; exit 1; }
  done
  [ "$(object_counts dst)" = "$SOURCE_OBJECTS" ] ||
    { echo "bench: $1: indexes|constraints $(object_counts dst), source $SOURCE_OBJECTS" >&2; exit 1; }
}

SEG_CMD='dump-stream -d "$SRC" --schema --jobs 2 -q | load-stream -d "$DST" --create-db --schema --jobs 2 -q'
PLAIN_CMD='psql "$DST_ADMIN" -X -q -c "CREATE DATABASE app" && pg_dump "$SRC" | psql "$DST" -X -q -v ON_ERROR_STOP=1 >/dev/null'
DIR_CMD='pg_dump -Fd -j2 -f "$WORK/dir" "$SRC" && pg_restore -C -j2 -d "$DST_ADMIN" "$WORK/dir"'
COPYDB_CMD='psql "$DST_ADMIN" -X -q -c "CREATE DATABASE app" && pgcopydb clone --source "$SRC" --target "$DST" --table-jobs 2 --index-jobs 2 --dir "$WORK/pgcopydb" --no-owner >/dev/null 2>&1'
NAMES=(segstream "pg_dump | psql" "pg_dump -Fd -j2 + pg_restore -j2")
declare -A CMD=([segstream]=$SEG_CMD ["pg_dump | psql"]=$PLAIN_CMD
  ["pg_dump -Fd -j2 + pg_restore -j2"]=$DIR_CMD ["pgcopydb clone"]=$COPYDB_CMD)
command -v pgcopydb >/dev/null && NAMES+=("pgcopydb clone")
# METHODS=split: segstream alone, with and without splitting the big table (the measurement
# behind --split-larger-than's default).
# METHODS=format: segstream alone, its default (binary COPY for these built-in types)
# against -F text. METHODS=all: the four methods and segstream -F text.
CMD["segstream, -F text"]=${SEG_CMD/--schema --jobs 2 -q/--schema --jobs 2 -q -F text}
[ "${METHODS:-}" = format ] && NAMES=(segstream "segstream, -F text")
[ "${METHODS:-}" = all ] && NAMES+=("segstream, -F text")
if [ "${METHODS:-}" = split ]; then
  CMD["segstream, --split-larger-than off"]=${SEG_CMD/--schema --jobs 2 -q/--schema --jobs 2 -q --split-larger-than off}
  NAMES=(segstream "segstream, --split-larger-than off")
fi

# CPU seconds the servers have spent so far: each postmaster's own and its reaped children's
# (every backend and parallel worker that has exited), plus what its live children (the
# checkpointer, WAL writer and the rest) have used. The difference across a run is what that
# run cost the servers, which no client can save: with the client's, it bounds the wall time
# from below on this machine's cores.
TICKS=$(getconf CLK_TCK)
server_cpu() {
  local name pid child ticks=0 f
  for name in src dst; do
    pid=$(head -1 "$(pg_dir "$name")/data/postmaster.pid")
    read -r -a f <<<"$(sed 's/^.*) //' "/proc/$pid/stat")"
    # after the "(comm) " prefix, field 14 of stat (utime) is index 11
    ticks=$((ticks + f[11] + f[12] + f[13] + f[14]))
    for child in $(pgrep -P "$pid"); do
      read -r -a f <<<"$(sed 's/^.*) //' "/proc/$child/stat" 2>/dev/null)"
      [ "${#f[@]}" -gt 14 ] || continue  # it has just exited: the postmaster counts it
      ticks=$((ticks + f[11] + f[12]))
    done
  done
  echo "$ticks / $TICKS" | bc -l
}

declare -A WALLS CPUS SERVER_CPUS
run_case() {
  local name=$1 times
  drop_target
  rm -rf "$WORK/dir" "$WORK/pgcopydb"
  pg_psql dst -c "CHECKPOINT"
  local server_before
  server_before=$(server_cpu)
  # %e wall, %U + %S the CPU of bash and every child it waited for: the client programs.
  /usr/bin/time -o "$WORK/time" -f "%e %U %S" bash -o pipefail -c "${CMD[$name]}"
  read -r wall user sys <"$WORK/time"
  local server
  server=$(echo "$(server_cpu) - $server_before" | bc -l)
  WALLS[$name]+="$wall "
  CPUS[$name]+="$(echo "$user + $sys" | bc -l) "
  SERVER_CPUS[$name]+="$server "
  printf 'bench: %s: %s s wall, %s + %s s client CPU, %.2f s server CPU\n' "$name" "$wall" \
    "$user" "$sys" "$server" >&2
  check_complete "$name"
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
  echo "bench: round $round of $ROUNDS" >&2
  # Alternate the order so that no method always runs right after the same one.
  if [ $((round % 2)) = 1 ]; then order=("${NAMES[@]}"); else
    order=(); for ((i = ${#NAMES[@]} - 1; i >= 0; i--)); do order+=("${NAMES[$i]}"); done; fi
  for name in "${order[@]}"; do run_case "$name"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

seg=$(median "${WALLS[segstream]}")
gb=$(echo "$bytes / 1000000000" | bc -l)
{
  echo "# Full migration with schema and indexes (bench/migrate.sh)"
  echo
  echo "Source: one PostgreSQL 15 database of $size: pgbench at scale $SCALE with foreign"
  echo "keys, and a $MIXED-row table of mixed types (text, numeric, float8, timestamptz,"
  echo "boolean, text[], jsonb, uuid) with a primary key and one more index. Each run starts"
  echo "with no target database and ends with every table's rows and hash, and the index and"
  echo "constraint counts, checked equal to the source's. Same machine, same run, $ROUNDS rounds"
  echo "alternating the order; 2 jobs wherever a tool has jobs. Machine: $(nproc) cores, load"
  echo "average $load_before before and $load_after after."
  echo
  echo "Command: \`ROUNDS=$ROUNDS${METHODS:+ METHODS=$METHODS} bench/migrate.sh $SCALE $MIXED\`"
  echo
  echo "| method | median wall (s) | all runs (s) | its time / segstream's | client CPU per GB (core-s) | server CPU (core-s) | (client + server CPU) / $(nproc) cores (s) |"
  echo "|---|---|---|---|---|---|---|"
  for name in "${NAMES[@]}"; do
    w=$(median "${WALLS[$name]}")
    c=$(median "${CPUS[$name]}")
    sc=$(median "${SERVER_CPUS[$name]}")
    printf '| %s | %s | %s | %.2f | %.2f | %.1f | %.1f |\n' "${name//|/\\|}" "$w" \
      "${WALLS[$name]% }" "$(echo "$w / $seg" | bc -l)" "$(echo "$c / $gb" | bc -l)" "$sc" \
      "$(echo "($c + $sc) / $(nproc)" | bc -l)"
  done
  echo
  echo "Server CPU is what both servers' processes spent during the run. The last column is the"
  echo "least wall time the run could take on these cores if nothing else ran and no core sat idle."
  echo
  echo "Commands timed (SRC, DST: the source and target databases; DST_ADMIN: the target"
  echo "server's postgres database):"
  echo
  echo '```sh'
  for name in "${NAMES[@]}"; do echo "${CMD[$name]}"; done
  echo '```'
} >"$OUT"
cat "$OUT"
