#!/usr/bin/env bats
# Resumable migrations: load-stream --resume journals each committed table part in
# segstream.journal on the target, in the transaction that commits it, and skips what is
# journaled when the interrupted migration is run again; --list-done tells dump-stream what
# it need not send again.
load helpers

TABLES='public.t1
public.t2
public.t3
public.t4
public.t5
"Odd Schema"."Mixed Name"'

setup_file() {
  pg_start src
  pg_psql src -c "CREATE DATABASE app"
  pg_psql src app -c '
    CREATE SCHEMA "Odd Schema";
    CREATE TABLE public.t1 (id int PRIMARY KEY, v text);
    CREATE TABLE public.t2 (id int PRIMARY KEY, v text);
    CREATE TABLE public.t3 (id int PRIMARY KEY, v text);
    CREATE TABLE public.t4 (id int PRIMARY KEY, v text);
    CREATE TABLE public.t5 (id int PRIMARY KEY, v text);
    CREATE TABLE "Odd Schema"."Mixed Name" (id int PRIMARY KEY, v text);
    CREATE INDEX t1_v ON public.t1 (v);
    CREATE SEQUENCE public.s START 40;
    SELECT nextval($$public.s$$);
    INSERT INTO public.t1 SELECT g, md5(g::text) FROM generate_series(1, 30000) g;
    INSERT INTO public.t2 SELECT g, md5(g::text) FROM generate_series(1, 25000) g;
    INSERT INTO public.t3 SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
    INSERT INTO public.t4 SELECT g, md5(g::text) FROM generate_series(1, 15000) g;
    INSERT INTO public.t5 SELECT g, md5(g::text) FROM generate_series(1, 10000) g;
    INSERT INTO "Odd Schema"."Mixed Name" SELECT g, md5(g::text) FROM generate_series(1, 5000) g;' >/dev/null
  dump-stream -d "$(pg_conn src app)" --schema > "$BATS_FILE_TMPDIR/full.sgs"
}

teardown_file() { pg_stop_all; }

setup() {
  pg_start "dst$BATS_TEST_NUMBER"
  DST="dst$BATS_TEST_NUMBER"
}

teardown() { pg_stop "$DST" immediate; }

src() { pg_conn src app; }
dst() { pg_conn "$DST" app; }

# The first half of the stream: what a killed ssh pipe would have delivered.
half_stream() { head -c $(($(stat -c %s "$BATS_FILE_TMPDIR/full.sgs") / 2)) "$BATS_FILE_TMPDIR/full.sgs"; }

assert_same_tables() {
  local t a b
  while IFS= read -r t; do
    a=$(pg_psql src app -c "SELECT count(*) FROM $t")
    b=$(pg_psql "$DST" app -c "SELECT count(*) FROM $t")
    [ "$a" = "$b" ] || { echo "table $t: $a rows at the source, $b at the target" >&2; return 1; }
    [ "$(pg_table_hash src app "$t")" = "$(pg_table_hash "$DST" app "$t")" ] ||
      { echo "table $t differs" >&2; return 1; }
  done <<<"$TABLES"
}

make_target_tables() {
  pg_psql "$DST" -c "CREATE DATABASE app"
  pg_dump --section=pre-data "$(src)" | psql -X -q -v ON_ERROR_STOP=1 "$(dst)" >/dev/null
}

@test "an interrupted load run again with --resume ends equal, with no duplicated rows" {
  make_target_tables
  run --separate-stderr load-stream -d "$(dst)" --resume < <(half_stream)
  assert_failure 3
  done_before=$(pg_psql "$DST" app -c "SELECT count(*) FROM segstream.journal")
  [ "$done_before" -ge 1 ]
  [ "$done_before" -lt 6 ]
  run --separate-stderr load-stream -d "$(dst)" --resume --keep-journal "$BATS_FILE_TMPDIR/full.sgs"
  assert_success
  [[ "$stderr" == *"skipped $done_before table parts committed by an earlier run"* ]] ||
    [[ "$stderr" == *"skipped $done_before table part committed by an earlier run"* ]]
  assert_same_tables
  run pg_psql "$DST" app -c "SELECT count(*), sum(rows) FROM segstream.journal WHERE schema_name <> ''"
  assert_output '6|105000'
}

