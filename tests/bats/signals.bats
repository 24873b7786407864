#!/usr/bin/env bats
# SIGTERM, SIGINT and SIGHUP mid-transfer, and failures, for every tool: exit 128+signal,
# what was committed stays and is named, nothing in flight is committed, and no partial
# output (-o) or temporary file is left behind. And -o's one rule: FILE appears only when
# the tool succeeded, and an existing FILE survives a failure untouched.
load helpers

setup_file() {
  pg_start sig
  pg_psql sig -c "CREATE DATABASE app"
  pg_psql sig app -c "
    CREATE TABLE small (id integer PRIMARY KEY, note text);
    INSERT INTO small SELECT i, 'n' || i FROM generate_series(1, 1000) i;
    CREATE TABLE big (id integer, pad text);
    INSERT INTO big SELECT i, repeat('z', 200) FROM generate_series(1, 100000) i;
    CREATE INDEX ON big (id);"
}

teardown_file() { pg_stop_all; }

setup() {
  W="$BATS_TEST_TMPDIR"
  SRC=$(pg_conn sig app)
  export TMPDIR="$W/tmp"
  mkdir -p "$TMPDIR"
}

# interrupt SIG PID [FEEDER]: sends SIG to PID, waits for it, stops FEEDER; sets RC to PID's
# exit status.
interrupt() {
  kill -"$1" "$2"
  RC=0
  wait "$2" || RC=$?
  [ -z "${3:-}" ] || kill "$3" 2>/dev/null || true
}

# no_leftovers DIR: TMPDIR is empty and DIR holds no temporary output (".NAME.XXXXXX").
no_leftovers() {
  [ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; return 1; }
  [ -z "$(find "$1" -maxdepth 1 -name '.*.??????')" ] || { ls -la "$1"; return 1; }
}

@test "load-stream: SIGTERM mid-table prints the summary, commits nothing in flight, exits 143" {
  pg_psql sig -c "CREATE DATABASE tgt"
  pg_psql sig tgt -c "CREATE TABLE small (id integer PRIMARY KEY, note text); CREATE TABLE big (id integer, pad text)"
  dump-stream -d "$SRC" -t small -o "$W/small.sgs"
  dump-stream -d "$SRC" -t big -o "$W/big.sgs"
  # small whole, then big without its trailer: big stays open.
  local cut
  cut=$(stream_frames "$W/big.sgs" | awk '$2 == 4 { print $1 }')
  mkfifo "$W/in"
  load-stream -d "$(pg_conn sig tgt)" "$W/in" 2>"$W/err" &
  local loader=$!
  { cat "$W/small.sgs"; head -c "$cut" "$W/big.sgs"; exec sleep 60; } >"$W/in" &
  local feeder=$!
  # Quoted for eval: the count is asked again at every poll, not once before the first.
  wait_for eval '[ "$(pg_psql sig tgt -c "SELECT count(*) FROM small")" = 1000 ]'
  interrupt TERM "$loader" "$feeder"
  cat "$W/err"
  [ "$RC" -eq 143 ]
  grep -q '^load-stream: committed 1 table: public.small$' "$W/err"
  grep -q '^load-stream: not committed 1 table: public.big$' "$W/err"
  grep -q '^load-stream: interrupted by SIGTERM$' "$W/err"
  [ "$(pg_psql sig tgt -c 'SELECT count(*) FROM big')" = 0 ]
  pg_psql sig -c "DROP DATABASE tgt WITH (FORCE)"
}

