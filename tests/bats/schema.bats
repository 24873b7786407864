#!/usr/bin/env bats
# A stream as a complete logical backup: dump-stream --schema --globals embeds pg_dump's
# pre-data and post-data (same snapshot), the sequences' values and pg_dumpall's globals;
# load-stream --schema --globals rebuilds the database so that pg_dump --schema-only of both
# sides is identical and every table's contents are equal. SQL from a stream runs only when
# asked for.
load helpers

FIXTURE_SQL=$(cat <<'SQL'
CREATE ROLE app_owner NOLOGIN;
CREATE ROLE app_reader LOGIN PASSWORD 'secret-reader';
CREATE SCHEMA sales AUTHORIZATION app_owner;
CREATE SCHEMA "Mixed Case";
CREATE SEQUENCE public.free_seq START 100 INCREMENT 7;
SELECT nextval('public.free_seq'); SELECT nextval('public.free_seq');
CREATE SEQUENCE public.unused_seq;
CREATE TABLE public.customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE,
  created timestamptz DEFAULT now(), CHECK (length(name) > 0));
CREATE TABLE sales.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL REFERENCES public.customers(id), amount numeric(12,2) CHECK (amount >= 0), note text);
CREATE INDEX orders_customer_idx ON sales.orders (customer_id);
CREATE INDEX orders_note_lower ON sales.orders (lower(note)) WHERE note IS NOT NULL;
CREATE TABLE sales.events (id int, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE sales.events_2023 PARTITION OF sales.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE sales.events_2024 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_at_idx ON sales.events (at);
CREATE TABLE "Mixed Case"."Order Items" ("Item Id" serial PRIMARY KEY, qty int DEFAULT 1, tags text[]);
CREATE TABLE public.audit (id bigserial PRIMARY KEY, what text, at timestamptz DEFAULT now());
CREATE FUNCTION public.audit_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO public.audit(what) VALUES (TG_OP || ' ' || NEW.id); RETURN NEW; END $$;
CREATE TRIGGER customers_audit AFTER INSERT ON public.customers FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE FUNCTION sales.total(c int) RETURNS numeric LANGUAGE sql STABLE
  AS $$ SELECT coalesce(sum(amount), 0) FROM sales.orders WHERE customer_id = c $$;
CREATE VIEW sales.customer_totals AS SELECT c.id, c.name, sales.total(c.id) AS total FROM public.customers c;
CREATE MATERIALIZED VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 500;
CREATE INDEX big_orders_idx ON sales.big_orders (amount);
COMMENT ON TABLE public.customers IS 'people who buy';
COMMENT ON COLUMN sales.orders.amount IS 'in EUR';
ALTER TABLE sales.orders OWNER TO app_owner;
GRANT USAGE ON SCHEMA sales TO app_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA sales TO app_reader;
GRANT SELECT ON public.customers TO app_reader;
INSERT INTO public.customers (name, email) SELECT 'c' || g, 'c' || g || '@x' FROM generate_series(1, 300) g;
INSERT INTO sales.orders (customer_id, amount, note) SELECT 1 + g % 300, (g * 37 % 1000)::numeric / 1.7,
  CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 2000) g;
INSERT INTO sales.events SELECT g, date '2023-06-01' + g % 400, jsonb_build_object('g', g) FROM generate_series(1, 1000) g;
INSERT INTO "Mixed Case"."Order Items" (qty, tags) SELECT g, ARRAY['a' || g, 'b'] FROM generate_series(1, 50) g;
DELETE FROM "Mixed Case"."Order Items" WHERE "Item Id" > 45;
REFRESH MATERIALIZED VIEW sales.big_orders;
SQL
)

# One name per line (some have spaces).
TABLES='public.customers
public.audit
sales.orders
sales.events_2023
sales.events_2024
sales.big_orders
"Mixed Case"."Order Items"'
SEQUENCES='public.free_seq
public.unused_seq
public.customers_id_seq
public.audit_id_seq
sales.orders_id_seq
"Mixed Case"."Order Items_Item Id_seq"'

setup_file() {
  pg_start src
  pg_psql src -c "CREATE DATABASE app"
  pg_psql src app -c "$FIXTURE_SQL" >/dev/null
}

