#!/usr/bin/env bash
# A full migration, schema and indexes included, of one test database (>= 1 GB on disk with
# its indexes) into an empty server, four ways in the same run, each timed from nothing to
# a complete copy (CREATE DATABASE included):
#   segstream:   dump-stream --schema --jobs 2 | zpipe | zpipe -d | load-stream --schema --jobs 2
#   plain:       pg_dump | psql
#   directory:   pg_dump -Fd -j2 then pg_restore -j2
#   pgcopydb:    pgcopydb clone --table-jobs 2 --index-jobs 2
# Prints wall times and the ratios to segstream; writes docs/benchmarks-schema.md.
#   bench/migrate.sh [SCALE]    (default 12: about 1.1 GB on disk with indexes)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SEGSTREAM_BIN:-$ROOT/build/bin}
SCALE=${1:-12}
OUT=${OUT:-$ROOT/docs/benchmarks-schema.md}
export PATH="$BIN:$PATH" LC_ALL=C
source "$ROOT/scripts/pg-cluster.sh"
WORK=$(mktemp -d /tmp/segstream-bench-migrate.XXXXXX)
chmod 777 "$WORK"
trap 'pg_stop_all; rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
elapsed() { printf '%.1f' "$(echo "$2 - $1" | bc -l)"; }
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

pg_start src
pg_start dst
pg_psql src -c "CREATE DATABASE app"
SRC=$(pg_conn src app)
echo "bench: building the source database (scale $SCALE)" >&2
# Several tables of different widths, secondary indexes, foreign keys and sequences, so the
# post-data phase (index and constraint builds) is a real part of the work.
pg_psql src app -c "
  CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text, created timestamptz);
  CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers(id),
    amount numeric(12,2), status text, created timestamptz);
  CREATE TABLE order_lines (order_id bigint REFERENCES orders(id), line int, sku text, qty int,
    price numeric(10,2), PRIMARY KEY (order_id, line));
  CREATE TABLE events (id bigserial PRIMARY KEY, at timestamptz, kind text, payload jsonb);
  INSERT INTO customers (name, email, created) SELECT 'customer ' || g, 'c' || g || '@example.com',
    timestamptz '2020-01-01' + g * interval '1 minute' FROM generate_series(1, 200000 * $SCALE / 10) g;
  INSERT INTO orders (customer_id, amount, status, created) SELECT 1 + g % (200000 * $SCALE / 10),
    (g % 100000) / 100.0, (ARRAY['new','paid','sent','done'])[1 + g % 4],
    timestamptz '2021-01-01' + g * interval '10 seconds' FROM generate_series(1, 1500000 * $SCALE / 10) g;
  INSERT INTO order_lines SELECT 1 + g / 3, g % 3, 'SKU-' || (g % 5000), 1 + g % 7, (g % 1000) / 10.0
    FROM generate_series(0, 4500000 * $SCALE / 10 - 1) g;
  INSERT INTO events (at, kind, payload) SELECT timestamptz '2022-01-01' + g * interval '1 second',
    'kind' || g % 20, jsonb_build_object('g', g, 'text', md5(g::text)) FROM generate_series(1, 1500000 * $SCALE / 10) g;
  CREATE INDEX orders_customer ON orders (customer_id);
  CREATE INDEX orders_created ON orders (created);
  CREATE INDEX lines_sku ON order_lines (sku);
  CREATE INDEX events_at ON events (at);
  CREATE INDEX events_kind ON events (kind);" >/dev/null
pg_psql src app -c "VACUUM ANALYZE"
size=$(pg_psql src app -c "SELECT pg_size_pretty(pg_database_size('app'))")
echo "bench: source database is $size" >&2

drop_target() { pg_psql dst -c "DROP DATABASE IF EXISTS app"; }
DST=$(pg_conn dst app)
DST_ADMIN=$(pg_conn dst postgres)
export SRC DST

# Row count and an order-independent sum of row hashes (cheaper than pg_table_hash at this size).
table_sum() { pg_psql "$1" app -c "SELECT count(*), sum(hashtext(t::text)::bigint) FROM $2 t"; }
check_equal() {
  local t
  for t in customers orders order_lines events; do
    [ "$(table_sum src "$t")" = "$(table_sum dst "$t")" ] ||
      { echo "bench: $1: table $t differs" >&2; exit 1; }
  done
}

declare -A WALL
run_case() {
  local name=$1 cmd=$2 s e
  drop_target
  pg_psql dst -c "CHECKPOINT"
  echo "bench: $name" >&2
  s=$(now)
  (cd "$WORK" && bash -o pipefail -c "$cmd")
  e=$(now)
  WALL[$name]=$(elapsed "$s" "$e")
  echo "bench: $name ${WALL[$name]} s" >&2
  check_equal "$name"
  rm -rf "$WORK/dir"
}

SEG_CMD='dump-stream -d "$SRC" --schema --jobs 2 -q | zpipe | zpipe -d | load-stream -d "$DST" --create-db --schema --jobs 2 -q'
export DST_ADMIN WORK
PLAIN_CMD='psql "$DST_ADMIN" -X -q -c "CREATE DATABASE app" && pg_dump "$SRC" | psql "$DST" -X -q -v ON_ERROR_STOP=1 >/dev/null'
DIR_CMD='pg_dump -Fd -j2 -f dir "$SRC" && pg_restore -C -j2 -d "$DST_ADMIN" dir'
COPYDB_CMD='psql "$DST_ADMIN" -X -q -c "CREATE DATABASE app" && pgcopydb clone --source "$SRC" --target "$DST" --table-jobs 2 --index-jobs 2 --dir "$WORK/pgcopydb" --no-owner >/dev/null 2>&1'

run_case segstream "$SEG_CMD"
run_case "pg_dump | psql" "$PLAIN_CMD"
run_case "pg_dump -Fd -j2 + pg_restore -j2" "$DIR_CMD"
if command -v pgcopydb >/dev/null; then
  run_case "pgcopydb clone" "$COPYDB_CMD"
fi

seg=${WALL[segstream]}
{
  echo "# Full migration with schema and indexes (bench/migrate.sh)"
  echo
  echo "Source: one PostgreSQL 15 database of $size (4 tables, 5 secondary indexes, 2 foreign"
  echo "keys, sequences), migrated into an empty database of a second local server; each run"
  echo "starts with no target database and ends with every table's contents verified equal."
  echo "Same machine, same run, 2 jobs wherever a tool has jobs. Machine: $(nproc) cores, shared."
  echo
  echo "Command: \`bench/migrate.sh $SCALE\`"
  echo
  echo "| method | wall time (s) | ratio to segstream |"
  echo "|---|---|---|"
  for name in segstream "pg_dump | psql" "pg_dump -Fd -j2 + pg_restore -j2" "pgcopydb clone"; do
    [ -n "${WALL[$name]:-}" ] || continue
    echo "| ${name//|/\\|} | ${WALL[$name]} | $(ratio "${WALL[$name]}" "$seg") |"
  done
  echo
  echo "Commands timed (SRC, DST: the source and target databases; DST_ADMIN: the target"
  echo "server's postgres database):"
  echo
  echo '```sh'
  echo "$SEG_CMD"
  echo "$PLAIN_CMD"
  echo "$DIR_CMD"
  echo "$COPYDB_CMD"
  echo '```'
} > "$OUT"
cat "$OUT"
