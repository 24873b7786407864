#!/usr/bin/env bats
# load-stream against real servers: formats, parallel jobs, parts, targets, selection,
# transactions, and every bad-input case of the issue, each in its own test.
load helpers

setup_file() {
  pg_start src
  pg_start dst
  pg_psql src -c "CREATE DATABASE app"
  pg_psql src app -c "
    CREATE TABLE orders (id integer PRIMARY KEY, note text, amount numeric(10,2));
    INSERT INTO orders SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'note ' || i || E'\ttab\\\\back' END, i * 1.5
      FROM generate_series(1, 20000) i;
    CREATE TABLE items (id bigint, name text);
    INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 3000) i;
    CREATE TABLE \"x\"\"; DROP TABLE y; --\" (id integer, \"we\"\"ird col\" text);
    INSERT INTO \"x\"\"; DROP TABLE y; --\" VALUES (1, 'a'), (2, NULL);"
}

teardown_file() { pg_stop_all; }

setup() {
  W="$BATS_TEST_TMPDIR"
  fresh_database dst t
}

# copy_out TABLE FORMAT COLUMNS [extra copy-to-stream args]: a one-table stream on stdout.
copy_out() {
  local table=$1 fmt=$2 cols=$3
  shift 3
  pg_psql src app -c "COPY $table TO STDOUT WITH (FORMAT $fmt)" |
    copy-to-stream --table "public.$table" --columns "$cols" --format "$fmt" "$@"
}
orders_stream() { copy_out orders "${1:-text}" 'id integer,note text,amount numeric(10,2)' "${@:2}"; }
items_stream() { copy_out items "${1:-text}" 'id bigint,name text' "${@:2}"; }
create_targets() {
  pg_psql dst t -c "CREATE TABLE orders (id integer PRIMARY KEY, note text, amount numeric(10,2));
                    CREATE TABLE items (id bigint, name text)"
}
same() { [ "$(pg_table_hash src app "$1")" = "$(pg_table_hash dst t "${2:-$1}")" ]; }
count() { pg_psql dst t -c "SELECT count(*) FROM $1"; }

# cut_before FILE TYPE: the file up to (not including) the last frame of TYPE.
cut_before_last() {
  local off
  off=$(stream_frames "$1" | awk -v t="$2" '$2 == t { o = $1 } END { print o }')
  head -c "$off" "$1"
}
# flip_in_data FILE N: flips one payload byte of the Nth DATA frame.
flip_in_data() {
  local off
  off=$(stream_frames "$1" | awk -v n="$2" '$2 == 3 && ++k == n { print $1 + 24 + 100 }')
  python3 - "$1" "$off" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read())
b[off] ^= 0x10
open(p, 'wb').write(b)
PY
}

@test "usage errors exit 2 with one message" {
  run --separate-stderr load-stream --no-such-flag
  assert_failure 2
  [[ "$stderr" == "load-stream: error: "* ]]
  run --separate-stderr load-stream -d "$T" --single-transaction --jobs 2 </dev/null
  assert_failure 2
  [[ "$stderr" == *"--single-transaction"* ]]
  run --separate-stderr load-stream -d "$T" --progress=sideways </dev/null
  assert_failure 2
}

@test "text stream loads into an existing table with identical contents" {
  create_targets
  orders_stream text --frame-size 4096 >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" "$W/o.sgs"
  assert_success
  assert_output ""
  [[ "$stderr" == *"loaded 1 table, 20000 rows"* ]]
  same orders
}

@test "csv stream loads from stdin" {
  create_targets
  orders_stream csv >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" - <"$W/o.sgs"
  assert_success
  same orders
}

@test "binary stream loads (PGCOPY header and trailer added)" {
  create_targets
  orders_stream binary --codec zstd >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" -q <"$W/o.sgs"
  assert_success
  assert_equal "$stderr" ""
  same orders
}