teardown_file() { pg_stop_all; }

setup() {
  # Every test restores into a fresh, empty server.
  pg_start "dst$BATS_TEST_NUMBER"
  DST="dst$BATS_TEST_NUMBER"
}

teardown() { pg_stop "$DST" immediate; }

src() { pg_conn src app; }
dst() { pg_conn "$DST" "${1:-app}"; }

assert_same_schema() {
  diff <(schema_of "$(src)") <(schema_of "$(dst)")
}

assert_same_tables() {
  local t a b
  while IFS= read -r t; do
    a=$(pg_table_hash src app "$t") && b=$(pg_table_hash "$DST" app "$t") && [ "$a" = "$b" ] || {
      echo "table $t differs" >&2
      return 1
    }
  done <<<"${1:-$TABLES}"
}

sequence_values() {
  local name=$1 s
  while IFS= read -r s; do
    pg_psql "$name" app -c "SELECT last_value, is_called FROM $s" || echo "no sequence $s"
  done <<<"$SEQUENCES"
}

@test "--schema --globals through zpipe rebuilds the database exactly" {
  dump-stream -d "$(src)" --schema --globals | zpipe | zpipe -d |
    load-stream -d "$(dst)" --create-db --schema --globals -q
  assert_same_schema
  assert_same_tables
  [ "$(sequence_values src)" = "$(sequence_values "$DST")" ]
  run pg_psql "$DST" -c "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'app_%' ORDER BY 1"
  assert_output $'app_owner|f\napp_reader|t'
  # The materialized view was refreshed (pg_dump files that under post-data) and the trigger
  # did not fire while rows were loaded: audit has the source's rows only.
  run pg_psql "$DST" app -c "SELECT relispopulated FROM pg_class WHERE relname = 'big_orders'"
  assert_output t
}

@test "--jobs 2 on both ends builds indexes and constraints in parallel, same result" {
  dump-stream -d "$(src)" --schema --globals --jobs 2 |
    load-stream -d "$(dst)" --create-db --schema --globals --jobs 2 -q
  assert_same_schema
  assert_same_tables
  [ "$(sequence_values src)" = "$(sequence_values "$DST")" ]
}

@test "each table's own indexes build as its rows commit; the rest (keys, triggers) after" {
  dump-stream -d "$(src)" --schema --globals --jobs 2 >"$BATS_TEST_TMPDIR/a.sgs"
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --globals --jobs 2 -v --early-indexes 0 \
    <"$BATS_TEST_TMPDIR/a.sgs"
  assert_success
  # The final pg_restore leaves out what was built early, and builds the rest: foreign
  # keys, triggers, the partitioned parent's index and its attachments, the matview's.
  [[ "$stderr" == *"skipping item "*" INDEX orders_customer_idx"* ]]
  [[ "$stderr" == *"skipping item "*" CONSTRAINT customers customers_pkey"* ]]
  [[ "$stderr" == *"launching item "*" FK CONSTRAINT orders orders_customer_id_fkey"* ]]
  [[ "$stderr" == *"launching item "*" TRIGGER customers customers_audit"* ]]
  [[ "$stderr" == *"launching item "*" INDEX big_orders_idx"* ]]
  assert_same_schema
  assert_same_tables
}

@test "tables under --early-indexes (16MB by default) build at the end; a bad size is a usage error" {
  dump-stream -d "$(src)" --schema --globals --jobs 2 >"$BATS_TEST_TMPDIR/a.sgs"
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --globals --jobs 2 -v \
    <"$BATS_TEST_TMPDIR/a.sgs"
  assert_success
  [[ "$stderr" != *"skipping item"* ]]
  [[ "$stderr" == *"launching item "*" INDEX orders_customer_idx"* ]]
  assert_same_schema
  run --separate-stderr load-stream -d "$(dst other)" --early-indexes 12XB <"$BATS_TEST_TMPDIR/a.sgs"
  assert_failure 2
}

