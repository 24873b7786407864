# dump-stream against real PostgreSQL 15 servers: selection, formats, snapshot consistency,
# partitions, splitting, metadata, progress and the fault cases.
load helpers

setup_file() {
  pg_start dsrc
  pg_start ddst
  pg_psql dsrc -c "CREATE DATABASE app"
  pg_psql dsrc app -c "
    CREATE SCHEMA sales; CREATE SCHEMA old;
    CREATE TABLE orders(id int PRIMARY KEY, note text, amount numeric(12,2), at timestamptz,
                        doubled int GENERATED ALWAYS AS (id * 2) STORED);
    INSERT INTO orders(id, note, amount, at)
      SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'n' || i || E'\t\\\\x' END, i * 1.25,
             '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute'
      FROM generate_series(1, 2000) i;
    CREATE TABLE t1(a int); CREATE TABLE t2(a int); CREATE TABLE t3(a int); CREATE TABLE t10(a int);
    INSERT INTO t1 VALUES (1); INSERT INTO t2 VALUES (2); INSERT INTO t3 VALUES (3);
    CREATE TABLE \"Mixed Case\"(a int); INSERT INTO \"Mixed Case\" VALUES (1), (2), (3);
    CREATE TABLE sales.items(id int); INSERT INTO sales.items SELECT generate_series(1, 10);
    CREATE TABLE sales.archive(id int);
    CREATE TABLE old.stuff(id int);
    CREATE TABLE y(a int); INSERT INTO y VALUES (42);
    CREATE TABLE \"x\"\"; DROP TABLE y; --\"(a int); INSERT INTO \"x\"\"; DROP TABLE y; --\" VALUES (7);
    CREATE TABLE events(id int, v text) PARTITION BY HASH (id);
    CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE events_1 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    INSERT INTO events SELECT i, 'e' || i FROM generate_series(1, 100) i;
    CREATE TABLE logs(day date, msg text) PARTITION BY RANGE (day);
    CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    INSERT INTO logs VALUES ('2024-05-01', 'hello');
    CREATE TABLE big(id int, pad text);
    INSERT INTO big SELECT i, repeat('p', 100) FROM generate_series(1, 20000) i;"
}

teardown_file() {
  pg_stop_all
}

src() { pg_conn dsrc app; }

# Table names in a stream, one per line, sorted, each part once.
stream_tables() { toc --json "$1" | jq -r '.streams[].tables[].table' | sort -u; }

@test "bad --format is a usage error" {
  run --separate-stderr dump-stream -d "$(src)" --format xml
  assert_failure 2
  [[ "$stderr" == *"--format takes auto, text, csv or binary"* ]]
  [ -z "$output" ]
}

@test "bad --split-larger-than size is a usage error" {
  run --separate-stderr dump-stream -d "$(src)" --split-larger-than 12XB
  assert_failure 2
  [[ "$stderr" == *"invalid size '12XB'"* ]]
}

@test "--jobs 0 is a usage error" {
  run --separate-stderr dump-stream -d "$(src)" --jobs 0
  assert_failure 2
  [[ "$stderr" == *"--jobs must be at least 1"* ]]
}

@test "--segment not below --segments is a usage error" {
  run --separate-stderr dump-stream -d "$(src)" --segment 4 --segments 4
  assert_failure 2
  [[ "$stderr" == *"is not below --segments"* ]]
}

@test "unterminated quote in a pattern is a usage error" {
  run --separate-stderr dump-stream -d "$(src)" -t '"open'
  assert_failure 2
  [[ "$stderr" == *"unterminated quoted identifier"* ]]
}

@test "missing include table file is a usage error" {
  run --separate-stderr dump-stream -d "$(src)" --include-table-file /nonexistent/list
  assert_failure 2
  [[ "$stderr" == *"cannot read table file '/nonexistent/list'"* ]]
}

@test "a pattern matching nothing fails with a hint" {
  run --separate-stderr dump-stream -d "$(src)" -t nothing_here -o "$BATS_TEST_TMPDIR/s.sgs"
  assert_failure 2
  [[ "$stderr" == *"no matching tables were found"* ]]
  [[ "$stderr" == *"dump-stream: hint:"* ]]
}

