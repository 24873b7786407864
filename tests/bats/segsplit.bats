#!/usr/bin/env bats
# segsplit against real PostgreSQL servers: rows split with --hash pg-partition are loaded
# straight into the leaf partition of the same number (not through the parent), where the
# server itself proves the placement - COPY into a leaf checks its partition constraint, and
# satisfies_hash_partition() is asked again for every row - for every supported key type,
# multi-column keys, NULLs and edge values, in text, csv and binary COPY format. Then a
# simulated 3-segment cluster is resized to 5 and 2, and the bad inputs each get a test.
load helpers

SRC_SQL=$(cat <<'SQL'
CREATE TABLE src (
  c_int2 int2, c_int4 int4, c_int8 int8, c_num numeric, c_text text, c_varchar varchar(20),
  c_bpchar char(8), c_bytea bytea, c_bool bool, c_date date, c_time time, c_ts timestamp,
  c_tstz timestamptz, c_iv interval, c_uuid uuid, c_f4 real, c_f8 double precision, c_oid oid,
  c_inet inet, c_cidr cidr, c_char "char");
INSERT INTO src SELECT
  (i % 65536 - 32768)::int2,
  (i::bigint * 715827 % 4294967296 - 2147483648)::int4,
  (i::numeric * 3074457345618258 % 18446744073709551616 - 9223372036854775808)::int8,
  CASE i % 4 WHEN 0 THEN i * 1.37 - 500 WHEN 1 THEN (i::numeric / 7)::numeric(40, 30)
             WHEN 2 THEN ('1e' || (i % 60 - 30))::numeric * i ELSE -(i::numeric ^ 5) END,
  md5(i::text) || repeat(' ', i % 3),
  left(md5(i::text), i % 20),
  left(md5(i::text), i % 9),
  decode(left(md5(i::text), 2 * (i % 17)), 'hex'),
  CASE WHEN i % 3 = 2 THEN NULL ELSE i % 2 = 0 END,
  date '2000-01-01' + (i * 37 - 50000),
  time '00:00' + i * interval '28.123457 sec',
  timestamp '1970-01-01' + i * interval '1 day 1 hour 1.5 sec' - interval '100 years',
  timestamptz '2000-01-01 00:00+00' + (i - 1500) * interval '7 hours 0.25 sec',
  i * interval '1 day 3 hours 0.5 sec' - interval '1 mon' * (i % 13) + interval '1 year' * (i % 5),
  md5(i::text)::uuid,
  (i * 1.1 - 1000)::real,
  (i * 1.000001 - 1500)::float8 / 3,
  ((i::bigint * 1431655 % 4294967296)::text)::oid,
  CASE WHEN i % 5 = 0 THEN ('2001:db8::' || to_hex(i) || '/' || (64 + i % 64))::inet
       ELSE (((i * 7) % 256) || '.' || (i % 256) || '.' || (i / 256) || '.1/' || (8 + i % 25))::inet END,
  ('10.' || (i % 256) || '.' || (i / 256 % 256) || '.0/24')::cidr,
  chr(33 + i % 90)::"char"
FROM generate_series(1, 3000) i;
-- Edge values, one column at a time (the other columns NULL: NULLs in multi-column keys).
INSERT INTO src (c_int2) VALUES (-32768), (32767), (0), (-1);
INSERT INTO src (c_int4) VALUES (-2147483648), (2147483647), (0), (-1);
INSERT INTO src (c_int8) VALUES (-9223372036854775808), (9223372036854775807), (0), (-1), (4294967296);
INSERT INTO src (c_num) VALUES ('NaN'), ('Infinity'), ('-Infinity'), (0), ('0.000'), ('-0'),
  ('123456789012345678901234567890.123456789012345678901234567890'),
  ('-0.000000000000000000000000000001'), ('0.0001'), ('10000'), ('1.50'), ('-1.5'), ('1e100');
INSERT INTO src (c_text, c_varchar, c_bpchar) VALUES ('', '', ''), (' ', ' ', ' '), ('a', 'a', 'a'),
  ('a  ', 'a  ', 'a  '), (E'tab\there', E'new\nline', E'back\\sl'), ('ü€𝄞日本', 'ü€', 'ü€'),
  ('"q", c', '\N', '\.');
INSERT INTO src (c_bytea) VALUES ('\x'), ('\x00'), ('\x0a5c09ff'), ('\x20');
INSERT INTO src (c_bool) VALUES (true), (false);
INSERT INTO src (c_date) VALUES ('infinity'), ('-infinity'), ('2000-01-01'), ('1999-12-31'), ('2024-02-29');
INSERT INTO src (c_time) VALUES ('00:00'), ('24:00'), ('23:59:59.999999');
INSERT INTO src (c_ts, c_tstz) VALUES ('infinity', 'infinity'), ('-infinity', '-infinity'),
  ('1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00'), ('2000-01-01', '2000-01-01 05:30+05:30');
INSERT INTO src (c_iv) VALUES ('0'), ('-178000000 years'), ('178000000 years'), ('-1 day -00:00:01'),
  ('1 mon'), ('30 days');
INSERT INTO src (c_uuid) VALUES ('00000000-0000-0000-0000-000000000000'), ('ffffffff-ffff-ffff-ffff-ffffffffffff');
INSERT INTO src (c_f4, c_f8) VALUES ('NaN', 'NaN'), ('Infinity', 'Infinity'), ('-Infinity', '-Infinity'),
  ('0', '0'), ('-0', '-0'), ('1.17549435e-38', '2.2250738585072014e-308'), ('3.4028235e38', '1.7976931348623157e308'),
  ('1e-45', '5e-324');
INSERT INTO src (c_oid) VALUES (0), (2147483647), (2147483648), (4294967295);
INSERT INTO src (c_inet, c_cidr) VALUES ('0.0.0.0/0', '0.0.0.0/0'), ('::1', '::/0'),
  ('255.255.255.255', '255.255.255.255/32'), ('ffff::1/128', 'ffff::/16'), ('192.168.0.1/24', '192.168.0.0/24');
INSERT INTO src (c_char) VALUES (''), (E'\t'), ('\'), ('z');
INSERT INTO src (c_int4) SELECT NULL FROM generate_series(1, 5);
SQL
)

setup_file() {
  pg_start part
  pg_psql part -c "$SRC_SQL"
  local fmt
  for fmt in text csv binary; do
    dump-stream -d "$(pg_conn part)" -t public.src -F "$fmt" -o "$BATS_FILE_TMPDIR/src.$fmt.sgs" -q
  done
  pg_table_hash part postgres src > "$BATS_FILE_TMPDIR/src.hash"
}

teardown_file() { pg_stop_all; }

# check_key NAME COLS: for modulus 3, 4 and 7 (text) and 4 (csv) and 7 (binary), split src by
# COLS, load output i into leaf i of a fresh hash-partitioned copy of src, and prove it.
check_key() {
  local name=$1 cols=$2 fmt m i parent
  for spec in text:3 text:4 text:7 csv:4 binary:7; do
    fmt=${spec%%:*} m=${spec##*:}
    parent="p_${name}_${fmt}_$m"
    {
      echo "CREATE TABLE $parent (LIKE src) PARTITION BY HASH ($cols);"
      for ((i = 0; i < m; i++)); do
        echo "CREATE TABLE ${parent}_$i PARTITION OF $parent FOR VALUES WITH (MODULUS $m, REMAINDER $i);"
      done
    } | pg_psql part
    run --separate-stderr segsplit --hash pg-partition --segments "$m" --key "public.src=$cols" \
      -o "$BATS_TEST_TMPDIR/${parent}_%d.sgs" "$BATS_FILE_TMPDIR/src.$fmt.sgs"
    assert_success
    assert_output ''
    [ -z "$stderr" ]
    for ((i = 0; i < m; i++)); do
      toc --verify -q "$BATS_TEST_TMPDIR/${parent}_$i.sgs"
      # Straight into the leaf: the server checks each row against the leaf's constraint.
      load-stream -d "$(pg_conn part)" -q --table-map "public.src=public.${parent}_$i" \
        "$BATS_TEST_TMPDIR/${parent}_$i.sgs"
      run pg_psql part -c "SELECT count(*) FROM ${parent}_$i
                           WHERE NOT satisfies_hash_partition('$parent'::regclass, $m, $i, $cols)"
      assert_output 0
    done
    # Every row once: the union of the leaves is src.
    run pg_table_hash part postgres "$parent"
    assert_output "$(cat "$BATS_FILE_TMPDIR/src.hash")"
  done
}

@test "pg-partition: int2 key" { check_key int2 c_int2; }
@test "pg-partition: int4 key" { check_key int4 c_int4; }
@test "pg-partition: int8 key" { check_key int8 c_int8; }
@test "pg-partition: numeric key (NaN, infinities, zeros, many digits, negative weights)" { check_key num c_num; }
@test "pg-partition: text key (empty, trailing spaces, escapes, unicode)" { check_key text c_text; }
@test "pg-partition: varchar key" { check_key varchar c_varchar; }
@test "pg-partition: bpchar key" { check_key bpchar c_bpchar; }
@test "pg-partition: bytea key" { check_key bytea c_bytea; }
@test "pg-partition: bool key" { check_key bool c_bool; }
@test "pg-partition: date key (infinities)" { check_key date c_date; }
@test "pg-partition: time key" { check_key time c_time; }
@test "pg-partition: timestamp key" { check_key ts c_ts; }
@test "pg-partition: timestamptz key" { check_key tstz c_tstz; }
@test "pg-partition: interval key" { check_key iv c_iv; }
@test "pg-partition: uuid key" { check_key uuid c_uuid; }
@test "pg-partition: float4 key (+-0, NaN, infinity, extremes)" { check_key f4 c_f4; }
@test "pg-partition: float8 key (+-0, NaN, infinity, extremes)" { check_key f8 c_f8; }
@test "pg-partition: oid key" { check_key oid c_oid; }
@test "pg-partition: inet key" { check_key inet c_inet; }
@test "pg-partition: cidr key" { check_key cidr c_cidr; }
@test "pg-partition: \"char\" key" { check_key char c_char; }
@test "pg-partition: two-column key (int4, text) with NULLs" { check_key m2 "c_int4, c_text"; }
@test "pg-partition: three-column key (date, numeric, uuid)" { check_key m3 "c_date, c_num, c_uuid"; }
@test "pg-partition: three-column key (bpchar, int8, bool)" { check_key m3b "c_bpchar, c_int8, c_bool"; }

@test "pg-partition: the key recorded by dump-stream for the leaves of a partitioned table" {
  pg_psql part -c "CREATE TABLE hp (id int8, v text) PARTITION BY HASH (id);
    CREATE TABLE hp_0 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE hp_1 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    INSERT INTO hp SELECT i, md5(i::text) FROM generate_series(1, 2000) i;
    CREATE TABLE hq (LIKE hp) PARTITION BY HASH (id);"
  for i in 0 1 2 3 4; do
    pg_psql part -c "CREATE TABLE hq_$i PARTITION OF hq FOR VALUES WITH (MODULUS 5, REMAINDER $i)"
  done
  dump-stream -d "$(pg_conn part)" -t public.hp -q -o "$BATS_TEST_TMPDIR/hp.sgs"
  # No --hash, no --key: both come from the stream's table metadata.
  run --separate-stderr segsplit --segments 5 -v -o "$BATS_TEST_TMPDIR/hq%d.sgs" "$BATS_TEST_TMPDIR/hp.sgs"
  assert_success
  [[ "$stderr" == *"public.hp_0: pg-partition by (id)"* ]]
  for i in 0 1 2 3 4; do
    load-stream -d "$(pg_conn part)" -q --table-map public.hp_0=public.hq_$i \
      --table-map public.hp_1=public.hq_$i "$BATS_TEST_TMPDIR/hq$i.sgs"
  done
  [ "$(pg_table_hash part postgres hq)" = "$(pg_table_hash part postgres hp)" ]
}

@test "round-robin and replicate spread every row (replicated: every output has all)" {
  run --separate-stderr segsplit --round-robin --segments 3 -o "$BATS_TEST_TMPDIR/rr%d.sgs" \
    "$BATS_FILE_TMPDIR/src.text.sgs"
  assert_success
  rows=$(for i in 0 1 2; do toc --json "$BATS_TEST_TMPDIR/rr$i.sgs" | jq '.streams[0].tables[0].rows'; done)
  total=$(toc --json "$BATS_FILE_TMPDIR/src.text.sgs" | jq '.streams[0].tables[0].rows')
  [ "$(echo "$rows" | paste -sd+ | bc)" -eq "$total" ]
  # dealt in turn: the counts differ by at most one
  [ $(( $(echo "$rows" | sort -n | tail -1) - $(echo "$rows" | sort -n | head -1) )) -le 1 ]
  run --separate-stderr segsplit --replicate --segments 2 -o "$BATS_TEST_TMPDIR/rep%d.sgs" \
    "$BATS_FILE_TMPDIR/src.text.sgs"
  assert_success
  want=$(toc --json "$BATS_FILE_TMPDIR/src.text.sgs" | jq -r '.streams[0].tables[0].digest')
  for i in 0 1; do
    [ "$(toc --json "$BATS_TEST_TMPDIR/rep$i.sgs" | jq -r '.streams[0].tables[0].digest')" = "$want" ]
  done
}

@test "--to-command streams output i into a child with %d and SEGSTREAM_SEGMENT" {
  run --separate-stderr segsplit --hash greenplum --segments 3 --key public.src=c_int8 \
    --to-command "cat > $BATS_TEST_TMPDIR/cmd%d.sgs; echo \$SEGSTREAM_SEGMENT > $BATS_TEST_TMPDIR/env%d" \
    "$BATS_FILE_TMPDIR/src.text.sgs"
  assert_success
  for i in 0 1 2; do
    toc --verify -q "$BATS_TEST_TMPDIR/cmd$i.sgs"
    [ "$(cat "$BATS_TEST_TMPDIR/env$i")" = "$i" ]
    [ "$(toc --json "$BATS_TEST_TMPDIR/cmd$i.sgs" | jq '.streams[0].header.segment')" = "$i" ]
  done
}

# ---- bad input ------------------------------------------------------------------------------

@test "corrupt input: exit 3, and no output file is left behind" {
  cp "$BATS_FILE_TMPDIR/src.text.sgs" "$BATS_TEST_TMPDIR/bad.sgs"
  # flip one byte inside the first DATA frame's payload
  printf '\x00' | dd of="$BATS_TEST_TMPDIR/bad.sgs" bs=1 seek=3000 conv=notrunc 2>/dev/null
  run --separate-stderr segsplit --hash greenplum --segments 2 --key src=c_int4 \
    -o "$BATS_TEST_TMPDIR/c%d.sgs" "$BATS_TEST_TMPDIR/bad.sgs"
  [ "$status" -eq 3 ]
  assert_output ''
  [[ "$stderr" == "segsplit: error: "* ]]
  [ ! -e "$BATS_TEST_TMPDIR/c0.sgs" ] && [ ! -e "$BATS_TEST_TMPDIR/c1.sgs" ]
}

@test "a trailer whose digest or row count lies: exit 3 for every method, no valid output" {
  # segsplit leaves the digest to its writers' hashes; the lie must still be caught.
  gen-stream --tables 2 --rows 50 --bad-trailer digest >"$BATS_TEST_TMPDIR/lie.sgs"
  for method in "--hash greenplum --key public.t1=id --key public.t2=id" --round-robin --replicate; do
    run --separate-stderr segsplit $method --segments 3 -f -o "$BATS_TEST_TMPDIR/l%d.sgs" \
      "$BATS_TEST_TMPDIR/lie.sgs"
    [ "$status" -eq 3 ]
    [[ "$stderr" == "segsplit: error: table digest mismatch: trailer "*", data "*"(table public.t2, frame "* ]]
    [ ! -e "$BATS_TEST_TMPDIR/l0.sgs" ]
  done
  gen-stream --tables 2 --rows 50 --bad-trailer rows >"$BATS_TEST_TMPDIR/lie.sgs"
  run --separate-stderr segsplit --round-robin --segments 3 -f -o "$BATS_TEST_TMPDIR/l%d.sgs" \
    "$BATS_TEST_TMPDIR/lie.sgs"
  [ "$status" -eq 3 ]
  [[ "$stderr" == *"table trailer disagrees with the data: rows 51 in trailer, 50 in data"* ]]
}

@test "truncated input: exit 3" {
  head -c 20000 "$BATS_FILE_TMPDIR/src.text.sgs" > "$BATS_TEST_TMPDIR/short.sgs"
  run --separate-stderr segsplit --hash greenplum --segments 2 --key src=c_int4 \
    -o "$BATS_TEST_TMPDIR/t%d.sgs" "$BATS_TEST_TMPDIR/short.sgs"
  [ "$status" -eq 3 ]
  [[ "$stderr" == *"segsplit: error: "*"trunc"* ]]
}

@test "missing key: a table with no key and no method is an error, not round-robin" {
  run --separate-stderr segsplit --segments 2 -o "$BATS_TEST_TMPDIR/m%d.sgs" "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  assert_output ''
  [ "${stderr_lines[0]}" = "segsplit: error: table public.src has no distribution key in the stream" ]
  [[ "${stderr_lines[1]}" == "segsplit: hint: "*"--key public.src="* ]]
}

@test "--key naming a column the table does not have: exit 2" {
  run --separate-stderr segsplit --hash greenplum --segments 2 --key src=nope \
    -o "$BATS_TEST_TMPDIR/m%d.sgs" "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"table public.src has no column nope"* ]]
}

@test "unsupported key type: exit 2 naming table, column and type" {
  pg_psql part -c "CREATE TABLE js (id int, doc jsonb); INSERT INTO js VALUES (1, '{}')"
  dump-stream -d "$(pg_conn part)" -t public.js -q -o "$BATS_TEST_TMPDIR/js.sgs"
  run --separate-stderr segsplit --hash greenplum --segments 2 --key js=doc \
    -o "$BATS_TEST_TMPDIR/j%d.sgs" "$BATS_TEST_TMPDIR/js.sgs"
  [ "$status" -eq 2 ]
  [[ "${stderr_lines[0]}" == "segsplit: error: table public.js, key column doc: "*jsonb* ]]
}

@test "unparsable key value: exit 3 naming table, row and column" {
  # A stream whose bigint column holds text no bigint prints as (made by the test-only
  # copy-to-stream fixture, as a corrupted or hand-edited dump would look).
  printf '1\ta\n12x\tb\n3\tc\n' | copy-to-stream --table public.bad --columns 'id bigint,v text' \
    > "$BATS_TEST_TMPDIR/badval.sgs"
  run --separate-stderr segsplit --hash greenplum --segments 2 --key public.bad=id \
    -o "$BATS_TEST_TMPDIR/b%d.sgs" "$BATS_TEST_TMPDIR/badval.sgs"
  [ "$status" -eq 3 ]
  assert_output ''
  [[ "${stderr_lines[0]}" == 'segsplit: error: cannot place row 2: column id: '*bigint*12x*'(table public.bad'* ]]
  [ ! -e "$BATS_TEST_TMPDIR/b0.sgs" ]
}

@test "failing --to-command child: its exit status is reported, exit 1" {
  run --separate-stderr segsplit --hash greenplum --segments 3 --key src=c_int4 \
    --to-command 'if [ %d = 1 ]; then exit 7; else cat > /dev/null; fi' "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 1 ]
  [[ "${stderr_lines[0]}" == "segsplit: error: command for segment 1 exited with status 7"* ]]
}

@test "closed output: a child that stops reading early gives a prompt exit 1" {
  run --separate-stderr segsplit --hash greenplum --segments 2 --key src=c_int4 \
    --to-command 'head -c 100 > /dev/null' "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 1 ]
  [ "${#stderr_lines[@]}" -le 2 ]
  [[ "${stderr_lines[0]}" == "segsplit: error: command for segment "* ]]
}

@test "usage errors: no outputs, both outputs, -o without %d, bad method, conflicting methods" {
  run --separate-stderr segsplit --segments 2 "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  run --separate-stderr segsplit --segments 2 -o 'x%d' --to-command cat "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  run --separate-stderr segsplit --segments 2 --round-robin -o "$BATS_TEST_TMPDIR/nopattern" "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"has no %d"* ]]
  run --separate-stderr segsplit --segments 2 --hash md5 -o 'x%d' "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  run --separate-stderr segsplit --segments 2 --hash greenplum --replicate -o 'x%d' "$BATS_FILE_TMPDIR/src.text.sgs"
  [ "$status" -eq 2 ]
  run --separate-stderr segsplit --bogus
  [ "$status" -eq 2 ]
  [ "${stderr_lines[0]}" != "" ]
  [[ "${stderr_lines[0]}" == "segsplit: error: "* ]]
}

# rows_in FILE TABLE: the rows an output holds of TABLE, over all its pieces.
rows_in() { toc --json "$1" | jq --arg t "$2" '[.streams[].tables[] | select(.table == $t) | .rows] | add'; }

@test "a replicated table from N segment streams: one copy in, one full copy to every output" {
  for s in 0 1 2; do
    gen-stream --tables 1 --rows 100 --policy replicated --segment $s --segments 3 >"$BATS_TEST_TMPDIR/seg$s.sgs"
  done
  cat "$BATS_TEST_TMPDIR"/seg{0,1,2}.sgs | segsplit --segments 5 -o "$BATS_TEST_TMPDIR/new%d.sgs"
  gen-stream --rows 100 --emit-rows 1 >"$BATS_TEST_TMPDIR/want"
  for i in 0 1 2 3 4; do
    [ "$(rows_in "$BATS_TEST_TMPDIR/new$i.sgs" public.t1)" = 100 ]
    toc -x public.t1 "$BATS_TEST_TMPDIR/new$i.sgs" | cmp - "$BATS_TEST_TMPDIR/want"
  done
}

@test "replicated copies that differ between segments: exit 3 naming both streams" {
  gen-stream --tables 1 --rows 100 --policy replicated --segment 0 --segments 2 >"$BATS_TEST_TMPDIR/seg0.sgs"
  gen-stream --tables 1 --rows 99 --policy replicated --segment 1 --segments 2 >"$BATS_TEST_TMPDIR/seg1.sgs"
  cat "$BATS_TEST_TMPDIR/seg0.sgs" "$BATS_TEST_TMPDIR/seg1.sgs" >"$BATS_TEST_TMPDIR/both.sgs"
  run --separate-stderr segsplit --segments 3 -o "$BATS_TEST_TMPDIR/new%d.sgs" "$BATS_TEST_TMPDIR/both.sgs"
  assert_equal "$status" 3
  [[ "$stderr" == *"replicated table copies differ: input stream 2 (segment 1) holds 99 rows"*"input stream 1 (segment 0) held 100"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/new0.sgs" ]
}

@test "a lying trailer on a skipped replicated copy is still caught" {
  gen-stream --tables 1 --rows 50 --policy replicated --segment 0 --segments 2 >"$BATS_TEST_TMPDIR/seg0.sgs"
  gen-stream --tables 1 --rows 50 --policy replicated --segment 1 --segments 2 --bad-trailer digest >"$BATS_TEST_TMPDIR/seg1.sgs"
  cat "$BATS_TEST_TMPDIR/seg0.sgs" "$BATS_TEST_TMPDIR/seg1.sgs" >"$BATS_TEST_TMPDIR/both.sgs"
  run --separate-stderr segsplit --segments 2 -o "$BATS_TEST_TMPDIR/new%d.sgs" "$BATS_TEST_TMPDIR/both.sgs"
  assert_equal "$status" 3
  [[ "$stderr" == *"table digest mismatch"* ]]
}