@test "tables this load created are filled with COPY FREEZE: every page all-visible at once" {
  # Only tables the source estimates at 10,000 rows or more: a tiny table would pay the
  # TRUNCATE for nothing.
  fresh_database src frz
  pg_psql src frz -c "CREATE TABLE big (id int PRIMARY KEY, v text);
    INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
    CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small VALUES (1), (2); ANALYZE"
  dump-stream -d "$T" --schema --jobs 2 | cat >"$BATS_TEST_TMPDIR/f.sgs"
  load-stream -d "$(dst frz)" --create-db --schema --jobs 2 -q <"$BATS_TEST_TMPDIR/f.sgs"
  # ANALYZE (the default after --schema) records the visibility map: without FREEZE no page
  # is all-visible until a VACUUM.
  run pg_psql "$DST" frz -c "SELECT relname, relallvisible = relpages FROM pg_class
    WHERE relname IN ('big', 'small') ORDER BY 1"
  assert_output $'big|t\nsmall|f'
  [ "$(pg_table_hash src frz big)" = "$(pg_table_hash "$DST" frz big)" ]
  # The same stream twice (concatenated): the second copy of each table appends after the
  # first committed, and FREEZE's TRUNCATE never empties rows another part loaded.
  fresh_database "$DST" twice
  cat "$BATS_TEST_TMPDIR/f.sgs" "$BATS_TEST_TMPDIR/f.sgs" |
    load-stream -d "$T" --schema --jobs 2 -q --on-error-continue || true
  [ "$(pg_psql "$DST" twice -c "SELECT count(*) FROM big")" = 40000 ]
}

@test "the stream carries the schema sections in order: globals, pre-data, post-data, tables, sequences" {
  dump-stream -d "$(src)" --schema --globals > "$BATS_TEST_TMPDIR/a.sgs"
  run toc --json "$BATS_TEST_TMPDIR/a.sgs"
  assert_success
  run jq -c '.streams[0].sql_sections' <<<"$output"
  assert_output '["globals","pre-data","post-data","sequences"]'
  # Frame types: 5 SQL, 2 TABLE_BEGIN. Post-data comes before the first table, so that a
  # loader can build each table's indexes as soon as its rows commit; sequences after.
  types=$(stream_frames "$BATS_TEST_TMPDIR/a.sgs" | awk '{ print $2 }' | uniq | tr '\n' ' ')
  [[ "$types" == "1 5 2 "* ]]
  [[ "$types" == *" 4 5 6 7 8 " ]]
}

@test "the password of the connection is never on the child's command line or in the stream" {
  dump-stream -d "$(src) password=not-in-the-stream" --schema --globals > "$BATS_TEST_TMPDIR/a.sgs"
  run grep -c 'not-in-the-stream' "$BATS_TEST_TMPDIR/a.sgs"
  assert_output 0
}

# A pg_dump/pg_dumpall stand-in that records how it was called, and whose "globals" are
# hostile SQL.
fake_bindir() {
  local dir=$BATS_TEST_TMPDIR/fakebin
  mkdir -p "$dir"
  cat > "$dir/pg_dumpall" <<'SH'
#!/bin/sh
printf '%s\n' "$@" > "$(dirname "$0")/args"
printf '%s\n' "${PGPASSWORD:-<unset>}" > "$(dirname "$0")/env"
echo 'CREATE TABLE public.hacked (x int);'
SH
  ln -sf "$(command -v pg_dump)" "$dir/pg_dump"
  chmod +x "$dir/pg_dumpall"
  echo "$dir"
}

@test "the password goes to pg_dumpall in PGPASSWORD, never in its arguments" {
  dir=$(fake_bindir)
  dump-stream -d "$(src) password=s3cret-pw" --globals --pg-bindir "$dir" -o "$BATS_TEST_TMPDIR/a.sgs"
  run cat "$dir/env"
  assert_output s3cret-pw
  run grep -c s3cret-pw "$dir/args"
  assert_output 0
  run grep -c s3cret-pw "$BATS_TEST_TMPDIR/a.sgs"
  assert_output 0
}