@test "default dump has every table and leaf, no partitioned parent, and verifies" {
  run --separate-stderr dump-stream -d "$(src)" -o "$BATS_TEST_TMPDIR/all.sgs"
  assert_success
  [ -z "$output" ]
  [ -z "$stderr" ]
  run stream_tables "$BATS_TEST_TMPDIR/all.sgs"
  assert_line 'public."Mixed Case"'
  assert_line 'public."x""; DROP TABLE y; --"'
  assert_line 'public.events_0'
  assert_line 'public.logs_2024'
  assert_line 'sales.items'
  assert_line 'old.stuff'
  refute_line 'public.events'
  refute_line 'public.logs'
  run toc --verify "$BATS_TEST_TMPDIR/all.sgs"
  assert_success
}

@test "-t with ? wildcard matches one character" {
  dump-stream -d "$(src)" -t 't?' > "$BATS_TEST_TMPDIR/s.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/s.sgs"
  assert_output $'public.t1\npublic.t2\npublic.t3'
}

@test "-t with * wildcard and schema qualification" {
  dump-stream -d "$(src)" -t 'sales.*' -t 'public.t1*' > "$BATS_TEST_TMPDIR/s.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/s.sgs"
  assert_output $'public.t1\npublic.t10\nsales.archive\nsales.items'
}

@test "unquoted pattern folds to lower case, quoted keeps case" {
  run --separate-stderr dump-stream -d "$(src)" -t 'Mixed Case' -o "$BATS_TEST_TMPDIR/s.sgs"
  assert_failure 2
  dump-stream -d "$(src)" -t '"Mixed Case"' > "$BATS_TEST_TMPDIR/s.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/s.sgs"
  assert_output 'public."Mixed Case"'
  dump-stream -d "$(src)" -t 'ORDERS' > "$BATS_TEST_TMPDIR/o.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/o.sgs"
  assert_output 'public.orders'
}

@test "-n selects schemas, -N excludes them" {
  dump-stream -d "$(src)" -n sales > "$BATS_TEST_TMPDIR/n.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/n.sgs"
  assert_output $'sales.archive\nsales.items'
  dump-stream -d "$(src)" -N sales -N 'o*' > "$BATS_TEST_TMPDIR/nn.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/nn.sgs"
  refute_line --partial 'sales.'
  refute_line 'old.stuff'
  assert_line 'public.orders'
}

@test "-T excludes tables even when -t includes them" {
  dump-stream -d "$(src)" -t 't*' -T t2 -T 't1?' > "$BATS_TEST_TMPDIR/s.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/s.sgs"
  assert_output $'public.t1\npublic.t3'
}

@test "--include-table-file and --exclude-table-file take literal names" {
  printf '# wanted\npublic.t1\n\nsales.items\npublic.Mixed Case\n' > "$BATS_TEST_TMPDIR/inc"
  printf 'sales.items\n' > "$BATS_TEST_TMPDIR/exc"
  dump-stream -d "$(src)" --include-table-file "$BATS_TEST_TMPDIR/inc" \
    --exclude-table-file "$BATS_TEST_TMPDIR/exc" > "$BATS_TEST_TMPDIR/s.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/s.sgs"
  assert_output $'public."Mixed Case"\npublic.t1'
}

@test "text output is exactly what COPY produces, with generated columns left out" {
  dump-stream -d "$(src)" -t orders -F text -o "$BATS_TEST_TMPDIR/t.sgs"
  run toc --json "$BATS_TEST_TMPDIR/t.sgs"
  [ "$(echo "$output" | jq -r '.streams[0].header.copy_format')" = text ]
  [ "$(echo "$output" | jq -r '.streams[0].header.session_settings.TimeZone')" = UTC ]
  toc "$BATS_TEST_TMPDIR/t.sgs" -x public.orders | sort > "$BATS_TEST_TMPDIR/got"
  PGTZ=UTC psql "$(src)" -X -q -c "COPY orders (id, note, amount, at) TO STDOUT" | sort > "$BATS_TEST_TMPDIR/want"
  [ "$(wc -l < "$BATS_TEST_TMPDIR/got")" -eq 2000 ]
  cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
  grep -aq '"generated_columns":\[{"name":"doubled"' "$BATS_TEST_TMPDIR/t.sgs"
  grep -aq '"primary_key":\["id"\]' "$BATS_TEST_TMPDIR/t.sgs"
}