@test "a dump killed mid-pipe, resumed with --list-done and --exclude-table-file" {
  make_target_tables
  # The pipe dies half way: dump-stream sees a closed pipe, load-stream a truncated stream.
  run bash -c "dump-stream -d '$(src)' | head -c 1500000 | load-stream -d '$(dst)' --resume -q"
  assert_failure
  load-stream -d "$(dst)" --list-done > "$BATS_TEST_TMPDIR/done.txt"
  n=$(wc -l < "$BATS_TEST_TMPDIR/done.txt")
  [ "$n" -ge 1 ] && [ "$n" -lt 6 ]
  dump-stream -d "$(src)" --exclude-table-file "$BATS_TEST_TMPDIR/done.txt" > "$BATS_TEST_TMPDIR/rest.sgs"
  # Only the missing tables travel the second time.
  [ "$(toc --json "$BATS_TEST_TMPDIR/rest.sgs" | jq '[.streams[0].tables[]] | length')" = $((6 - n)) ]
  load-stream -d "$(dst)" --resume --keep-journal -q "$BATS_TEST_TMPDIR/rest.sgs"
  assert_same_tables
  run load-stream -d "$(dst)" --list-done
  assert_success
  assert_output "$(printf '"Odd Schema"."Mixed Name"\npublic.t1\npublic.t2\npublic.t3\npublic.t4\npublic.t5')"
}

@test "--resume with --schema applies pre-data once and post-data at the end" {
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --resume < <(half_stream)
  assert_failure 3
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --resume "$BATS_FILE_TMPDIR/full.sgs"
  assert_success
  [[ "$stderr" == *"pre-data was applied by an earlier run"* ]]
  assert_same_tables
  diff <(schema_of -N segstream "$(src)") <(schema_of -N segstream "$(dst)")
  run pg_psql "$DST" app -c "SELECT last_value FROM public.s"
  assert_output 40
}

@test "a --schema migration resumed with --exclude-table-file keeps the done tables' indexes and sequences" {
  run bash -c "dump-stream -d '$(src)' --schema | head -c 1500000 | load-stream -d '$(dst)' --create-db --schema --resume -q"
  assert_failure
  load-stream -d "$(dst)" --list-done > "$BATS_TEST_TMPDIR/done.txt"
  grep -qx public.t1 "$BATS_TEST_TMPDIR/done.txt"
  dump-stream -d "$(src)" --schema --exclude-table-file "$BATS_TEST_TMPDIR/done.txt" |
    load-stream -d "$(dst)" --create-db --schema --resume -q
  assert_same_tables
  # t1's index and the sequences come with the schema although t1's rows were not resent.
  diff <(schema_of -N segstream "$(src)") <(schema_of -N segstream "$(dst)")
  run pg_psql "$DST" app -c "SELECT last_value FROM public.s"
  assert_output 40
}

@test "post-data cut short (pg_restore --jobs is not one transaction) is finished by --resume" {
  load-stream -d "$(dst)" --create-db --schema --resume --keep-journal --jobs 2 -q "$BATS_FILE_TMPDIR/full.sgs"
  # Make it look as if the run had stopped inside post-data: started, never done, one index
  # and one primary key not built yet, the rest built.
  pg_psql "$DST" app -c "DELETE FROM segstream.journal WHERE schema_name = '' AND table_name = 'post-data';
                         DROP INDEX public.t1_v; ALTER TABLE public.t3 DROP CONSTRAINT t3_pkey" >/dev/null
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --resume --keep-journal --jobs 2 "$BATS_FILE_TMPDIR/full.sgs"
  assert_success
  [[ "$stderr" == *"load-stream: warning: post-data: "*" objects were built by an earlier run; kept"* ]]
  assert_same_tables
  diff <(schema_of -N segstream "$(src)") <(schema_of -N segstream "$(dst)")
  # Done now: a further run applies nothing.
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --resume "$BATS_FILE_TMPDIR/full.sgs"
  assert_success
  [[ "$stderr" == *"post-data was applied by an earlier run"* ]]
}

@test "a resumed post-data still fails on what is not an existing object" {
  load-stream -d "$(dst)" --create-db --schema --resume --keep-journal --jobs 2 -q "$BATS_FILE_TMPDIR/full.sgs"
  # A duplicate key makes t2's primary key impossible to build: that must stop the run.
  pg_psql "$DST" app -c "DELETE FROM segstream.journal WHERE schema_name = '' AND table_name = 'post-data';
                         ALTER TABLE public.t2 DROP CONSTRAINT t2_pkey; INSERT INTO public.t2 VALUES (1, 'dup')" >/dev/null
  run --separate-stderr load-stream -d "$(dst)" --create-db --schema --resume "$BATS_FILE_TMPDIR/full.sgs"
  assert_failure 1
  [[ "$stderr" == *"load-stream: error: post-data statement "*" failed (ALTER TABLE ONLY public.t2"* ]]
}

