#!/usr/bin/env bats
# The segment side of dump-stream --segment-output, without a Greenplum cluster: PostgreSQL's
# own COPY ... TO PROGRAM runs the feed exactly as each Greenplum segment does (as the
# server's user, stdin = the table's COPY output), and the test plays the coordinator's
# other two steps (collect, finish) as that user. tests/mpp/ runs the real thing.

load helpers

setup_file() {
  pg_start agents
  pg_psql agents postgres -c "DROP DATABASE IF EXISTS d" -c "CREATE DATABASE d"
  pg_psql agents d -c "CREATE TABLE t (a int, b text, c jsonb)" \
    -c "INSERT INTO t SELECT g, CASE WHEN g % 7 = 0 THEN E'tab\\there\\nnewline' ELSE 'r' || g END,
        jsonb_build_object('g', g) FROM generate_series(1, 20000) g"
  export D=$(pg_conn agents d)
}

teardown_file() { pg_stop_all; }

setup() {
  DIR=$(mktemp -d "$BATS_TMPDIR/agent.XXXXXX")
  chown postgres "$DIR"
  SOCK="segstream-test-$BATS_TEST_NUMBER-$$"
  BIN="$SEGSTREAM_BIN/dump-stream"
  TABLE=$(printf '%s' '{"schema":"public","name":"t","columns":[{"name":"a","type":"integer"},{"name":"b","type":"text"},{"name":"c","type":"jsonb"}]}' | base64 -w0)
}

teardown() {
  as_postgres "$BIN" --agent abort --agent-socket "$SOCK" --agent-segment 0 || true
  rm -rf "$DIR"
}

b64() { printf '%s' "$1" | base64 -w0; }

# collect TARGET [FORMAT]: starts the segment agent for segment 0 of 1 as the server's user.
collect() {
  as_postgres "$BIN" --agent collect --agent-socket "$SOCK" --agent-segment 0 \
    --agent-segments 1 --agent-output "$(b64 "$1")" \
    --agent-header "$(b64 "{\"producer\":\"test\",\"copy_format\":\"${2:-text}\"}")" "${@:3}"
}

feed_sql() {
  echo "COPY t TO PROGRAM '$BIN --agent feed --agent-socket $SOCK --agent-segment 0 --agent-table $TABLE' ${1:-}"
}

# finish: the coordinator's last two steps, finish (trailer, close) and commit (in place).
finish() {
  as_postgres "$BIN" --agent finish --agent-socket "$SOCK" --agent-segment 0 &&
    as_postgres "$BIN" --agent commit --agent-socket "$SOCK" --agent-segment 0
}

@test "a table fed through COPY TO PROGRAM becomes a verified segment stream with the same rows" {
  collect "$DIR/seg%d.sgs"
  pg_psql agents d -c "$(feed_sql)"
  run finish
  assert_success
  report=$(cut -f2 <<<"$output" | base64 -d)
  [[ "$report" == *'"rows":20000'* ]]
  run toc --verify "$DIR/seg0.sgs"
  assert_success
  run toc "$DIR/seg0.sgs"
  assert_output --partial "segment      0 of 1"
  diff <(toc --extract public.t "$DIR/seg0.sgs" | sort) \
       <(psql "$D" -Atc "COPY t TO STDOUT" | sort)
}

@test "csv and binary COPY output is split into rows by its format" {
  for fmt in csv binary; do
    collect "$DIR/$fmt%d.sgs" "$fmt"
    pg_psql agents d -c "$(feed_sql "WITH (FORMAT $fmt)")"
    finish >/dev/null
    run toc --json "$DIR/${fmt}0.sgs"
    assert_output --partial '"rows": 20000'
    toc --verify "$DIR/${fmt}0.sgs"
    teardown; setup
  done
}

@test "the output may be a command, as a storage plugin's backup_data" {
  collect "|cat > $DIR/piped%d.sgs"
  pg_psql agents d -c "$(feed_sql)"
  finish >/dev/null
  toc --verify "$DIR/piped0.sgs"
}