@test "concatenated streams, interleaved parts and --jobs 4 load everything" {
  create_targets
  { orders_stream text --parts 3 --frame-size 2048; items_stream csv --parts 2 --frame-size 1024; } >"$W/all.sgs"
  run --separate-stderr load-stream -d "$T" --jobs 4 "$W/all.sgs"
  assert_success
  [[ "$stderr" == *"loaded 5 tables, 23000 rows"* ]]
  same orders
  same items
}

@test "--jobs 1 with interleaved parts spills and still loads all rows" {
  create_targets
  orders_stream text --parts 4 --frame-size 1024 >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" --jobs 1 "$W/o.sgs"
  assert_success
  same orders
}

@test "--truncate empties the table once, before the first part" {
  create_targets
  pg_psql dst t -c "INSERT INTO orders VALUES (-1, 'old', 0), (-2, 'old', 0)"
  orders_stream text --parts 3 --frame-size 2048 >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" --truncate --jobs 3 "$W/o.sgs"
  assert_success
  same orders
  # and again: a second run replaces rather than duplicates (the primary key would refuse)
  run --separate-stderr load-stream -d "$T" --truncate "$W/o.sgs"
  assert_success
  same orders
}

@test "--create-tables, --redirect-schema and --table-map choose the targets" {
  pg_psql dst t -c "CREATE SCHEMA other"
  { orders_stream; items_stream; } >"$W/s.sgs"
  run --separate-stderr load-stream -d "$T" --create-tables --redirect-schema other \
    --table-map public.items=copied_items "$W/s.sgs"
  assert_success
  same orders other.orders
  same items other.copied_items
  [ "$(pg_psql dst t -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]
}

@test "selection: -t, -T and --include-table-file pick the tables" {
  create_targets
  { orders_stream; items_stream; } >"$W/s.sgs"
  run --separate-stderr load-stream -d "$T" -t items "$W/s.sgs"
  assert_success
  assert_equal "$(count orders)" 0
  same items
  pg_psql dst t -c "TRUNCATE items"
  run --separate-stderr load-stream -d "$T" -T 'it*' "$W/s.sgs"
  assert_success
  same orders
  assert_equal "$(count items)" 0
  pg_psql dst t -c "TRUNCATE orders"
  printf '# wanted\npublic.items\n' >"$W/list"
  run --separate-stderr load-stream -d "$T" --include-table-file "$W/list" "$W/s.sgs"
  assert_success
  assert_equal "$(count orders)" 0
  same items
  # An include file that lists nothing selects nothing: refused, not "load everything".
  pg_psql dst t -c "TRUNCATE items"
  printf '# nothing yet\n' >"$W/empty"
  run --separate-stderr load-stream -d "$T" --include-table-file "$W/empty" "$W/s.sgs"
  assert_failure 2
  [[ "$stderr" == *"table file '$W/empty' lists no tables"* ]]
  assert_equal "$(count orders)" 0
  assert_equal "$(count items)" 0
}

@test "target table missing: clear error, exit 1, nothing loaded" {
  pg_psql dst t -c "CREATE TABLE items (id bigint, name text)"
  { orders_stream; items_stream; } >"$W/s.sgs"
  run --separate-stderr load-stream -d "$T" "$W/s.sgs"
  assert_failure 1
  [[ "$stderr" == *"load-stream: error: target table public.orders does not exist"* ]]
  [[ "$stderr" == *"hint: "*"--create-tables"* ]]
  assert_equal "$(count items)" 0
}

@test "target table missing with --on-error-continue: the rest loads, exit 4" {
  pg_psql dst t -c "CREATE TABLE items (id bigint, name text)"
  { orders_stream; items_stream; } >"$W/s.sgs"
  run --separate-stderr load-stream -d "$T" --on-error-continue "$W/s.sgs"
  assert_failure 4
  [[ "$stderr" == *"1 of 2 tables failed"*"public.orders"* ]]
  same items
}

@test "incompatible columns are refused before loading" {
  pg_psql dst t -c "CREATE TABLE orders (id integer, remark text, amount numeric)"
  orders_stream >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" "$W/o.sgs"
  assert_failure 1
  [[ "$stderr" == *"incompatible columns: target public.orders has no column note"* ]]
  assert_equal "$(count orders)" 0
}

@test "binary stream into a column of another type is incompatible" {
  pg_psql dst t -c "CREATE TABLE orders (id bigint, note text, amount numeric(10,2))"
  orders_stream binary >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" "$W/o.sgs"
  assert_failure 1
  [[ "$stderr" == *"incompatible columns"*"needs the same types"* ]]
}

@test "a stream cut inside a table: exit 3, that table rolled back, earlier one committed" {
  create_targets
  items_stream >"$W/a.sgs"
  orders_stream text --frame-size 4096 >"$W/b.sgs"
  { cat "$W/a.sgs"; head -c $(( $(stat -c %s "$W/b.sgs") / 2 )) "$W/b.sgs"; } >"$W/cut.sgs"
  run --separate-stderr load-stream -d "$T" "$W/cut.sgs"
  assert_failure 3
  assert_output ""
  [[ "$stderr" == *"committed 1 table: public.items"* ]]
  [[ "$stderr" == *"not committed 1 table: public.orders"* ]]
  [[ "$stderr" == *"error: "*"truncated"* ]]
  same items
  assert_equal "$(count orders)" 0
}

@test "a stream without its stream trailer is refused: exit 3, verified tables committed and listed" {
  create_targets
  { items_stream; } >"$W/a.sgs"
  cut_before_last "$W/a.sgs" 6 >"$W/notrailer.sgs"
  run --separate-stderr load-stream -d "$T" --jobs 2 "$W/notrailer.sgs"
  assert_failure 3
  [[ "$stderr" == *"truncated stream: input ended without a stream trailer"* ]]
  [[ "$stderr" == *"committed 1 table: public.items"* ]]
  [[ "$stderr" == *"not committed 0 tables"* ]]
  same items
}

@test "a flipped bit: exit 3 and the table is not committed" {
  create_targets
  orders_stream text --frame-size 4096 >"$W/o.sgs"
  flip_in_data "$W/o.sgs" 5
  run --separate-stderr load-stream -d "$T" "$W/o.sgs"
  assert_failure 3
  [[ "$stderr" == *"checksum"* ]]
  [[ "$stderr" == *"not committed 1 table: public.orders"* ]]
  assert_equal "$(count orders)" 0
}

@test "--single-transaction: a failure leaves nothing committed" {
  pg_psql dst t -c "CREATE TABLE items (id bigint, name text); CREATE TABLE orders (id integer PRIMARY KEY, note text, amount numeric(10,2))"
  pg_psql dst t -c "INSERT INTO orders VALUES (5, 'clash', 0)"
  { items_stream; orders_stream; } >"$W/s.sgs"
  run --separate-stderr load-stream -d "$T" --single-transaction "$W/s.sgs"
  assert_failure 1
  [[ "$stderr" == *"duplicate key"* ]]
  [[ "$stderr" == *"committed 0 tables"* ]]
  assert_equal "$(count items)" 0
  pg_psql dst t -c "DELETE FROM orders"
  run --separate-stderr load-stream -d "$T" --single-transaction --truncate "$W/s.sgs"
  assert_success
  same items
  same orders
}

@test "--dry-run verifies and checks targets but loads nothing" {
  create_targets
  { orders_stream; items_stream; } >"$W/s.sgs"
  run --separate-stderr load-stream -d "$T" --dry-run "$W/s.sgs"
  assert_success
  [[ "$stderr" == *"dry run: verified 2 tables, 23000 rows"* ]]
  assert_equal "$(count orders)" 0
  pg_psql dst t -c "DROP TABLE items"
  run --separate-stderr load-stream -d "$T" --dry-run "$W/s.sgs"
  assert_failure 1
  [[ "$stderr" == *"public.items does not exist"* ]]
}

@test "--analyze analyzes each loaded table, --progress=json writes events" {
  create_targets
  items_stream >"$W/i.sgs"
  run --separate-stderr load-stream -d "$T" --analyze --progress=json "$W/i.sgs"
  assert_success
  [[ "$stderr" == *'"table_end"'* ]]
  [ "$(pg_psql dst t -c "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'items'")" = t ]
}

@test "a table named x\"; DROP TABLE y; -- round-trips as a name and executes nothing" {
  pg_psql dst t -c "CREATE TABLE y (id integer); INSERT INTO y VALUES (1)"
  copy_out '"x""; DROP TABLE y; --"' text 'id integer,"we""ird col" text' >"$W/evil.sgs"
  # copy_out prefixed public. to the quoted name; check the stream's identity is exact
  run --separate-stderr load-stream -d "$T" --create-tables "$W/evil.sgs"
  assert_success
  [ "$(pg_psql dst t -c "SELECT count(*) FROM y")" = 1 ]
  same '"x""; DROP TABLE y; --"'
}

@test "data converts from a UTF8 stream into a LATIN1 database" {
  pg_psql dst -c "CREATE DATABASE latin ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
  pg_psql src app -c "CREATE TABLE IF NOT EXISTS words (w text); TRUNCATE words; INSERT INTO words VALUES ('café'), ('Ærø'), ('naïve ½')"
  pg_psql dst latin -c "DROP TABLE IF EXISTS words; CREATE TABLE words (w text)"
  for fmt in text binary; do
    pg_psql dst latin -c "TRUNCATE words"
    copy_out words $fmt 'w text' >"$W/w.sgs"
    run --separate-stderr load-stream -d "$(pg_conn dst latin)" "$W/w.sgs"
    assert_success
    # md5 of the stored bytes differs between encodings: compare the text as UTF8 clients see it
    assert_equal "$(PGCLIENTENCODING=UTF8 pg_psql dst latin -c "SELECT w FROM words ORDER BY w")" \
      "$(PGCLIENTENCODING=UTF8 pg_psql src app -c "SELECT w FROM words ORDER BY w")"
    assert_equal "$(pg_psql dst latin -c "SELECT count(*) FROM words WHERE w = convert_from('\\x636166c3a9', 'UTF8')")" 1
  done
}

@test "target server killed during a load: exit 1" {
  pg_start victim
  pg_psql victim -c "CREATE TABLE orders (id integer PRIMARY KEY, note text, amount numeric(10,2))"
  orders_stream text --frame-size 4096 >"$W/o.sgs"
  mkfifo "$W/fifo"
  load-stream -d "$(pg_conn victim)" "$W/fifo" >"$W/out" 2>"$W/err" &
  local pid=$!
  exec 5>"$W/fifo"
  head -c $(( $(stat -c %s "$W/o.sgs") / 2 )) "$W/o.sgs" >&5
  # wait until the COPY is running on the server, then kill the server
  for _ in $(seq 100); do
    [ "$(pg_psql victim -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%'")" -ge 1 ] && break
    sleep 0.1
  done
  pg_stop victim immediate
  tail -c +$(( $(stat -c %s "$W/o.sgs") / 2 + 1 )) "$W/o.sgs" >&5 2>/dev/null || true
  exec 5>&-
  # wait in this shell: `run` would wait from a subshell, which is not the loader's parent
  local rc=0
  wait "$pid" || rc=$?
  assert_equal "$rc" 1
  grep -q "^load-stream: error: " "$W/err"
  ! grep -q "password" "$W/err"
}

@test "a failing COPY shows the server's detail and context: which row, which line" {
  pg_psql dst t -c "CREATE TABLE customers (id int PRIMARY KEY); INSERT INTO customers VALUES (1);
                    CREATE TABLE orders (id int, customer_id int REFERENCES customers)"
  printf '1\t1\n2\t2\n' | copy-to-stream --table public.orders --columns 'id integer,customer_id integer' >"$W/fk.sgs"
  run --separate-stderr load-stream -d "$T" "$W/fk.sgs"
  assert_failure 1
  [[ "$stderr" == *'violates foreign key constraint'*'(SQLSTATE 23503); detail: Key (customer_id)=(2) is not present in table "customers".'* ]]
  [ "$(pg_psql dst t -c 'SELECT count(*) FROM orders')" = 0 ]
  printf '1\t1\n2\tabc\n' | copy-to-stream --table public.orders --columns 'id integer,customer_id integer' >"$W/bad.sgs"
  run --separate-stderr load-stream -d "$T" "$W/bad.sgs"
  assert_failure 1
  [[ "$stderr" == *'invalid input syntax for type integer: "abc" (SQLSTATE 22P02); context: COPY orders, line 2, column customer_id: "abc"'* ]]
}

@test "a selection that matches no table of the stream is an error, not a quiet success" {
  create_targets
  orders_stream >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" -t 'nosuch.*' "$W/o.sgs"
  assert_failure 2
  [[ "$stderr" == *"no table of the stream matches the selection (-t, -n, --include-table-file); nothing was loaded"* ]]
  [[ "$stderr" == *"hint: toc FILE lists the stream's tables"* ]]
  run --separate-stderr load-stream -d "$T" -t 'public.orders' -t 'nosuch.*' "$W/o.sgs"
  assert_success
}

@test "sequence values travel with the rows by default: serial and identity continue after a cutover" {
  pg_psql src app -c "DROP TABLE IF EXISTS seqs; CREATE TABLE seqs (id serial PRIMARY KEY,
      n bigint GENERATED ALWAYS AS IDENTITY, v text);
    INSERT INTO seqs (v) SELECT 'x' FROM generate_series(1, 42)"
  pg_dump --schema-only -t seqs "$(pg_conn src app)" | pg_psql dst t >/dev/null
  dump-stream -d "$(pg_conn src app)" -t seqs | load-stream -d "$T"
  [ "$(pg_psql dst t -c "INSERT INTO seqs (v) VALUES ('after') RETURNING id, n")" = '43|43' ]
  # --no-sequences on either side leaves the target's sequences alone.
  pg_psql dst t -c "TRUNCATE seqs RESTART IDENTITY"
  dump-stream -d "$(pg_conn src app)" -t seqs --no-sequences | load-stream -d "$T"
  [ "$(pg_psql dst t -c "SELECT last_value, is_called FROM seqs_id_seq")" = '1|f' ]
  pg_psql dst t -c "TRUNCATE seqs RESTART IDENTITY"
  dump-stream -d "$(pg_conn src app)" -t seqs | load-stream -d "$T" --no-sequences
  [ "$(pg_psql dst t -c "SELECT last_value, is_called FROM seqs_id_seq")" = '1|f' ]
  pg_psql src app -c "DROP TABLE seqs"
}

