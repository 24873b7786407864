#!/usr/bin/env bats
# The cron recipe of segstream(7), run as printed there: a verified file under its final
# name on success, and no .partial file left behind by any failure.
load helpers

setup_file() {
  pg_start src
  pg_psql src -c "CREATE DATABASE app"
  pg_psql src app -c "CREATE TABLE t (id int PRIMARY KEY, v text);
    INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 20000) i"
  # The script between .EX and .EE under the CRON heading, with roff's escapes undone.
  awk '/^\.SH CRON/ { in_section = 1; next } /^\.SH/ { in_section = 0 }
       in_section && /^\.EX/ { in_example = 1; next } in_example && /^\.EE/ { exit }
       in_example { print }' "$BATS_TEST_DIRNAME/../../man/segstream.7" |
    sed -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$BATS_FILE_TMPDIR/app-backup"
  chmod +x "$BATS_FILE_TMPDIR/app-backup"
}

teardown_file() { pg_stop_all; }

setup() {
  export BACKUP_DIR="$BATS_TEST_TMPDIR/backups" BACKUP_DB
  BACKUP_DB=$(pg_conn src app)
  mkdir -p "$BACKUP_DIR"
}

@test "the recipe is the script the man page prints" {
  grep -q '^set -euo pipefail$' "$BATS_FILE_TMPDIR/app-backup"
  grep -q "^trap 'rm -f \"\$tmp\"' EXIT$" "$BATS_FILE_TMPDIR/app-backup"
}

@test "a good night: one verified file under its final name, nothing else" {
  run --separate-stderr "$BATS_FILE_TMPDIR/app-backup"
  assert_success
  assert_equal "$stderr" ''
  [ "$(ls -A "$BACKUP_DIR")" = "app-$(date +%Y%m%d).sgs" ]
  toc --verify --quiet "$BACKUP_DIR/app-$(date +%Y%m%d).sgs"
}

@test "a dump that fails leaves no file at all" {
  BACKUP_DB="$(pg_conn src nosuchdb)"
  run --separate-stderr "$BATS_FILE_TMPDIR/app-backup"
  assert_failure
  [[ "$stderr" == *'database "nosuchdb" does not exist'* ]]
  [ -z "$(ls -A "$BACKUP_DIR")" ]
}

@test "a stream that fails verification leaves no file at all, and says so" {
  # A zpipe that damages what it writes stands in for a failing disk.
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/zpipe" <<SH
#!/bin/bash
"$SEGSTREAM_BIN/zpipe" "\$@" | head -c 2000
SH
  chmod +x "$BATS_TEST_TMPDIR/bin/zpipe"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run --separate-stderr "$BATS_FILE_TMPDIR/app-backup"
  assert_failure 3
  [[ "$stderr" == *'backup verify failed (3)'* ]]
  [ -z "$(ls -A "$BACKUP_DIR")" ]
}

@test "a backup killed while it runs leaves no file at all" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  # A slow compressor: the kill arrives while the pipeline runs.
  cat >"$BATS_TEST_TMPDIR/bin/zpipe" <<SH
#!/bin/bash
"$SEGSTREAM_BIN/zpipe" "\$@" | { head -c 1000; sleep 2; cat; }
SH
  chmod +x "$BATS_TEST_TMPDIR/bin/zpipe"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$BATS_FILE_TMPDIR/app-backup" 2>/dev/null &
  local script=$!
  local tries=0
  until ls -A "$BACKUP_DIR" | grep -q partial; do
    [ $tries -lt 100 ] || false
    sleep 0.05
    tries=$((tries + 1))
  done
  kill -TERM "$script"
  local status=0
  wait "$script" || status=$?
  [ "$status" = 143 ]
  [ -z "$(ls -A "$BACKUP_DIR")" ]
}
