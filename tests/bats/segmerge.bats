#!/usr/bin/env bats
# A simulated 3-segment cluster (three PostgreSQL servers, each holding its share of the
# rows) resized with segsplit to 5 and to 2 segments, and merged back with segmerge, also
# from FIFOs fed by parallel dumps. Contents are proven with pg_table_hash against the
# original, and digests with toc.
load helpers

setup_file() {
  pg_start orig
  pg_start verify
  local s
  for s in 0 1 2; do pg_start "seg$s"; done
  local ddl="CREATE TABLE t (id int8, v text, n numeric); CREATE TABLE u (a int4, b text, c date);"
  pg_psql orig -c "$ddl
    INSERT INTO t SELECT i, md5(i::text), i / 7.0 FROM generate_series(1, 30000) i;
    INSERT INTO t VALUES (NULL, 'null key', NULL);
    INSERT INTO u SELECT i, repeat('x', i % 50), date '2020-01-01' + i FROM generate_series(1, 5000) i;"
  # each segment holds its share (any share will do: segsplit must not care where rows were)
  for s in 0 1 2; do
    pg_psql "seg$s" -c "$ddl"
    pg_psql orig -c "COPY (SELECT * FROM t WHERE coalesce(id, 0) % 3 = $s) TO STDOUT" |
      pg_psql "seg$s" -c "COPY t FROM STDIN"
    pg_psql orig -c "COPY (SELECT * FROM u WHERE a % 3 = $s) TO STDOUT" |
      pg_psql "seg$s" -c "COPY u FROM STDIN"
    dump-stream -d "$(pg_conn "seg$s")" --segment "$s" --segments 3 -q -o "$BATS_FILE_TMPDIR/seg$s.sgs"
  done
  pg_table_hash orig postgres t > "$BATS_FILE_TMPDIR/t.hash"
  pg_table_hash orig postgres u > "$BATS_FILE_TMPDIR/u.hash"
}

teardown_file() { pg_stop_all; }

new_db() {
  pg_psql verify -c "DROP DATABASE IF EXISTS $1"
  pg_psql verify -c "CREATE DATABASE $1"
  pg_psql verify "$1" -c "CREATE TABLE t (id int8, v text, n numeric); CREATE TABLE u (a int4, b text, c date);"
}

# per_table_digests FILE: "schema.name rows digest" per table identity, the digests of its
# pieces summed modulo 2^64 (the format's digest arithmetic).
per_table_digests() {
  toc --json "$1" | python3 -c '
import json, sys
acc = {}
for s in json.load(sys.stdin)["streams"]:
    for t in s["tables"]:
        r, d = acc.get(t["table"], (0, 0))
        acc[t["table"]] = (r + t["rows"], (d + int(t["digest"], 16)) % 2**64)
for k in sorted(acc):
    print(k, acc[k][0], "%016x" % acc[k][1])'
}

resize_to() {
  local n=$1 i
  run --separate-stderr bash -c "cat '$BATS_FILE_TMPDIR'/seg{0,1,2}.sgs |
    segsplit --hash greenplum --segments $n --key public.t=id --key public.u=a,c -o '$BATS_TEST_TMPDIR/new%d.sgs'"
  assert_success
  assert_output ''
  [ -z "$stderr" ]
  new_db all$n
  local total=0
  for ((i = 0; i < n; i++)); do
    toc --verify -q "$BATS_TEST_TMPDIR/new$i.sgs"
    [ "$(toc --json "$BATS_TEST_TMPDIR/new$i.sgs" | jq '.streams[0].header.segment, .streams[0].header.segments' | paste -sd/)" = "$i/$n" ]
    new_db "n${n}_$i"
    load-stream -d "$(pg_conn verify "n${n}_$i")" -q "$BATS_TEST_TMPDIR/new$i.sgs"
    load-stream -d "$(pg_conn verify all$n)" -q "$BATS_TEST_TMPDIR/new$i.sgs"
    total=$((total + $(pg_psql verify "n${n}_$i" -c "SELECT count(*) FROM t")))
    # Placement is a function of the key alone: splitting target i again keeps every row at i.
    segsplit --hash greenplum --segments "$n" --key public.t=id --key public.u=a,c \
      -o "$BATS_TEST_TMPDIR/again%d.sgs" "$BATS_TEST_TMPDIR/new$i.sgs"
    [ "$(toc --json "$BATS_TEST_TMPDIR/again$i.sgs" | jq '[.streams[0].tables[].rows] | add')" = \
      "$(toc --json "$BATS_TEST_TMPDIR/new$i.sgs" | jq '[.streams[0].tables[].rows] | add')" ]
  done
  # The union of the targets is the original, every row once.
  [ "$total" -eq 30001 ]
  [ "$(pg_table_hash verify all$n t)" = "$(cat "$BATS_FILE_TMPDIR/t.hash")" ]
  [ "$(pg_table_hash verify all$n u)" = "$(cat "$BATS_FILE_TMPDIR/u.hash")" ]
  # And the digests: the outputs of each table sum to the inputs'.
  cat "$BATS_FILE_TMPDIR"/seg{0,1,2}.sgs > "$BATS_TEST_TMPDIR/in.sgs"
  segmerge "$BATS_TEST_TMPDIR"/new*.sgs > "$BATS_TEST_TMPDIR/back.sgs"
  [ "$(per_table_digests "$BATS_TEST_TMPDIR/back.sgs")" = "$(per_table_digests "$BATS_TEST_TMPDIR/in.sgs")" ]
}

@test "resize a 3-segment cluster to 5" { resize_to 5; }
@test "resize a 3-segment cluster to 2" { resize_to 2; }