@test "a selected load sets only its tables' sequences; a missing one is a warning" {
  pg_psql src app -c "DROP TABLE IF EXISTS sa, sb; CREATE TABLE sa (id serial, v text); CREATE TABLE sb (id serial, v text);
    INSERT INTO sa (v) SELECT 'a' FROM generate_series(1, 5); INSERT INTO sb (v) SELECT 'b' FROM generate_series(1, 7)"
  pg_dump --schema-only -t sa -t sb "$(pg_conn src app)" | pg_psql dst t >/dev/null
  dump-stream -d "$(pg_conn src app)" -t sa -t sb >"$W/s.sgs"
  load-stream -d "$T" -t sa "$W/s.sgs"
  [ "$(pg_psql dst t -c "SELECT last_value FROM sa_id_seq")" = 5 ]
  [ "$(pg_psql dst t -c "SELECT is_called FROM sb_id_seq")" = f ]
  pg_psql dst t -c "TRUNCATE sa; ALTER TABLE sb ALTER id DROP DEFAULT; DROP SEQUENCE sb_id_seq"
  run --separate-stderr load-stream -d "$T" "$W/s.sgs"
  assert_success
  [[ "$stderr" == *"warning: sequence public.sb_id_seq does not exist on the target; its value was not set"* ]]
  pg_psql src app -c "DROP TABLE sa, sb"
}

