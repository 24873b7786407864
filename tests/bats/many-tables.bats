#!/usr/bin/env bats
# A database of thousands of tables through --schema, to the very end: every row and every
# index on the target. Regression: the loader's spill files (one per table that arrived
# while no job was free) were inherited by pg_restore --jobs, whose select() aborted past
# FD_SETSIZE ("bit out of range 0 - FD_SETSIZE on fd_set"), and 1 of 10,000 indexes was built.
load helpers

setup_file() {
  pg_start many
  # A dump locks every table it reads in one transaction, as pg_dump does.
  pg_psql many -c "ALTER SYSTEM SET max_locks_per_transaction = 512"
  as_postgres "$PG_BINDIR/pg_ctl" -D "$(pg_dir many)/data" -w -t 60 restart >/dev/null
  pg_psql many -c "CREATE DATABASE app"
  # 5,000 tables, each with a primary key and a second index, and two rows.
  pg_psql many app -c "DO \$\$ BEGIN FOR i IN 1..5000 LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i);
    EXECUTE format('CREATE INDEX ON t%s (v)', i);
    EXECUTE format('INSERT INTO t%s VALUES (1, %L), (2, %L)', i, 'a', 'b');
    IF i % 500 = 0 THEN COMMIT; END IF;
  END LOOP; END \$\$" >/dev/null
}

teardown_file() { pg_stop_all; }

@test "a 5,000-table --schema migration builds every index; children inherit no spill file" {
  # pg_restore through a wrapper that counts the descriptors it was started with.
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/pg_restore" <<SH
#!/bin/sh
ls /proc/\$\$/fd | wc -l >>"$BATS_TEST_TMPDIR/fds"
exec "$PG_BINDIR/pg_restore" "\$@"
SH
  chmod +x "$BATS_TEST_TMPDIR/bin/pg_restore"
  dump-stream -d "$(pg_conn many app)" --schema --jobs 2 -q -o "$BATS_TEST_TMPDIR/many.sgs"
  run --separate-stderr load-stream -d "$(pg_conn many copy)" --schema --create-db --jobs 2 -q \
    --pg-bindir "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/many.sgs"
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  # Pre-data's pg_restore starts before any spill file exists; post-data's must start with
  # no more descriptors than it did (before the fix: 8 and 63 here, 6 and 326 by hand).
  cat "$BATS_TEST_TMPDIR/fds"
  [ "$(wc -l <"$BATS_TEST_TMPDIR/fds")" -eq 2 ]
  [ "$(sort -n "$BATS_TEST_TMPDIR/fds" | tail -1)" -le $(( $(sort -n "$BATS_TEST_TMPDIR/fds" | head -1) + 2 )) ]
  [ "$(pg_psql many copy -c "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")" = 10000 ]
  [ "$(pg_psql many copy -c "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")" = 5000 ]
  [ "$(pg_psql many copy -c "SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', relname), false, true, '')))[1]::text::int) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")" = 10000 ]
}
