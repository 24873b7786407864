#!/usr/bin/env bash
# `make demo`: the main job on throwaway servers. Starts two PostgreSQL 15 servers, fills
# the source with pgbench tables and a table of every common type, copies it with
# `dump-stream | load-stream` (serial, then --jobs 2 through zstd), lists the stream with
# toc, proves source and target hold the same rows, and cleans up.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="${SEGSTREAM_BIN:-$root/build/bin}:$PATH"
source "$root/scripts/pg-cluster.sh"
work=$(mktemp -d /tmp/segstream-demo.XXXXXX)
trap 'pg_stop_all; rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; eval "$@"; }

step "starting two throwaway PostgreSQL 15 servers (source, target)"
pg_start source
pg_start target
src=$(pg_conn source demo)
dst=$(pg_conn target demo)
pg_psql source -c "CREATE DATABASE demo"
pg_psql target -c "CREATE DATABASE demo"

step "sample data: pgbench scale 2, and a table with every common type"
PGOPTIONS='-c client_min_messages=warning' pgbench -q -i -s 2 "$src" 2>&1 | tail -1
pg_psql source demo <<'SQL'
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "Every Type" (
  id bigint PRIMARY KEY, small smallint, num numeric, f8 float8, t text, b bytea, ok boolean,
  d date, ts timestamp, tstz timestamptz, iv interval, u uuid, j jsonb, arr int[], m mood,
  r int4range, ip inet, mac macaddr);
INSERT INTO "Every Type"
SELECT g, g % 32767, g * 1.000001, CASE WHEN g % 97 = 0 THEN 'NaN'::float8 ELSE g / 7.0 END,
       E'tab\there, newline\nand backslash \\ ' || repeat('ü', g % 5),
       decode(md5(g::text), 'hex'), g % 2 = 0, DATE '2020-01-01' + g,
       TIMESTAMP '2020-01-01' + g * interval '1 minute', now() - g * interval '1 hour',
       g * interval '1 second', md5(g::text)::uuid, jsonb_build_object('g', g, 'a', ARRAY[g, g]),
       ARRAY[g, NULL, g + 1], (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::mood,
       int4range(g, g + 10), ('10.0.' || g % 256 || '.1')::inet, '08:00:2b:01:02:03'
FROM generate_series(1, 20000) g;
SQL
tables=(pgbench_accounts pgbench_branches pgbench_tellers pgbench_history '"Every Type"')
# The target gets the same empty tables: data-only copy into pre-created tables.
pg_dump --schema-only "$src" | pg_psql target demo >/dev/null

step "copy: dump-stream | load-stream"
show dump-stream -d "'$src'" \| load-stream -d "'$dst'" --truncate

step "backup to a compressed file with parallel jobs, inspect it, restore it"
show dump-stream -d "'$src'" --jobs 2 \| zpipe -c zstd -T 2 \> "$work/demo.sgs"
show toc "$work/demo.sgs"
show toc --verify "$work/demo.sgs"
show zpipe -d \< "$work/demo.sgs" \| load-stream -d "'$dst'" --jobs 2 --truncate

step "migration in one pipe, parallel on both ends (as over ssh)"
show dump-stream -d "'$src'" --jobs 2 \| zpipe -c zstd \| zpipe -d \| load-stream -d "'$dst'" --jobs 2 --truncate

step "proof: every table's contents are equal on both servers"
for t in "${tables[@]}"; do
  a=$(pg_table_hash source demo "$t")
  b=$(pg_table_hash target demo "$t")
  if [ "$a" != "$b" ]; then echo "MISMATCH in $t: $a vs $b" >&2; exit 1; fi
  printf '  %-20s %s  equal\n' "$t" "$a"
done
step "demo finished: servers stopped, temporary files removed"