@test "segmerge of 3 FIFOs fed concurrently by parallel dumps" {
  local s
  for s in 0 1 2; do mkfifo "$BATS_TEST_TMPDIR/f$s"; done
  for s in 0 1 2; do
    dump-stream -d "$(pg_conn "seg$s")" --segment "$s" --segments 3 -q -o "$BATS_TEST_TMPDIR/f$s" &
  done
  run --separate-stderr segmerge -o "$BATS_TEST_TMPDIR/merged.sgs" "$BATS_TEST_TMPDIR"/f{0,1,2}
  wait
  assert_success
  assert_output ''
  [ -z "$stderr" ]
  toc --verify -q "$BATS_TEST_TMPDIR/merged.sgs"
  new_db merged
  load-stream -d "$(pg_conn verify merged)" -q "$BATS_TEST_TMPDIR/merged.sgs"
  [ "$(pg_table_hash verify merged t)" = "$(cat "$BATS_FILE_TMPDIR/t.hash")" ]
  [ "$(pg_table_hash verify merged u)" = "$(cat "$BATS_FILE_TMPDIR/u.hash")" ]
}

@test "merge(split(x)) has the per-table digests of x" {
  dump-stream -d "$(pg_conn orig)" -q -o "$BATS_TEST_TMPDIR/x.sgs"
  segsplit --hash pg-partition --segments 4 --key t=id --key u=b -o "$BATS_TEST_TMPDIR/s%d.sgs" "$BATS_TEST_TMPDIR/x.sgs"
  run --separate-stderr bash -c "segmerge '$BATS_TEST_TMPDIR'/s{0,1,2,3}.sgs | cat > '$BATS_TEST_TMPDIR/m.sgs'"
  assert_success
  toc --verify -q "$BATS_TEST_TMPDIR/m.sgs"
  [ "$(per_table_digests "$BATS_TEST_TMPDIR/m.sgs")" = "$(per_table_digests "$BATS_TEST_TMPDIR/x.sgs")" ]
  run per_table_digests "$BATS_TEST_TMPDIR/x.sgs"
  assert_line --partial "public.t 30001 "
}

@test "segmerge: corrupt input is exit 3" {
  cp "$BATS_FILE_TMPDIR/seg0.sgs" "$BATS_TEST_TMPDIR/bad.sgs"
  printf '\x00' | dd of="$BATS_TEST_TMPDIR/bad.sgs" bs=1 seek=5000 conv=notrunc 2>/dev/null
  run --separate-stderr segmerge -o "$BATS_TEST_TMPDIR/out.sgs" "$BATS_FILE_TMPDIR/seg1.sgs" "$BATS_TEST_TMPDIR/bad.sgs"
  [ "$status" -eq 3 ]
  assert_output ''
  [[ "${stderr_lines[0]}" == "segmerge: error: "* ]]
}

@test "segmerge: truncated input is exit 3" {
  head -c 30000 "$BATS_FILE_TMPDIR/seg0.sgs" > "$BATS_TEST_TMPDIR/short.sgs"
  run --separate-stderr segmerge -o "$BATS_TEST_TMPDIR/out.sgs" "$BATS_TEST_TMPDIR/short.sgs" "$BATS_FILE_TMPDIR/seg1.sgs"
  [ "$status" -eq 3 ]
}

@test "segmerge: a missing input file is exit 1" {
  run --separate-stderr segmerge -o "$BATS_TEST_TMPDIR/out.sgs" "$BATS_TEST_TMPDIR/nope.sgs"
  [ "$status" -eq 1 ]
  [[ "${stderr_lines[0]}" == "segmerge: error: "*nope.sgs* ]]
}

@test "segmerge: closed output gives a prompt exit 1" {
  run --separate-stderr bash -c "set -o pipefail; segmerge '$BATS_FILE_TMPDIR'/seg{0,1,2}.sgs | head -c 10 > /dev/null"
  [ "$status" -eq 1 ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ "${stderr_lines[0]}" == "segmerge: error: "*"downstream closed"* ]]
}

@test "segmerge: usage errors are exit 2" {
  run --separate-stderr segmerge
  [ "$status" -eq 2 ]
  [[ "${stderr_lines[0]}" == "segmerge: error: "* ]]
  run --separate-stderr segmerge --bogus x
  [ "$status" -eq 2 ]
}

@test "replicated table from N segment streams merges to one copy; differing copies exit 3" {
  for s in 0 1 2; do
    gen-stream --tables 2 --rows 100 --policy replicated --segment $s --segments 3 >"$BATS_TEST_TMPDIR/seg$s.sgs"
  done
  segmerge -o "$BATS_TEST_TMPDIR/m.sgs" "$BATS_TEST_TMPDIR"/seg{0,1,2}.sgs
  [ "$(toc --json "$BATS_TEST_TMPDIR/m.sgs" | jq '[.streams[].tables[] | select(.table == "public.t1")] | length')" = 1 ]
  [ "$(toc --json "$BATS_TEST_TMPDIR/m.sgs" | jq '[.streams[].tables[].rows] | add')" = 200 ]
  toc --verify -q "$BATS_TEST_TMPDIR/m.sgs"
  gen-stream --tables 2 --rows 98 --policy replicated --segment 2 --segments 3 >"$BATS_TEST_TMPDIR/seg2.sgs"
  run --separate-stderr segmerge -o "$BATS_TEST_TMPDIR/bad.sgs" "$BATS_TEST_TMPDIR"/seg{0,1,2}.sgs
  assert_equal "$status" 3
  # Which input gives the copy depends on which thread opens the table first.
  [[ "$stderr" == *"replicated table copies differ: "*"seg"*".sgs holds "*" rows"*"the copy written holds "* ]]
  [ ! -e "$BATS_TEST_TMPDIR/bad.sgs" ]
}