@test "a hostile SQL section runs only when asked for" {
  dir=$(fake_bindir)
  dump-stream -d "$(src)" --globals --pg-bindir "$dir" -t public.customers -o "$BATS_TEST_TMPDIR/h.sgs"
  pg_psql "$DST" -c "CREATE DATABASE app"
  pg_psql "$DST" app -c "CREATE TABLE public.customers (id int, name text, email text, created timestamptz)"
  run --separate-stderr load-stream -d "$(dst)" "$BATS_TEST_TMPDIR/h.sgs"
  assert_success
  run pg_psql "$DST" app -c "SELECT to_regclass('public.hacked') IS NULL"
  assert_output t
  pg_psql "$DST" app -c "TRUNCATE public.customers"
  run --separate-stderr load-stream -d "$(dst)" --globals "$BATS_TEST_TMPDIR/h.sgs"
  assert_success
  run pg_psql "$DST" app -c "SELECT to_regclass('public.hacked') IS NULL"
  assert_output f
}

@test "a data-only load of a schema stream executes none of its SQL" {
  dump-stream -d "$(src)" --schema --globals > "$BATS_TEST_TMPDIR/a.sgs"
  pg_psql "$DST" -c "CREATE DATABASE app"
  # Bare tables only: no indexes, no roles, no functions.
  pg_psql "$DST" app -c 'CREATE SCHEMA sales; CREATE SCHEMA "Mixed Case";
    CREATE TABLE public.customers (id int, name text, email text, created timestamptz);
    CREATE TABLE public.audit (id bigint, what text, at timestamptz);
    CREATE TABLE sales.orders (id bigint, customer_id int, amount numeric(12,2), note text);
    CREATE TABLE sales.events_2023 (id int, at date, payload jsonb);
    CREATE TABLE sales.events_2024 (id int, at date, payload jsonb);
    CREATE TABLE "Mixed Case"."Order Items" ("Item Id" int, qty int, tags text[]);'
  run --separate-stderr load-stream -d "$(dst)" "$BATS_TEST_TMPDIR/a.sgs"
  assert_success
  # Materialized views have no rows in a stream (post-data refreshes them).
  assert_same_tables "$(grep -v big_orders <<<"$TABLES")"
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'app_%'"
  assert_output 0
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_indexes WHERE schemaname IN ('public', 'sales')"
  assert_output 0
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_proc WHERE proname IN ('audit_trigger', 'total')"
  assert_output 0
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE relkind IN ('S', 'v', 'm') AND nspname IN ('public', 'sales')"
  assert_output 0
}

@test "--schema-only carries the schema and no rows" {
  dump-stream -d "$(src)" --schema-only > "$BATS_TEST_TMPDIR/a.sgs"
  run --separate-stderr load-stream -d "$(dst)" --create-db --globals --schema --no-owner --no-privileges "$BATS_TEST_TMPDIR/a.sgs"
  assert_success
  run pg_psql "$DST" app -c "SELECT count(*) FROM sales.orders"
  assert_output 0
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer_idx'"
  assert_output 1
}

@test "--data-only carries rows and sequence values; load-stream --schema sets them" {
  # Tables without foreign keys yet (pg_dump -a has the same ordering problem).
  pg_psql "$DST" -c "CREATE DATABASE app"
  pg_dump --section=pre-data --no-owner --no-privileges "$(src)" | psql -X -q -v ON_ERROR_STOP=1 "$(dst)" >/dev/null
  dump-stream -d "$(src)" --data-only | load-stream -d "$(dst)" --schema -q
  assert_same_tables "$(grep -v big_orders <<<"$TABLES")"
  [ "$(sequence_values src)" = "$(sequence_values "$DST")" ]
}

@test "--no-owner --no-privileges restore without the source's roles" {
  dump-stream -d "$(src)" --schema | load-stream -d "$(dst)" --create-db --schema --no-owner --no-privileges -q
  assert_same_tables
  run pg_psql "$DST" app -c "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"
  assert_output postgres
}