@test "--disable-triggers loads a child before its parent under a foreign key; needs a superuser" {
  pg_psql dst t -c "CREATE TABLE customers (id int PRIMARY KEY);
                    CREATE TABLE orders (id int, customer_id int REFERENCES customers)"
  printf '1\t1\n2\t2\n' | copy-to-stream --table public.orders --columns 'id integer,customer_id integer' >"$W/fk.sgs"
  printf '1\n2\n' | copy-to-stream --table public.customers --columns 'id integer' >>"$W/fk.sgs"
  run --separate-stderr load-stream -d "$T" "$W/fk.sgs"
  assert_failure 1
  [[ "$stderr" == *'violates foreign key constraint'* ]]
  pg_psql dst t -c "TRUNCATE orders, customers"
  run --separate-stderr load-stream -d "$T" --disable-triggers "$W/fk.sgs"
  assert_success
  [ "$(pg_psql dst t -c 'SELECT count(*) FROM orders JOIN customers ON customers.id = customer_id')" = 2 ]
  # The triggers are back on afterwards.
  run pg_psql dst t -c "INSERT INTO orders VALUES (3, 99)"
  assert_failure
  pg_psql dst t -c "TRUNCATE orders, customers"
  pg_psql dst -c "DROP ROLE IF EXISTS plain_loader" -c "CREATE ROLE plain_loader LOGIN"
  pg_psql dst t -c "GRANT ALL ON orders, customers TO plain_loader"
  run --separate-stderr load-stream -d "$T user=plain_loader" --disable-triggers "$W/fk.sgs"
  assert_failure 2
  [[ "$stderr" == *'--disable-triggers needs a superuser, as pg_restore'* ]]
  [ "$(pg_psql dst t -c 'SELECT count(*) FROM customers')" = 0 ]
  pg_psql dst t -c "REVOKE ALL ON orders, customers FROM plain_loader"
  pg_psql dst -c "DROP ROLE plain_loader"
}

