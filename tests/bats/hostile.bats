#!/usr/bin/env bats
# Streams as an attacker writes them: metadata that tries to reach SQL, metadata nested to
# overflow a recursive parser, names that try to rewrite the terminal. Every tool that reads
# a stream must refuse each one with one message and a documented status, never run it and
# never crash.
load helpers

setup_file() {
  pg_start dst
}

teardown_file() { pg_stop_all; }

setup() {
  W="$BATS_TEST_TMPDIR"
  fresh_database dst t
  pg_psql dst t -c "CREATE TABLE canary (id integer); INSERT INTO canary VALUES (42)"
}

canary_alive() { [ "$(pg_psql dst t -c "SELECT count(*) FROM canary")" = 1 ]; }
tables_in_public() { pg_psql dst t -c "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"; }

# load_with_type TYPE: --create-tables of a one-table stream whose column label has TYPE.
load_with_type() {
  gen-stream --tables 1 --rows 3 --label-type "$1" >"$W/typed.sgs"
  run --separate-stderr load-stream -d "$T" --create-tables "$W/typed.sgs"
}

# refused_before_ddl TYPE [MESSAGE]: --create-tables with TYPE exits 3 saying MESSAGE (by
# default: not a type name), and the target is as it was.
refused_before_ddl() {
  local pattern=${2:-'column label: column type *is not a type name'}
  load_with_type "$1"
  assert_equal "$status" 3
  [[ "$stderr" == *$pattern* ]]
  canary_alive
  [ "$(tables_in_public)" = canary ]
}

@test "a column type that closes CREATE TABLE and adds statements runs nothing: exit 3" {
  refused_before_ddl 'integer); drop table canary; create table zz(a int'
}

@test "a column type with a default and a check subquery runs nothing: exit 3" {
  refused_before_ddl 'integer default (select 1) check ((select count(*) from canary) > 0)'
}

@test "names that are not exactly one type are refused by the server: exit 3" {
  for type in 'integer not null' 'text collate "C"' 'integer primary key' 'int references canary'; do
    refused_before_ddl "$type" "the target does not read*as one type"
  done
}

@test "a type the target does not have: exit 1 with a hint" {
  load_with_type 'no_such_type'
  assert_equal "$status" 1
  [[ "$stderr" == *"type 'no_such_type' does not exist on the target"* ]]
  [[ "$stderr" == *'hint: create the type first, or load with --schema'* ]]
}

@test "real types are created as the server spells them, modifiers kept" {
  load_with_type 'character   varying ( 40 )'
  assert_success
  [ "$(pg_psql dst t -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't1'::regclass AND attname = 'label'")" = 'character varying(40)' ]
  [ "$(pg_psql dst t -c "SELECT count(*) FROM t1")" = 3 ]
  pg_psql dst t -c "DROP TABLE t1"
  load_with_type 'pg_catalog.varchar'
  assert_success
  [ "$(pg_psql dst t -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't1'::regclass AND attname = 'label'")" = 'character varying' ]
}

@test "JSON nested 100,000 deep in a stream header: every reader exits 3, none crashes" {
  gen-stream --nest-header 100000 >"$W/deep.sgs"
  pg_env dst t
  for cmd in "toc" "toc --verify" "toc --json" "zpipe -t" "zpipe -c zstd" \
             "segsplit -n 2 --round-robin -o $W/out%d.sgs" \
             "load-stream" "load-stream --dry-run"; do
    run --separate-stderr $cmd "$W/deep.sgs"
    [ "$status" -eq 3 ] || { echo "$cmd: exit $status: $stderr"; false; }
    [[ "$stderr" == *'stream-header frame nests JSON deeper than 64 levels'*'frame 1, byte offset 16'* ]] ||
      { echo "$cmd: $stderr"; false; }
  done
  run --separate-stderr load-stream -d "$T" <"$W/deep.sgs"
  assert_equal "$status" 3
}

@test "JSON nested 100,000 deep in a TABLE_BEGIN: every reader exits 3, none crashes" {
  gen-stream --nest-table 100000 >"$W/deep.sgs"
  pg_env dst t
  for cmd in "toc" "toc --verify" "zpipe -t" "segsplit -n 2 --round-robin -o $W/out%d.sgs" \
             "load-stream --dry-run"; do
    run --separate-stderr $cmd "$W/deep.sgs"
    [ "$status" -eq 3 ] || { echo "$cmd: exit $status: $stderr"; false; }
    [[ "$stderr" == *'table-begin frame nests JSON deeper than 64 levels'*'frame 2'* ]] ||
      { echo "$cmd: $stderr"; false; }
  done
}

@test "control characters and bidi overrides in names are escaped in messages" {
  gen-stream --tables 1 --rows 1 --name $'public.evil\e]0;owned\a\xe2\x80\xaegnp.exe\r' >"$W/names.sgs"
  run --separate-stderr load-stream -d "$T" "$W/names.sgs"
  assert_equal "$status" 1
  [[ "$stderr" == *'evil\x1B]0;owned\x07\u{202E}gnp.exe\x0D'*'does not exist'* ]]
  [[ "$stderr" != *$'\e'* && "$stderr" != *$'\r'* && "$stderr" != *$'\xe2\x80\xae'* ]]
}

@test "toc's text listing escapes names and header fields; --json keeps them exact" {
  gen-stream --tables 1 --rows 1 --name $'public.evil\e[2J\xe2\x80\xae' >"$W/names.sgs"
  run --separate-stderr toc "$W/names.sgs"
  assert_success
  [[ "$output" == *'public."evil\x1B[2J\u{202E}"'* ]]
  [[ "$output" != *$'\e'* ]]
  run --separate-stderr toc --json "$W/names.sgs"
  [ "$(jq -r '.streams[0].tables[0].table' <<<"$output")" = $'public."evil\e[2J\xe2\x80\xae"' ]
}
