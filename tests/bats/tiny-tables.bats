#!/usr/bin/env bats
# Many small tables (issue 14): the per-table catalog work is batched. load-stream reads the
# announced targets' catalog in one query, and dump-stream locks its tables in pipelined
# batches; the checks and messages stay those of the per-table path.
load helpers

setup_file() {
  pg_start src
  pg_start dst
  pg_psql src -c "CREATE DATABASE app"
  # 600 tables: more than one batch of locks (500).
  pg_psql src app -c "DO \$\$ BEGIN FOR i IN 1..600 LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i);
    EXECUTE format('INSERT INTO t%s VALUES (1, %L), (2, NULL)', i, 'row of ' || i);
  END LOOP; END \$\$" >/dev/null
}

teardown_file() { pg_stop_all; }

setup() {
  W="$BATS_TEST_TMPDIR"
  fresh_database dst t
}

# Lines the target server logged while running CMD... with log_statement = all.
logged_statements() {
  local before
  pg_psql dst -c "ALTER SYSTEM SET log_statement = 'all'"
  pg_psql dst -c "SELECT pg_reload_conf()" >/dev/null
  before=$(wc -l <"$(pg_dir dst)/log")
  "$@" || true
  pg_psql dst -c "ALTER SYSTEM RESET log_statement"
  pg_psql dst -c "SELECT pg_reload_conf()" >/dev/null
  tail -n +"$((before + 1))" "$(pg_dir dst)/log" >"$W/statements.log"
}

@test "the announced targets' catalog is read once, not per table" {
  dump-stream -d "$(pg_conn src app)" -q -o "$W/all.sgs"
  pg_dump -s "$(pg_conn src app)" | pg_psql dst t >/dev/null
  logged_statements load-stream -d "$T" --jobs 2 -q "$W/all.sgs"
  # The per-table lookup of a relation by name never ran; the batched one ran once.
  [ "$(grep -c 'c.relname = \$2' "$W/statements.log")" -eq 0 ]
  [ "$(grep -c 'json_to_recordset' "$W/statements.log")" -eq 1 ]
  [ "$(pg_psql dst t -c "SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', relname), false, true, '')))[1]::text::int) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")" = 1200 ]
  [ "$(pg_table_hash src app t600)" = "$(pg_table_hash dst t t600)" ]
}

@test "prefetched targets are checked as before: a missing column, a missing table" {
  dump-stream -d "$(pg_conn src app)" -t t1 -t t2 -q -o "$W/two.sgs"
  pg_psql dst t -c "CREATE TABLE t1 (id int PRIMARY KEY)"
  run --separate-stderr load-stream -d "$T" --on-error-continue "$W/two.sgs"
  assert_failure 4
  [[ "$stderr" == *"incompatible columns: target public.t1 has no column v"* ]]
  [[ "$stderr" == *"target table public.t2 does not exist"* ]]
  # --create-tables makes the missing one from the stream's columns.
  run --separate-stderr load-stream -d "$T" --on-error-continue --create-tables "$W/two.sgs"
  assert_failure 4
  [ "$(pg_table_hash src app t2)" = "$(pg_table_hash dst t t2)" ]
}

@test "a lock timeout in the second batch of locks names its table" {
  hold_lock "$(pg_conn src app)" t550 "$W"
  run --separate-stderr timeout 60 dump-stream -d "$(pg_conn src app)" --lock-wait-timeout 200ms \
    -o "$W/l.sgs"
  release_lock
  assert_failure 1
  [[ "$stderr" == *"cannot lock table"*"public.t550"* ]]
  [[ "$stderr" == *"raise --lock-wait-timeout"* ]]
  [ ! -e "$W/l.sgs" ]
}