@test "an output that cannot be opened fails the start, naming the segment" {
  run collect "/nonexistent/dir/seg%d.sgs"
  assert_failure 1
  assert_output --partial "dump-stream: error: segment 0:"
  assert_output --partial "/nonexistent/dir/seg0.sgs"
}

@test "a feed with no agent fails, so the server's COPY fails" {
  run pg_psql agents d -c "$(feed_sql)"
  assert_failure
  run as_postgres sh -c "echo 1 | '$BIN' --agent feed --agent-socket $SOCK --agent-segment 0 --agent-table $TABLE"
  assert_failure 1
  assert_output --partial "dump-stream: error: segment 0: no segstream agent"
}

@test "rows cut short fail the table, and the broken stream is never put in place" {
  collect "$DIR/seg%d.sgs"
  run as_postgres sh -c "printf '1\tx\t{}\n2\tcut' | '$BIN' --agent feed --agent-socket $SOCK --agent-segment 0 --agent-table $TABLE"
  assert_failure 1
  assert_output --partial "segment 0:"
  run finish
  assert_failure 1
  [ ! -e "$DIR/seg0.sgs" ]
  as_postgres "$BIN" --agent abort --agent-socket "$SOCK" --agent-segment 0
  [ -z "$(ls -A "$DIR")" ]
}

@test "a finished file keeps its temporary name until commit, and abort drops it" {
  collect "$DIR/seg%d.sgs"
  pg_psql agents d -c "$(feed_sql)"
  as_postgres "$BIN" --agent finish --agent-socket "$SOCK" --agent-segment 0
  [ ! -e "$DIR/seg0.sgs" ]
  as_postgres "$BIN" --agent abort --agent-socket "$SOCK" --agent-segment 0
  [ -z "$(ls -A "$DIR")" ]
}

@test "a command gets the stream trailer only on commit" {
  collect "|cat > $DIR/piped%d.sgs"
  pg_psql agents d -c "$(feed_sql)"
  as_postgres "$BIN" --agent finish --agent-socket "$SOCK" --agent-segment 0
  as_postgres "$BIN" --agent abort --agent-socket "$SOCK" --agent-segment 0
  run toc --verify "$DIR/piped0.sgs"
  assert_failure 3
}

@test "a failing output command fails finish with its exit status and its stderr" {
  collect "|echo plugin refused >&2; exit 5"
  run pg_psql agents d -c "$(feed_sql)"
  run finish
  assert_failure 1
  assert_output --partial "exited with status 5"
  assert_output --partial "plugin refused"
}

@test "abort drops the output; an idle agent drops it by itself" {
  collect "$DIR/seg%d.sgs"
  pg_psql agents d -c "$(feed_sql)"
  as_postgres "$BIN" --agent abort --agent-socket "$SOCK" --agent-segment 0
  [ -z "$(ls -A "$DIR")" ]
  collect "$DIR/idle%d.sgs" text --agent-idle-timeout 1
  sleep 2.5
  run finish
  assert_failure 1
  assert_output --partial "no segstream agent"
  [ -z "$(ls -A "$DIR")" ]
}

@test "another local user cannot talk to the agent" {
  collect "$DIR/seg%d.sgs"
  id nobody >/dev/null
  run runuser -u nobody -- sh -c "printf '9\tevil\t{}\n' | '$BIN' --agent feed --agent-socket $SOCK --agent-segment 0 --agent-table $TABLE"
  assert_failure
  pg_psql agents d -c "$(feed_sql)"
  finish >/dev/null
  run toc --extract public.t "$DIR/seg0.sgs"
  refute_output --partial "evil"
}

@test "--segment-output refuses a plain PostgreSQL server before writing anything" {
  run dump-stream -d "$D" --segment-output "$DIR/seg%d.sgs"
  assert_failure 2
  assert_output --partial "needs a Greenplum or Cloudberry coordinator"
  run dump-stream -d "$D" --segment-output "$DIR/seg.sgs"
  assert_failure 2
  assert_output --partial "has no %d"
  run dump-stream -d "$D" --segment-output "$DIR/seg%d.sgs" --jobs 2
  assert_failure 2
  [ -z "$(ls -A "$DIR")" ]
}