@test "csv output is exactly what COPY CSV produces" {
  dump-stream -d "$(src)" -t orders --format csv -o "$BATS_TEST_TMPDIR/c.sgs"
  run toc --verify "$BATS_TEST_TMPDIR/c.sgs"
  assert_success
  toc "$BATS_TEST_TMPDIR/c.sgs" -x public.orders | sort > "$BATS_TEST_TMPDIR/got"
  PGTZ=UTC psql "$(src)" -X -q -c "COPY orders (id, note, amount, at) TO STDOUT (FORMAT csv)" | sort > "$BATS_TEST_TMPDIR/want"
  cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "binary output verifies and round-trips through load-stream" {
  dump-stream -d "$(src)" -t orders -t '"Mixed Case"' --format binary --jobs 2 > "$BATS_TEST_TMPDIR/b.sgs"
  run toc --verify "$BATS_TEST_TMPDIR/b.sgs"
  assert_success
  run toc --json "$BATS_TEST_TMPDIR/b.sgs"
  [ "$(echo "$output" | jq '[.streams[0].tables[] | select(.table == "public.orders") | .rows] | add')" -eq 2000 ]
  pg_psql ddst -c "DROP DATABASE IF EXISTS rt" -c "CREATE DATABASE rt"
  pg_dump -s -t orders -t '"Mixed Case"' "$(src)" | pg_psql ddst rt >/dev/null
  load-stream -d "$(pg_conn ddst rt)" "$BATS_TEST_TMPDIR/b.sgs"
  [ "$(pg_table_hash ddst rt orders)" = "$(pg_table_hash dsrc app orders)" ]
  [ "$(pg_table_hash ddst rt '"Mixed Case"')" = "$(pg_table_hash dsrc app '"Mixed Case"')" ]
}

@test "--format auto: binary for built-in types, text when a column's type is not portable" {
  pg_psql dsrc app -c "
    CREATE TYPE mood AS ENUM ('calm', 'busy');
    CREATE TYPE uuid AS (a int);  -- a user type named like a built-in one
    CREATE TABLE moods(id int, m mood);
    CREATE TABLE fake_uuid(u public.uuid);
    CREATE TABLE wide(v varchar(20), a int[], n numeric(12,2), j jsonb, r regclass);
    CREATE TABLE arrays(t text[], ts timestamptz[], u pg_catalog.uuid[])"
  dump-stream -d "$(src)" -t orders -t arrays -o "$BATS_TEST_TMPDIR/auto.sgs"
  toc "$BATS_TEST_TMPDIR/auto.sgs" | grep -q 'copy format  binary'
  for t in moods fake_uuid wide; do
    dump-stream -d "$(src)" -t orders -t "$t" -o "$BATS_TEST_TMPDIR/$t.sgs"
    toc "$BATS_TEST_TMPDIR/$t.sgs" | grep -q 'copy format  text' || { echo "$t was not text"; false; }
  done
  dump-stream -d "$(src)" -t orders -F text -o "$BATS_TEST_TMPDIR/text.sgs"
  toc "$BATS_TEST_TMPDIR/text.sgs" | grep -q 'copy format  text'
  dump-stream -d "$(src)" -t arrays -F auto -o "$BATS_TEST_TMPDIR/auto2.sgs"
  toc "$BATS_TEST_TMPDIR/auto2.sgs" | grep -q 'copy format  binary'
}

@test "a binary stream loads into other type modifiers, and is refused by other types with a hint" {
  pg_psql dsrc app -c "CREATE TABLE IF NOT EXISTS sized(v varchar(20), n numeric(12,2));
    INSERT INTO sized VALUES ('abc', 1.25), (NULL, NULL)"
  dump-stream -d "$(src)" -t sized -F binary -o "$BATS_TEST_TMPDIR/sized.sgs"
  pg_psql ddst -c "DROP DATABASE IF EXISTS mods" -c "CREATE DATABASE mods"
  pg_psql ddst mods -c "CREATE TABLE sized(v varchar(30), n numeric(14,3))"
  load-stream -d "$(pg_conn ddst mods)" -q "$BATS_TEST_TMPDIR/sized.sgs"
  run pg_psql ddst mods -c "SELECT v, n FROM sized WHERE v IS NOT NULL"
  assert_output "abc|1.250"
  pg_psql ddst mods -c "DROP TABLE sized; CREATE TABLE sized(v text, n numeric)"
  run --separate-stderr load-stream -d "$(pg_conn ddst mods)" -q "$BATS_TEST_TMPDIR/sized.sgs"
  assert_failure 1
  [[ "$stderr" == *"column v is character varying(20) in the stream but text"* ]]
  [[ "$stderr" == *"--format text"* ]]
  run pg_psql ddst mods -c "SELECT count(*) FROM sized"
  assert_output 0
}

@test "a table named x\"; DROP TABLE y; -- round-trips as a name and executes nothing" {
  dump-stream -d "$(src)" -t '"x""; DROP TABLE y; --"' -F text > "$BATS_TEST_TMPDIR/x.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/x.sgs"
  assert_output 'public."x""; DROP TABLE y; --"'
  run pg_psql dsrc app -c "SELECT a FROM y"
  assert_output 42
  run toc "$BATS_TEST_TMPDIR/x.sgs" -x 'public."x""; DROP TABLE y; --"'
  assert_output 7
}

@test "partition leaves carry parent, bound and hash key; selecting the parent selects leaves" {
  dump-stream -d "$(src)" -t events -t logs > "$BATS_TEST_TMPDIR/p.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/p.sgs"
  assert_output $'public.events_0\npublic.events_1\npublic.logs_2024'
  grep -aq '"partition_parent":"public.events","partition_bound":"FOR VALUES WITH (modulus 2, remainder 0)","hash_partition_key":\["id"\]' "$BATS_TEST_TMPDIR/p.sgs"
  grep -aq '"partition_parent":"public.logs"' "$BATS_TEST_TMPDIR/p.sgs"
  run toc --json "$BATS_TEST_TMPDIR/p.sgs"
  [ "$(echo "$output" | jq '[.streams[0].tables[] | select(.table | startswith("public.events")) | .rows] | add')" -eq 100 ]
  dump-stream -d "$(src)" -t events -T events_1 > "$BATS_TEST_TMPDIR/p1.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/p1.sgs"
  assert_output 'public.events_0'
}

@test "--split-larger-than dumps one table as CTID-range parts that add up" {
  dump-stream -d "$(src)" -t big --split-larger-than 512k --jobs 2 -F text > "$BATS_TEST_TMPDIR/sp.sgs"
  run toc --json "$BATS_TEST_TMPDIR/sp.sgs"
  local parts
  parts=$(echo "$output" | jq '[.streams[0].tables[] | select(.table == "public.big")] | length')
  [ "$parts" -gt 1 ]
  [ "$(echo "$output" | jq "[.streams[0].tables[] | .parts] | unique | .[0]")" -eq "$parts" ]
  [ "$(echo "$output" | jq '[.streams[0].tables[] | .rows] | add')" -eq 20000 ]
  toc "$BATS_TEST_TMPDIR/sp.sgs" -x public.big | sort > "$BATS_TEST_TMPDIR/got"
  psql "$(src)" -X -q -c "COPY big TO STDOUT" | sort > "$BATS_TEST_TMPDIR/want"
  cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "by default tables over 256MB and over their share are split over the jobs; 'off' never splits" {
  # The rule itself is unit-tested (split_test.cc); here, what the stream records of it.
  dump-stream -d "$(src)" -t big --jobs 2 > "$BATS_TEST_TMPDIR/auto.sgs"
  run toc --json "$BATS_TEST_TMPDIR/auto.sgs"
  [ "$(echo "$output" | jq '.streams[0].header.split_larger_than')" -eq 268435456 ]
  [ "$(echo "$output" | jq '[.streams[0].tables[] | .parts] | unique')" = "$(printf '[\n  1\n]')" ]
  dump-stream -d "$(src)" -t big --jobs 2 --split-larger-than off > "$BATS_TEST_TMPDIR/off.sgs"
  run toc --json "$BATS_TEST_TMPDIR/off.sgs"
  [ "$(echo "$output" | jq '.streams[0].header.split_larger_than')" = null ]
}

@test "--segment and --segments are recorded in the stream header" {
  dump-stream -d "$(src)" -t t1 --segment 2 --segments 4 > "$BATS_TEST_TMPDIR/g.sgs"
  run toc --json "$BATS_TEST_TMPDIR/g.sgs"
  [ "$(echo "$output" | jq '.streams[0].header.segment')" -eq 2 ]
  [ "$(echo "$output" | jq '.streams[0].header.segments')" -eq 4 ]
}

@test "--progress=json writes table_begin and table_end events on stderr only" {
  run --separate-stderr bash -c "dump-stream -d '$(src)' -t 't?' --progress=json > '$BATS_TEST_TMPDIR/pj.sgs'"
  assert_success
  [ -z "$output" ]
  [ "$(echo "$stderr" | jq -r 'select(.event == "table_begin") | .table' | sort | tr '\n' ' ')" = "public.t1 public.t2 public.t3 " ]
  [ "$(echo "$stderr" | jq -r 'select(.event == "table_end" and .table == "public.t2") | .rows')" = 1 ]
  echo "$stderr" | jq -e 'select(.event == "done")' >/dev/null
  run toc --verify "$BATS_TEST_TMPDIR/pj.sgs"
  assert_success
}

@test "--quiet overrides --progress" {
  run --separate-stderr bash -c "dump-stream -d '$(src)' -t t1 --progress=json --quiet > /dev/null"
  assert_success
  [ -z "$stderr" ]
}

@test "rows committed during a --jobs 2 dump never appear in it" {
  pg_psql dsrc app -c "CREATE TABLE cons_a(id bigint); CREATE TABLE cons_b(id bigint);
    INSERT INTO cons_a SELECT generate_series(1, 300000); INSERT INTO cons_b SELECT generate_series(1, 300000);"
  # Each transaction adds the same id to both tables: one instant shows equal sets.
  ( for i in $(seq 300001 400000); do
      echo "BEGIN; INSERT INTO cons_a VALUES ($i); INSERT INTO cons_b VALUES ($i); COMMIT;"
    done ) | psql "$(src)" -X -q >/dev/null 2>&1 &
  local writer=$!
  local tries=0
  until [ "$(pg_psql dsrc app -c 'SELECT count(*) FROM cons_a')" -gt 300100 ]; do
    [ $tries -lt 300 ] || { echo "the writer never got going"; false; }
    sleep 0.1
    tries=$((tries + 1))
  done
  dump-stream -d "$(src)" -t 'cons_?' --jobs 2 -F text > "$BATS_TEST_TMPDIR/cons.sgs"
  local after
  after=$(pg_psql dsrc app -c 'SELECT count(*) FROM cons_b')
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  toc "$BATS_TEST_TMPDIR/cons.sgs" -x public.cons_a | sort -n > "$BATS_TEST_TMPDIR/a"
  toc "$BATS_TEST_TMPDIR/cons.sgs" -x public.cons_b | sort -n > "$BATS_TEST_TMPDIR/b"
  cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
  local dumped
  dumped=$(wc -l < "$BATS_TEST_TMPDIR/a")
  [ "$dumped" -gt 300100 ]
  [ "$dumped" -lt "$after" ]
  # No gaps: everything up to the snapshot's last id, nothing after it.
  [ "$(tail -1 "$BATS_TEST_TMPDIR/a")" -eq "$dumped" ]
}

@test "--snapshot imports an exported snapshot" {
  pg_psql dsrc app -c "CREATE TABLE snaptab(id int); INSERT INTO snaptab SELECT generate_series(1, 50)"
  mkfifo "$BATS_TEST_TMPDIR/in"
  psql "$(src)" -X -q -At < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2>&1 &
  local holder=$!
  exec 5> "$BATS_TEST_TMPDIR/in"
  echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" >&5
  local tries=0
  until [ -s "$BATS_TEST_TMPDIR/out" ] || [ $tries -gt 300 ]; do sleep 0.1; tries=$((tries + 1)); done
  local snap
  snap=$(head -1 "$BATS_TEST_TMPDIR/out")
  pg_psql dsrc app -c "INSERT INTO snaptab SELECT generate_series(51, 80)"
  run --separate-stderr dump-stream -d "$(src)" -t snaptab --snapshot "$snap" -o "$BATS_TEST_TMPDIR/snap.sgs"
  echo "COMMIT;" >&5
  exec 5>&-
  wait "$holder" || true
  assert_success
  run toc --json "$BATS_TEST_TMPDIR/snap.sgs"
  [ "$(echo "$output" | jq -r '.streams[0].header.snapshot')" = "$snap" ]
  [ "$(echo "$output" | jq '.streams[0].tables[0].rows')" -eq 50 ]
}

@test "--snapshot with an unknown id fails with exit 1 and names the snapshot" {
  run --separate-stderr dump-stream -d "$(src)" -t t1 --snapshot 00000003-DEADBEEF-1 -o "$BATS_TEST_TMPDIR/s.sgs"
  assert_failure 1
  [[ "$stderr" == *"cannot import snapshot '00000003-DEADBEEF-1'"* ]]
}

@test "--lock-wait-timeout fails instead of waiting on a locked table" {
  hold_lock "$(src)" t3 "$BATS_TEST_TMPDIR"
  run --separate-stderr timeout 60 dump-stream -d "$(src)" -t 't?' --lock-wait-timeout 200ms -o "$BATS_TEST_TMPDIR/l.sgs"
  release_lock
  assert_failure 1
  [[ "$stderr" == *"cannot lock table"*"public.t3"* ]]
}

@test "server killed during a dump: non-zero exit and no stream trailer" {
  pg_start victim
  pg_psql victim -c "CREATE TABLE huge(id int, pad text);
    INSERT INTO huge SELECT i, repeat('z', 200) FROM generate_series(1, 300000) i"
  # The slow reader keeps the dump mid-table while the server dies.
  { local rc=0; dump-stream -d "$(pg_conn victim)" -t huge 2> "$BATS_TEST_TMPDIR/err" || rc=$?
    echo "$rc" > "$BATS_TEST_TMPDIR/rc"; } \
    | (sleep 2; cat > "$BATS_TEST_TMPDIR/k.sgs") &
  local pipeline=$!
  sleep 0.5
  pg_stop victim immediate
  wait "$pipeline" || true
  local tries=0
  until [ -s "$BATS_TEST_TMPDIR/rc" ] || [ $tries -gt 300 ]; do sleep 0.1; tries=$((tries + 1)); done
  [ "$(cat "$BATS_TEST_TMPDIR/rc")" -eq 1 ]
  cat "$BATS_TEST_TMPDIR/err"
  [ "$(wc -l < "$BATS_TEST_TMPDIR/err")" -eq 1 ]
  grep -q '^dump-stream: error: .*public.huge' "$BATS_TEST_TMPDIR/err"
  run toc --verify "$BATS_TEST_TMPDIR/k.sgs"
  assert_failure 3
}

@test "a closed downstream pipe gives a prompt exit 1 with one line" {
  run --separate-stderr bash -c "set -o pipefail; timeout 60 dump-stream -d '$(src)' -t big -t orders --jobs 2 | head -c 1000 > /dev/null; echo \"\${PIPESTATUS[0]}\" >&2"
  [ "${#stderr_lines[@]}" -eq 2 ]
  [[ "${stderr_lines[0]}" == "dump-stream: error: "*"downstream closed"* ]]
  [ "${stderr_lines[1]}" = 1 ]
}

@test "a refused connection exits 1 and never prints the password" {
  run --separate-stderr dump-stream -d "host=$BATS_TEST_TMPDIR port=1 user=postgres password=s3cretPW dbname=app"
  assert_failure 1
  [[ "$stderr" == "dump-stream: error: cannot connect"* ]]
  [[ "$stderr" != *s3cretPW* ]]
  [ -z "$output" ]
}

@test "a URI with a password to a dead server exits 1 without the password" {
  run --separate-stderr dump-stream -d "postgresql://postgres:s3cretPW@localhost:1/app"
  assert_failure 1
  [[ "$stderr" != *s3cretPW* ]]
  [ -z "$output" ]
}

@test "-h -p -U and PG* environment variables work like pg_dump" {
  dump-stream -h "$(pg_dir dsrc)" -p "$(pg_port dsrc)" -U postgres -d app -t t1 > "$BATS_TEST_TMPDIR/h.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/h.sgs"
  assert_output public.t1
  pg_env dsrc app
  dump-stream -t t2 > "$BATS_TEST_TMPDIR/e.sgs"
  run stream_tables "$BATS_TEST_TMPDIR/e.sgs"
  assert_output public.t2
}

# Large objects: an empty one, one over several 2 KiB pages of every byte value, a short
# one owned by a role that is not a superuser and granted to another.
lo_source() {
  pg_psql dsrc -c "DROP DATABASE IF EXISTS lo" >/dev/null
  pg_psql dsrc -c "CREATE DATABASE lo" >/dev/null
  pg_psql dsrc -c "DO \$\$ BEGIN CREATE ROLE lo_user LOGIN; CREATE ROLE lo_reader; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
  pg_psql dsrc lo -c "
    CREATE TABLE docs(id int, doc oid);
    INSERT INTO docs VALUES (1, lo_from_bytea(0, '')),
      (2, lo_from_bytea(0, (SELECT string_agg(set_byte('\\x00'::bytea, 0, g % 256), '') FROM generate_series(1, 9000) g))),
      (3, lo_from_bytea(0, 'hello'));" >/dev/null
  pg_psql dsrc lo -c "SELECT 'ALTER LARGE OBJECT ' || doc || ' OWNER TO lo_user; GRANT SELECT ON LARGE OBJECT ' || doc || ' TO lo_reader' FROM docs WHERE id = 3" |
    pg_psql dsrc lo >/dev/null
  pg_psql dsrc lo -c "GRANT SELECT ON docs TO lo_user" >/dev/null
}
lo_contents() {  # SERVER: every large object's oid, size and md5
  pg_psql "$1" lo -c "SELECT oid, length(lo_get(oid)), md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid"
}

@test "large objects travel with a whole-database dump, every format, loaded twice" {
  lo_source
  want=$(lo_contents dsrc)
  [ "$(echo "$want" | wc -l)" -eq 3 ]
  for fmt in text csv binary; do
    run --separate-stderr dump-stream -d "$(pg_conn dsrc lo)" --format "$fmt" -o "$BATS_TEST_TMPDIR/lo.$fmt.sgs"
    assert_success
    run toc --json "$BATS_TEST_TMPDIR/lo.$fmt.sgs"
    [ "$(jq -r '[.streams[0].tables[].table] | sort | join(" ")' <<<"$output")" = "pg_catalog.pg_largeobject public.docs" ]
    pg_psql ddst -c "DROP DATABASE IF EXISTS lo" >/dev/null
    pg_psql ddst -c "CREATE DATABASE lo" >/dev/null
    pg_psql ddst lo -c "CREATE TABLE docs(id int, doc oid)" >/dev/null
    load-stream -d "$(pg_conn ddst lo)" -q "$BATS_TEST_TMPDIR/lo.$fmt.sgs"
    [ "$(lo_contents ddst)" = "$want" ]
    # Again into the same database, over objects grown since: emptied and rewritten.
    pg_psql ddst lo -c "SELECT count(lo_put(oid, 20000, 'tail')) FROM pg_largeobject_metadata" >/dev/null
    [ "$(lo_contents ddst)" != "$want" ]
    load-stream -d "$(pg_conn ddst lo)" -q --jobs 2 --truncate "$BATS_TEST_TMPDIR/lo.$fmt.sgs"
    [ "$(lo_contents ddst)" = "$want" ]
    [ "$(pg_table_hash ddst lo docs)" = "$(pg_table_hash dsrc lo docs)" ]
  done
  # segsplit keeps them whole, on output 0, whatever it does with the tables' rows.
  run --separate-stderr segsplit --round-robin --segments 2 -v -o "$BATS_TEST_TMPDIR/part%d.sgs" "$BATS_TEST_TMPDIR/lo.text.sgs"
  assert_success
  [[ "$stderr" == *"pg_catalog.pg_largeobject: large objects, all to output 0"* ]]
  [ "$(toc --json "$BATS_TEST_TMPDIR/part1.sgs" | jq '.streams[0].tables[] | select(.table == "pg_catalog.pg_largeobject") | .rows')" = 0 ]
  pg_psql ddst -c "DROP DATABASE lo" >/dev/null
  pg_psql ddst -c "CREATE DATABASE lo" >/dev/null
  pg_psql ddst lo -c "CREATE TABLE docs(id int, doc oid)" >/dev/null
  load-stream -d "$(pg_conn ddst lo)" -q "$BATS_TEST_TMPDIR/part1.sgs"
  load-stream -d "$(pg_conn ddst lo)" -q "$BATS_TEST_TMPDIR/part0.sgs"
  [ "$(lo_contents ddst)" = "$want" ]
  [ "$(pg_table_hash ddst lo docs)" = "$(pg_table_hash dsrc lo docs)" ]
}

@test "large objects: read with lo_get by a role that cannot read pg_largeobject" {
  lo_source
  # -t leaves large objects out, as in pg_dump.
  run --separate-stderr dump-stream -d "$(pg_conn dsrc lo)" -U lo_user -t docs -o "$BATS_TEST_TMPDIR/t.sgs"
  assert_success
  [ "$(toc --json "$BATS_TEST_TMPDIR/t.sgs" | jq -c '[.streams[0].tables[].table]')" = '["public.docs"]' ]
  # A whole-database dump needs every object readable, as pg_dump does.
  run --separate-stderr dump-stream -d "$(pg_conn dsrc lo)" -U lo_user -o "$BATS_TEST_TMPDIR/all.sgs"
  assert_failure 1
  [[ "$stderr" == *"permission denied for large object"* ]]
  pg_psql dsrc lo -c "SELECT 'GRANT SELECT ON LARGE OBJECT ' || oid || ' TO lo_user;' FROM pg_largeobject_metadata" |
    pg_psql dsrc lo >/dev/null
  dump-stream -d "$(pg_conn dsrc lo)" -U lo_user -q -o "$BATS_TEST_TMPDIR/all.sgs"
  # Three names and three whole objects (pages would be more rows).
  [ "$(toc --json "$BATS_TEST_TMPDIR/all.sgs" | jq '.streams[0].tables[] | select(.table == "pg_catalog.pg_largeobject") | .rows')" = 6 ]
  pg_psql ddst -c "DROP DATABASE IF EXISTS lo" >/dev/null
  pg_psql ddst -c "CREATE DATABASE lo" >/dev/null
  pg_psql ddst lo -c "CREATE TABLE docs(id int, doc oid)" >/dev/null
  load-stream -d "$(pg_conn ddst lo)" -q "$BATS_TEST_TMPDIR/all.sgs"
  [ "$(lo_contents ddst)" = "$(lo_contents dsrc)" ]
}

@test "large objects with --schema keep their owners and grants; -B leaves them out" {
  lo_source
  pg_psql ddst -c "DO \$\$ BEGIN CREATE ROLE lo_user LOGIN; CREATE ROLE lo_reader; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
  pg_psql ddst -c "DROP DATABASE IF EXISTS lo" >/dev/null
  dump-stream -d "$(pg_conn dsrc lo)" --schema -q | load-stream -d "$(pg_conn ddst lo)" --schema --create-db -q
  [ "$(lo_contents ddst)" = "$(lo_contents dsrc)" ]
  meta="SELECT oid, lomowner::regrole, lomacl FROM pg_largeobject_metadata ORDER BY oid"
  [ "$(pg_psql ddst lo -c "$meta")" = "$(pg_psql dsrc lo -c "$meta")" ]
  run --separate-stderr dump-stream -d "$(pg_conn dsrc lo)" --schema -B -o "$BATS_TEST_TMPDIR/nolo.sgs"
  assert_success
  [ "$(toc --json "$BATS_TEST_TMPDIR/nolo.sgs" | jq '[.streams[0].tables[].table] | index("pg_catalog.pg_largeobject")')" = null ]
  pg_psql ddst -c "DROP DATABASE lo" >/dev/null
  load-stream -d "$(pg_conn ddst lo)" --schema --create-db -q "$BATS_TEST_TMPDIR/nolo.sgs"
  [ "$(pg_psql ddst lo -c "SELECT count(*) FROM pg_largeobject_metadata")" = 0 ]
}

@test "foreign tables are left out with a note, as pg_dump and gpbackup leave them" {
  pg_psql dsrc -c "DROP DATABASE IF EXISTS fdw WITH (FORCE)" -c "CREATE DATABASE fdw"
  pg_psql dsrc fdw -c "CREATE EXTENSION postgres_fdw;
    CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'nowhere.invalid');
    CREATE FOREIGN TABLE remote_orders (id int) SERVER elsewhere;
    CREATE TABLE local_orders (id int); INSERT INTO local_orders VALUES (1), (2)"
  run --separate-stderr dump-stream -d "$(pg_conn dsrc fdw)" -o "$BATS_TEST_TMPDIR/f.sgs"
  assert_success
  [[ "$stderr" == *"note: left out 1 table whose rows live outside the database: foreign table public.remote_orders"* ]]
  [ "$(stream_tables "$BATS_TEST_TMPDIR/f.sgs")" = public.local_orders ]
  run --separate-stderr dump-stream -d "$(pg_conn dsrc fdw)" -q -o "$BATS_TEST_TMPDIR/f.sgs"
  [ -z "$stderr" ]
}

@test "a bare name in --include-table-file means the visible table for rows and schema alike" {
  pg_psql dsrc -c "DROP DATABASE IF EXISTS vis" -c "CREATE DATABASE vis"
  pg_psql dsrc vis -c "CREATE SCHEMA sales; CREATE TABLE sales.items (id int); INSERT INTO sales.items VALUES (1), (2);
                      ALTER DATABASE vis SET search_path = sales, public"
  echo items >"$BATS_TEST_TMPDIR/include.txt"
  dump-stream -d "$(pg_conn dsrc vis)" --schema --include-table-file "$BATS_TEST_TMPDIR/include.txt" -o "$BATS_TEST_TMPDIR/v.sgs"
  # The rows and the table's definition are the same table: sales.items, not public.items.
  run toc -l "$BATS_TEST_TMPDIR/v.sgs"
  assert_line --regexp '^[0-9]+; 1259 [0-9]+ TABLE sales items postgres$'
  assert_line '0; 0 0 TABLE DATA sales items -'
  pg_psql dsrc -c "DROP DATABASE vis"
}