@test "roles missing on the target fail the pre-data section with one pg_restore line" {
  dump-stream -d "$(src)" --schema > "$BATS_TEST_TMPDIR/a.sgs"
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema "$BATS_TEST_TMPDIR/a.sgs"
  assert_failure 1
  [[ "$stderr" =~ load-stream:\ error:\ pg_restore\ --section=pre-data\ failed\ \(exit\ status\ 1\):\ .*app_owner ]]
  [ "$(grep -c 'error:' <<<"$stderr")" = 1 ]
  [ "$(grep -c '^load-stream: hint:' <<<"$stderr")" = 1 ]
  # One transaction: nothing of the schema is left behind.
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'sales')"
  assert_output 0
}

@test "--create-db refuses a database that exists" {
  dump-stream -d "$(src)" --schema > "$BATS_TEST_TMPDIR/a.sgs"
  pg_psql "$DST" -c "CREATE DATABASE app"
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema "$BATS_TEST_TMPDIR/a.sgs"
  assert_failure 1
  assert_equal "${stderr_lines[0]}" 'load-stream: error: --create-db: database app already exists'
}

@test "a missing pg_dump is one error line and no output" {
  run --separate-stderr dump-stream -d "$(src)" --schema --pg-bindir /nonexistent -o "$BATS_TEST_TMPDIR/a.sgs"
  assert_failure 1
  [[ "${stderr_lines[0]}" == "dump-stream: error: cannot run /nonexistent/pg_dump"* ]]
  [ ! -s "$BATS_TEST_TMPDIR/a.sgs" ]
}

@test "contradicting options are usage errors" {
  run --separate-stderr dump-stream -d "$(src)" --schema --data-only
  assert_failure 2
  assert_equal "${stderr_lines[0]}" 'dump-stream: error: --schema and --data-only contradict each other'
  run --separate-stderr dump-stream -d "$(src)" --schema-only --data-only
  assert_failure 2
  run --separate-stderr load-stream -d "$(dst)" --schema --table-map a=b </dev/null
  assert_failure 2
  run --separate-stderr load-stream -d "$(dst)" --no-owner </dev/null
  assert_failure 2
  assert_equal "${stderr_lines[0]}" 'load-stream: error: --no-owner and --no-privileges only apply with --schema'
  run --separate-stderr load-stream -d "$(dst)" --schema --single-transaction </dev/null
  assert_failure 2
}

@test "-n selects schemas for rows and schema alike" {
  dump-stream -d "$(src)" -n '"Mixed Case"' --schema | load-stream -d "$(dst)" --create-db --schema -q
  run pg_psql "$DST" app -c "SELECT string_agg(DISTINCT schemaname, ',') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
  assert_output 'Mixed Case'
  assert_same_tables '"Mixed Case"."Order Items"'
  run pg_psql "$DST" app -c 'SELECT last_value FROM "Mixed Case"."Order Items_Item Id_seq"'
  assert_output 50
}

@test "--globals twice: an existing role and an existing tablespace are warnings, the rest loads" {
  local ts
  ts="$(pg_dir "$DST")/ts"
  as_postgres mkdir -p "$ts"
  pg_psql "$DST" -c "CREATE ROLE twice_role"
  pg_psql "$DST" -c "CREATE TABLESPACE twice_ts LOCATION '$ts'"
  pg_psql "$DST" -c "CREATE DATABASE one"
  pg_psql "$DST" one -c "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)"
  dump-stream -d "$(dst one)" --schema --globals >"$BATS_TEST_TMPDIR/g.sgs"
  # Restored onto the same server: every global in the stream exists already.
  run --separate-stderr load-stream -d "$(dst two)" --create-db --schema --globals "$BATS_TEST_TMPDIR/g.sgs"
  assert_success
  [[ "$stderr" == *"warning: CREATE ROLE twice_role: the role exists already; kept"* ]]
  [[ "$stderr" == *"warning: CREATE TABLESPACE twice_ts "*": the tablespace exists already; kept"* ]]
  [ "$(pg_psql "$DST" two -c 'SELECT count(*) FROM t')" = 2 ]
}

