#!/usr/bin/env bats
# toc --list-schema lists the schema objects a stream carries (pg_restore -l style) and
# toc --extract-schema prints their SQL, both without a database (pg_restore reads the
# embedded pg_dump archives).
load helpers

setup_file() {
  pg_start src
  pg_start dst
  pg_psql src -c "CREATE DATABASE app"
  pg_psql src app -c "
    CREATE ROLE toc_reader NOLOGIN;
    CREATE TABLE public.customers (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE public.orders (id int PRIMARY KEY, customer int REFERENCES public.customers(id), amount numeric);
    CREATE INDEX orders_customer_idx ON public.orders (customer);
    CREATE VIEW public.big AS SELECT * FROM public.orders WHERE amount > 10;
    GRANT SELECT ON public.orders TO toc_reader;
    INSERT INTO public.customers (name) SELECT 'c' || g FROM generate_series(1, 20) g;
    INSERT INTO public.orders SELECT g, 1 + g % 20, g FROM generate_series(1, 100) g;" >/dev/null
  dump-stream -d "$(pg_conn src app)" --schema --globals > "$BATS_FILE_TMPDIR/a.sgs"
  dump-stream -d "$(pg_conn src app)" --no-sequences > "$BATS_FILE_TMPDIR/rows.sgs"
}

teardown_file() { pg_stop_all; }

@test "--list-schema lists pre-data and post-data objects like pg_restore -l" {
  run --separate-stderr toc --list-schema "$BATS_FILE_TMPDIR/a.sgs"
  assert_success
  assert_line '; stream 1, section globals'
  assert_line '; stream 1, section pre-data'
  assert_line '; stream 1, section post-data'
  assert_line '; stream 1, section sequences'
  assert_line --regexp '^[0-9]+; [0-9]+ [0-9]+ TABLE public customers postgres$'
  assert_line --regexp '^[0-9]+; [0-9]+ [0-9]+ VIEW public big postgres$'
  assert_line --regexp '^[0-9]+; [0-9]+ [0-9]+ INDEX public orders_customer_idx postgres$'
  assert_line --regexp '^[0-9]+; [0-9]+ [0-9]+ FK CONSTRAINT public orders orders_customer_fkey postgres$'
  assert_line '0; 0 0 SEQUENCE SET public customers_id_seq 20'
  assert_equal "$stderr" ''
}

@test "--extract-schema prints SQL that rebuilds the schema" {
  run --separate-stderr toc --extract-schema "$BATS_FILE_TMPDIR/a.sgs"
  assert_success
  assert_line --partial 'CREATE ROLE toc_reader;'
  assert_line 'CREATE TABLE public.customers ('
  assert_line 'CREATE INDEX orders_customer_idx ON public.orders USING btree (customer);'
  assert_line "SELECT pg_catalog.setval('public.customers_id_seq', 20, true);"
  # Without the globals (the roles exist on the target already), it applies with psql.
  pg_psql dst -c "CREATE DATABASE app"
  pg_psql dst -c "CREATE ROLE toc_reader NOLOGIN"
  toc --extract-schema "$BATS_FILE_TMPDIR/a.sgs" | sed '/^-- stream 1, section globals$/,/^-- stream 1, section pre-data$/d' |
    psql -X -q -v ON_ERROR_STOP=1 "$(pg_conn dst app)" >/dev/null
  diff <(schema_of "$(pg_conn src app)") <(schema_of "$(pg_conn dst app)")
}

@test "a stream without schema sections says so on stderr and lists only its tables' data" {
  run --separate-stderr toc --list-schema "$BATS_FILE_TMPDIR/rows.sgs"
  assert_success
  assert_output "$(printf '; stream 1, section data\n0; 0 0 TABLE DATA public customers -\n0; 0 0 TABLE DATA public orders -')"
  assert_equal "$stderr" "toc: $BATS_FILE_TMPDIR/rows.sgs has no schema sections (dump-stream --schema writes them)"
}

@test "--list-schema works on a pipe and on a compressed stream" {
  run --separate-stderr bash -c "zpipe -c zstd < '$BATS_FILE_TMPDIR/a.sgs' | toc --list-schema"
  assert_success
  assert_line --regexp 'TABLE public orders postgres$'
}

@test "a truncated stream fails --extract-schema with status 3" {
  head -c 2000 "$BATS_FILE_TMPDIR/a.sgs" > "$BATS_TEST_TMPDIR/cut.sgs"
  run --separate-stderr toc --extract-schema "$BATS_TEST_TMPDIR/cut.sgs"
  assert_failure 3
  [[ "${stderr_lines[0]}" == "toc: error: "* ]]
}

@test "--list-schema goes alone" {
  run --separate-stderr toc --list-schema --json "$BATS_FILE_TMPDIR/a.sgs"
  assert_failure 2
  run --separate-stderr toc --list-schema --extract-schema "$BATS_FILE_TMPDIR/a.sgs"
  assert_failure 2
  [[ "${stderr_lines[0]}" == "toc: error: --list-schema and --extract-schema go alone"* ]]
}