@test "-v prints a line per committed table; -e is pg_restore's default spelled out" {
  create_targets
  { orders_stream; items_stream; } >"$W/two.sgs"
  run --separate-stderr load-stream -d "$T" -v -e "$W/two.sgs"
  assert_success
  [[ "$stderr" == *'load-stream: committed public.orders: 20000 rows, '*' bytes in '*' s'* ]]
  [[ "$stderr" == *'load-stream: committed public.items: 3000 rows, '* ]]
  run --separate-stderr load-stream -d "$T" -e --on-error-continue "$W/two.sgs"
  assert_failure 2
}

@test "--strict-names: each include pattern must match a table of the stream" {
  create_targets
  dump-stream -d "$(pg_conn src app)" -t orders -t items >"$W/two.sgs"
  # The header lists the tables: refused before any row, nothing loaded.
  run --separate-stderr load-stream -d "$T" --strict-names -t public.orders -t 'nosuch.*' "$W/two.sgs"
  assert_failure 2
  [[ "$stderr" == *"--strict-names: no table of the stream matches 'nosuch.*'; nothing was loaded"* ]]
  [ "$(count orders)" = 0 ]
  # A stream without that list is checked at its end.
  orders_stream >"$W/o.sgs"
  run --separate-stderr load-stream -d "$T" --strict-names -t public.orders -t items "$W/o.sgs"
  assert_failure 2
  [[ "$stderr" == *"matches 'items'; the tables that matched were loaded"* ]]
  # Without --strict-names, one matching pattern is enough.
  pg_psql dst t -c "TRUNCATE orders"
  load-stream -d "$T" -t public.orders -t 'nosuch.*' -q "$W/two.sgs"
  same orders
}