@test "a restore with --schema leaves every table analyzed; --no-analyze does not" {
  dump-stream -d "$(src)" --schema > "$BATS_TEST_TMPDIR/app.sgs"
  # --jobs 3: ANALYZE runs on three connections of its own; every loaded table gets it.
  load-stream -d "$(dst)" --create-db --schema --no-owner --no-privileges --jobs 3 -q < "$BATS_TEST_TMPDIR/app.sgs"
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'customers' AND last_analyze IS NOT NULL"
  assert_output 1
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NULL AND relname NOT IN ('events', 'big_orders')"
  assert_output 0
  pg_psql "$DST" postgres -c "DROP DATABASE app"
  load-stream -d "$(dst)" --create-db --schema --no-owner --no-privileges --no-analyze -q < "$BATS_TEST_TMPDIR/app.sgs"
  run pg_psql "$DST" app -c "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'customers' AND last_analyze IS NOT NULL"
  assert_output 0
}

@test "--role sets the role on every connection, pg_dump's and pg_restore's too" {
  pg_psql "$DST" postgres -c "CREATE ROLE app_owner NOLOGIN" -c "CREATE DATABASE app"
  pg_psql "$DST" app -c "GRANT ALL ON SCHEMA public TO app_owner" -c "GRANT CREATE ON DATABASE app TO app_owner"
  dump-stream -d "$(src)" --role app_owner -t public.customers > "$BATS_TEST_TMPDIR/c.sgs" 2>"$BATS_TEST_TMPDIR/err" ||
    grep -q "permission denied" "$BATS_TEST_TMPDIR/err"  # app_owner may not read it: the role was applied
  dump-stream -d "$(src)" -t public.customers > "$BATS_TEST_TMPDIR/c.sgs"
  load-stream -d "$(dst)" --role app_owner --create-tables -q < "$BATS_TEST_TMPDIR/c.sgs"
  run pg_psql "$DST" app -c "SELECT tableowner FROM pg_tables WHERE tablename = 'customers'"
  assert_output app_owner
  run load-stream -d "$(dst)" --role nosuch -q < "$BATS_TEST_TMPDIR/c.sgs"
  assert_failure 1
  assert_output --partial "--role nosuch"
  assert_output --partial 'role "nosuch" does not exist'
}

@test "--clean --if-exists rebuilds a populated target exactly, foreign keys and all" {
  dump-stream -d "$(src)" --schema --globals >"$BATS_TEST_TMPDIR/s.sgs"
  load-stream -d "$(dst)" --create-db --globals --schema -q "$BATS_TEST_TMPDIR/s.sgs"
  # The target drifts: rows added and removed, an index dropped.
  pg_psql "$DST" app -c "INSERT INTO public.customers (name) VALUES ('extra');
    DELETE FROM sales.orders WHERE id % 5 = 0; DROP INDEX sales.orders_note_lower"
  run --separate-stderr load-stream -d "$(dst)" --schema --clean --if-exists "$BATS_TEST_TMPDIR/s.sgs"
  assert_success
  assert_same_schema
  assert_same_tables
  [ "$(sequence_values src)" = "$(sequence_values "$DST")" ]
  # Without --clean the same restore fails on the objects that exist, and says what helps.
  run --separate-stderr load-stream -d "$(dst)" --schema "$BATS_TEST_TMPDIR/s.sgs"
  assert_failure 1
  [[ "$stderr" == *"or --clean drops them first"* ]]
}

@test "--clean needs --schema and contradicts --create-db; --if-exists needs --clean" {
  dump-stream -d "$(src)" -t customers >"$BATS_TEST_TMPDIR/d.sgs"
  run --separate-stderr load-stream -d "$(dst)" --clean "$BATS_TEST_TMPDIR/d.sgs"
  assert_failure 2
  [[ "$stderr" == *"--clean needs --schema"* ]]
  run --separate-stderr load-stream -d "$(dst)" --schema --clean --create-db "$BATS_TEST_TMPDIR/d.sgs"
  assert_failure 2
  run --separate-stderr load-stream -d "$(dst)" --schema --if-exists "$BATS_TEST_TMPDIR/d.sgs"
  assert_failure 2
}