@test "a completed load resumed again loads nothing twice" {
  make_target_tables
  load-stream -d "$(dst)" --resume --keep-journal -q "$BATS_FILE_TMPDIR/full.sgs"
  run --separate-stderr load-stream -d "$(dst)" --resume "$BATS_FILE_TMPDIR/full.sgs"
  assert_success
  [[ "$stderr" == *"skipped 6 table parts"* ]]
  assert_same_tables
  # That run completed without --keep-journal: the journal and its schema are gone.
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'segstream'")" = 0 ]
}

@test "a completed --resume load leaves nothing behind; a failed one keeps its journal" {
  make_target_tables
  run --separate-stderr load-stream -d "$(dst)" --resume < <(half_stream)
  assert_failure 3
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM segstream.journal")" -ge 1 ]
  run --separate-stderr load-stream -d "$(dst)" --resume -v "$BATS_FILE_TMPDIR/full.sgs"
  assert_success
  [[ "$stderr" == *"removed the resume journal and the segstream schema"* ]]
  assert_same_tables
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'segstream'")" = 0 ]
  # A schema the user put something into stays; only the journal goes.
  pg_psql "$DST" app -c "TRUNCATE t1, t2, t3, t4, t5, \"Odd Schema\".\"Mixed Name\";
                         CREATE SCHEMA segstream; CREATE TABLE segstream.mine (x int)"
  load-stream -d "$(dst)" --resume -q "$BATS_FILE_TMPDIR/full.sgs"
  [ "$(pg_psql "$DST" app -c "SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'segstream'::regnamespace")" = mine ]
  run --separate-stderr load-stream -d "$(dst)" --keep-journal "$BATS_FILE_TMPDIR/full.sgs"
  assert_failure 2
}

@test "--resume-key names the journal entries; --list-done filters by it" {
  make_target_tables
  load-stream -d "$(dst)" --resume --keep-journal --resume-key migration-1 -q "$BATS_FILE_TMPDIR/full.sgs"
  run load-stream -d "$(dst)" --list-done --resume-key migration-1
  assert_success
  [ "${#lines[@]}" = 6 ]
  run load-stream -d "$(dst)" --list-done --resume-key other
  assert_success
  assert_output ''
}

@test "--list-done on a target without a journal prints nothing" {
  pg_psql "$DST" -c "CREATE DATABASE app"
  run --separate-stderr load-stream -d "$(dst)" --list-done
  assert_success
  assert_output ''
  assert_equal "$stderr" ''
}

@test "--resume-key without --resume is a usage error" {
  run --separate-stderr load-stream -d "$(dst)" --resume-key k "$BATS_FILE_TMPDIR/full.sgs"
  assert_failure 2
  assert_equal "${stderr_lines[0]}" 'load-stream: error: --resume-key needs --resume or --list-done'
}

@test "two --resume runs with one key at once: the second is refused before loading" {
  make_target_tables
  mkfifo "$BATS_TEST_TMPDIR/in"
  load-stream -d "$(dst)" --resume "$BATS_TEST_TMPDIR/in" 2>"$BATS_TEST_TMPDIR/first.err" &
  local first=$!
  { head -c 100000 "$BATS_FILE_TMPDIR/full.sgs"; exec sleep 60; } >"$BATS_TEST_TMPDIR/in" &
  local feeder=$!
  local tries=0
  until [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" = 1 ]; do
    [ $tries -lt 300 ] || false
    sleep 0.1
    tries=$((tries + 1))
  done
  run --separate-stderr load-stream -d "$(dst)" --resume "$BATS_FILE_TMPDIR/full.sgs"
  kill -TERM "$first" "$feeder" 2>/dev/null || true
  wait "$first" || true
  assert_failure 1
  [[ "$stderr" == *"another load-stream --resume with this resume key is running on this database"* ]]
  [ "$(pg_psql "$DST" app -c "SELECT count(*) FROM public.t5")" = 0 ]
}

@test "resuming with a stream of another snapshot says so; reruns print no NOTICE" {
  make_target_tables
  run --separate-stderr load-stream -d "$(dst)" --resume < <(half_stream)
  assert_failure 3
  dump-stream -d "$(src)" --schema >"$BATS_TEST_TMPDIR/later.sgs"
  run --separate-stderr load-stream -d "$(dst)" --resume "$BATS_TEST_TMPDIR/later.sgs"
  assert_success
  [[ "$stderr" == *"warning: resuming a load started at "*" from snapshot "*" with a stream of snapshot "*"table part"*"committed then are kept, not reloaded, so the target mixes both snapshots"* ]]
  [[ "$stderr" != *NOTICE* ]]
  assert_same_tables
}