@test "every tool exits 128+signal for SIGTERM, SIGINT and SIGHUP, leaving no output" {
  gen-stream --tables 1 --rows 20000 --row-bytes 100 >"$W/s.sgs"
  touch "$W/mark"
  local sig code
  for sig in TERM:143 INT:130 HUP:129; do
    code=${sig#*:}
    sig=${sig%:*}
    for cmd in "zpipe -c zstd -o $W/out.zst" "segsplit -n 2 --round-robin -o $W/out%d.sgs" \
               "toc -x public.t1 -o $W/out.copy" "segmerge -o $W/merged.sgs"; do
      rm -f "$W/in"
      mkfifo "$W/in"
      $cmd "$W/in" 2>"$W/err" &
      local pid=$!
      { head -c 300000 "$W/s.sgs"; exec sleep 60; } >"$W/in" &
      local feeder=$!
      sleep 0.5
      interrupt "$sig" "$pid" "$feeder"
      [ "$RC" -eq "$code" ] || { echo "$cmd: SIG$sig gave $RC: $(cat "$W/err")"; false; }
      grep -q "interrupted by SIG$sig" "$W/err"
      no_leftovers "$W" || { echo "$cmd left files behind"; false; }
    done
  done
}

@test "dump-stream: SIGTERM while waiting for a lock leaves no -o file and no temporary file" {
  touch "$W/mark"
  hold_lock "$SRC" big "$W"
  dump-stream -d "$SRC" --schema -o "$W/d.sgs" 2>"$W/err" &
  local pid=$!
  sleep 1
  [ -n "$(ls -A "$W" | grep '^\.d\.sgs\.')" ]  # the temporary name exists while it runs
  interrupt TERM "$pid"
  release_lock
  cat "$W/err"
  [ "$RC" -eq 143 ]
  [ ! -e "$W/d.sgs" ]
  no_leftovers "$W"
}

@test "load-stream --schema: SIGTERM mid-data removes the schema's temporary files" {
  dump-stream -d "$SRC" --schema -o "$W/s.sgs"
  local cut
  # Up to the stream trailer: post-data is held in a temporary file until the end.
  cut=$(stream_frames "$W/s.sgs" | awk '$2 == 6 { print $1 }')
  pg_psql sig -c "DROP DATABASE IF EXISTS tgt2"
  mkfifo "$W/in"
  load-stream -d "$(pg_conn sig tgt2)" --schema --create-db "$W/in" 2>"$W/err" &
  local pid=$!
  { head -c "$cut" "$W/s.sgs"; exec sleep 60; } >"$W/in" &
  local feeder=$!
  wait_for eval 'ls "$TMPDIR" | grep -q "^segstream-post-data\."'
  interrupt TERM "$pid" "$feeder"
  cat "$W/err"
  [ "$RC" -eq 143 ]
  no_leftovers "$W"
  pg_psql sig -c "DROP DATABASE tgt2 WITH (FORCE)"
}

@test "-o FILE: a failure leaves no FILE, and an existing FILE untouched" {
  gen-stream --tables 1 --rows 10 >"$W/good.sgs"
  head -c 300 "$W/good.sgs" >"$W/cut.sgs"
  touch "$W/mark"
  run --separate-stderr zpipe -c zstd -o "$W/z.sgs" "$W/cut.sgs"
  assert_equal "$status" 3
  [ ! -e "$W/z.sgs" ]
  run --separate-stderr segsplit -n 2 --round-robin -o "$W/part%d.sgs" "$W/cut.sgs"
  assert_equal "$status" 3
  [ ! -e "$W/part0.sgs" ] && [ ! -e "$W/part1.sgs" ]
  run --separate-stderr segmerge -o "$W/m.sgs" "$W/good.sgs" "$W/cut.sgs"
  [ "$status" -ne 0 ]
  [ ! -e "$W/m.sgs" ]
  echo precious >"$W/keep.sgs"
  run --separate-stderr dump-stream -d "host=/nonexistent" -o "$W/keep.sgs"
  assert_equal "$status" 1
  [ "$(cat "$W/keep.sgs")" = precious ]
  run --separate-stderr toc -x public.t1 -o "$W/keep.sgs" "$W/cut.sgs"
  assert_equal "$status" 3
  [ "$(cat "$W/keep.sgs")" = precious ]
  no_leftovers "$W"
}

@test "-o FILE: success replaces FILE with the mode open(2) gives; /dev/null is written in place" {
  gen-stream --tables 1 --rows 10 >"$W/good.sgs"
  echo old >"$W/z.sgs"
  ( umask 027; zpipe -c zstd -o "$W/z.sgs" "$W/good.sgs" )
  [ "$(stat -c %a "$W/z.sgs")" = 640 ]
  toc --verify -q "$W/z.sgs"
  zpipe -c zstd -o /dev/null "$W/good.sgs"
  [ -c /dev/null ]
  segsplit -n 2 --round-robin -o "$W/p%d.sgs" "$W/good.sgs"
  [ "$(stat -c %a "$W/p0.sgs")" = 644 ]
}

@test "a dump past the server's lock table: one message with what to raise, and no file" {
  pg_start locks
  pg_psql locks -c "ALTER SYSTEM SET max_locks_per_transaction = 10"
  as_postgres "$PG_BINDIR/pg_ctl" -D "$(pg_dir locks)/data" -w -t 60 restart >/dev/null
  seq 3000 | sed 's/.*/CREATE TABLE t& (id int);/' | pg_psql locks
  run --separate-stderr dump-stream -d "$(pg_conn locks)" -o "$W/many.sgs"
  pg_stop locks
  assert_equal "$status" 1
  [[ "$stderr" == *"out of shared memory"* ]]
  [[ "$stderr" == *"hint: a dump holds a lock on each of its 3000 tables until it ends; raise max_locks_per_transaction"* ]]
  [ ! -e "$W/many.sgs" ]
  no_leftovers "$W"
}

@test "toc listing or extraction into a reader that leaves ends quietly with 141" {
  gen-stream --tables 1 --rows 200000 >"$W/big.sgs"
  run bash -c 'toc -x public.t1 "$1" 2>"$2" | head -1 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$W/big.sgs" "$W/err"
  assert_output 141
  [ ! -s "$W/err" ]
  # A transfer that loses its consumer still says so.
  run bash -c 'zpipe -c zstd "$1" 2>"$2" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$W/big.sgs" "$W/err"
  assert_output 1
  grep -q '^zpipe: error: write stdout: downstream closed' "$W/err"
}

@test "a full output is named as stdout or the file, never stdin" {
  gen-stream --tables 1 --rows 20000 >"$W/s.sgs"
  run --separate-stderr bash -c 'toc -x public.t1 "$1" >/dev/full' _ "$W/s.sgs"
  assert_equal "$status" 1
  [[ "$stderr" == 'toc: error: write stdout: no space left on device'* ]]
  run --separate-stderr bash -c 'zpipe -c zstd "$1" >/dev/full' _ "$W/s.sgs"
  assert_equal "$status" 1
  [[ "$stderr" == 'zpipe: error: write stdout: no space left on device'* ]]
  run --separate-stderr segmerge -f -o /dev/full "$W/s.sgs"
  assert_equal "$status" 1
  [[ "$stderr" == 'segmerge: error: write /dev/full: no space left on device'* ]]
  run --separate-stderr bash -c 'dump-stream -d "$1" -t small >/dev/full' _ "$SRC"
  assert_equal "$status" 1
  [[ "$stderr" == 'dump-stream: error: write stdout: no space left on device'* ]]
}