@test "--section restores pre-data, data and post-data one at a time, as pg_restore's" {
  dump-stream -d "$(src)" --schema --globals >"$BATS_TEST_TMPDIR/s.sgs"
  load-stream -d "$(dst)" --create-db --globals --section pre-data -q "$BATS_TEST_TMPDIR/s.sgs"
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM public.customers")" = 0 ]
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_indexes WHERE schemaname = 'sales'")" = 0 ]
  load-stream -d "$(dst)" --section data -q "$BATS_TEST_TMPDIR/s.sgs"
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_indexes WHERE schemaname = 'sales'")" = 0 ]
  [ "$(sequence_values src)" = "$(sequence_values "$DST")" ]
  load-stream -d "$(dst)" --section post-data -q "$BATS_TEST_TMPDIR/s.sgs"
  assert_same_schema
  assert_same_tables
  run --separate-stderr load-stream -d "$(dst)" --section nosuch "$BATS_TEST_TMPDIR/s.sgs"
  assert_failure 2
}

@test "-L restores exactly what an edited toc -l list keeps: objects, rows, sequence values" {
  dump-stream -d "$(src)" --schema --globals >"$BATS_TEST_TMPDIR/s.sgs"
  toc -l "$BATS_TEST_TMPDIR/s.sgs" >"$BATS_TEST_TMPDIR/list"
  grep -qx '0; 0 0 TABLE DATA sales orders -' "$BATS_TEST_TMPDIR/list"
  grep -qx '0; 0 0 TABLE DATA "Mixed Case" "Order Items" -' "$BATS_TEST_TMPDIR/list"
  # Leave out the rows of sales.orders, one index and one sequence value, as with pg_restore -L.
  sed -e 's/^\(0; 0 0 TABLE DATA sales orders \)/;\1/' \
      -e 's/^\([0-9]*; [0-9]* [0-9]* INDEX sales orders_note_lower \)/;\1/' \
      -e 's/^\(0; 0 0 SEQUENCE SET public free_seq \)/;\1/' \
      "$BATS_TEST_TMPDIR/list" >"$BATS_TEST_TMPDIR/edited"
  [ "$(diff "$BATS_TEST_TMPDIR/list" "$BATS_TEST_TMPDIR/edited" | grep -c '^>')" = 3 ]
  load-stream -d "$(dst)" --create-db --globals --schema -L "$BATS_TEST_TMPDIR/edited" -q "$BATS_TEST_TMPDIR/s.sgs"
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM sales.orders")" = 0 ]
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_note_lower'")" = 0 ]
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer_idx'")" = 1 ]
  [ "$(pg_psql "$DST" app -c "SELECT is_called FROM public.free_seq")" = f ]
  [ "$(pg_psql "$DST" app -c "SELECT last_value FROM public.customers_id_seq")" = 300 ]
  assert_same_tables 'public.customers
sales.events_2023
"Mixed Case"."Order Items"'
  # The unedited list restores everything, as no list does.
  pg_psql "$DST" -c "DROP DATABASE app WITH (FORCE)"
  load-stream -d "$(dst)" --create-db --globals --schema -L "$BATS_TEST_TMPDIR/list" -q "$BATS_TEST_TMPDIR/s.sgs"
  assert_same_schema
  assert_same_tables
  printf '215; 1259 16385 TABLE public a postgres\nDROP TABLE x;\n' >"$BATS_TEST_TMPDIR/bad"
  run --separate-stderr load-stream -d "$(dst)" --schema -L "$BATS_TEST_TMPDIR/bad" "$BATS_TEST_TMPDIR/s.sgs"
  assert_failure 2
  [[ "$stderr" == *"line 2 of the list is not a line of toc -l or pg_restore -l: DROP TABLE x;"* ]]
}

@test "-v shows pg_restore's line per object and load-stream's line per table" {
  dump-stream -d "$(src)" --schema --globals >"$BATS_TEST_TMPDIR/s.sgs"
  run --separate-stderr load-stream -d "$(dst)" --create-db --globals --schema -v "$BATS_TEST_TMPDIR/s.sgs"
  assert_success
  [[ "$stderr" == *'pg_restore: creating TABLE "public.customers"'* ]]
  [[ "$stderr" == *'load-stream: committed public.customers: 300 rows, '* ]]
  [[ "$stderr" == *'pg_restore: creating INDEX "sales.orders_customer_idx"'* ]]
}
