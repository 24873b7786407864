#!/usr/bin/env bats
# Against live Greenplum / Cloudberry clusters: SEGSTREAM_GP_COORDINATOR (a conninfo for a
# coordinator, e.g. 'host=mdw port=5432 dbname=segtest user=gpadmin') and
# SEGSTREAM_GP_COORDINATOR_2 (another cluster with a different number of primary segments).
# Without them every test here is skipped, saying so. Run: make test-mpp.
#
# The segstream binaries must be at the same path on every host, executable by the
# cluster's OS user, and the directory in SEGSTREAM_GP_WORKDIR (default: a fresh one under
# /tmp, made writable for everybody) must exist on every segment host.

load ../bats/helpers

A="${SEGSTREAM_GP_COORDINATOR:-}"
B="${SEGSTREAM_GP_COORDINATOR_2:-}"
SCHEMA=segstream_mpp

setup_file() {
  # bats 1.8 cannot skip from setup_file: setup() skips each test, saying why.
  if [ -z "$A" ] || [ -z "$B" ]; then return 0; fi
  export WORK=${SEGSTREAM_GP_WORKDIR:-/tmp/segstream-mpp}
  rm -rf "$WORK"/[0-9]*
  mkdir -p "$WORK"
  chmod 1777 "$WORK"
  for c in "$A" "$B"; do create_tables "$c"; done
  fill_tables "$A"
}

setup() {
  [ -n "$A" ] && [ -n "$B" ] || skip "no live cluster: set SEGSTREAM_GP_COORDINATOR and SEGSTREAM_GP_COORDINATOR_2"
  D="$WORK/$BATS_TEST_NUMBER"
  rm -rf "$D"; mkdir -p "$D"; chmod 1777 "$D"
}

q() { psql -X -q -v ON_ERROR_STOP=1 "$1" -Atc "$2"; }
segments_of() { q "$1" "SELECT count(*) FROM gp_segment_configuration WHERE role = 'p' AND content >= 0"; }

# Every distribution policy and key type the placement maths covers, plus the storage
# kinds and Greenplum 6's own partitioning.
create_tables() {
  psql -X -q -v ON_ERROR_STOP=1 "$1" <<SQL
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS $SCHEMA CASCADE;
CREATE SCHEMA $SCHEMA;
SET search_path = $SCHEMA;
CREATE TABLE k_int2 (k int2, v text) DISTRIBUTED BY (k);
CREATE TABLE k_int4 (k int4, v text) DISTRIBUTED BY (k);
CREATE TABLE k_int8 (k int8, v text) DISTRIBUTED BY (k);
CREATE TABLE k_text (k text, v text) DISTRIBUTED BY (k);
CREATE TABLE k_varchar (k varchar(20), v text) DISTRIBUTED BY (k);
CREATE TABLE k_numeric (k numeric, v text) DISTRIBUTED BY (k);
CREATE TABLE k_date (k date, v text) DISTRIBUTED BY (k);
CREATE TABLE k_timestamp (k timestamp, v text) DISTRIBUTED BY (k);
CREATE TABLE k_timestamptz (k timestamptz, v text) DISTRIBUTED BY (k);
CREATE TABLE k_uuid (k uuid, v text) DISTRIBUTED BY (k);
CREATE TABLE k_bool (k bool, v text) DISTRIBUTED BY (k);
CREATE TABLE k_two (a int4, b text, v text) DISTRIBUTED BY (a, b);
CREATE TABLE p_random (k int4, v text) DISTRIBUTED RANDOMLY;
CREATE TABLE p_replicated (k int4, v text) DISTRIBUTED REPLICATED;
CREATE TABLE s_ao (k int8, v text) WITH (appendonly=true) DISTRIBUTED BY (k);
CREATE TABLE s_aoco (k int8, v text) WITH (appendonly=true, orientation=column) DISTRIBUTED BY (k);
CREATE TABLE s_part (k int4, d date, v text) DISTRIBUTED BY (k)
  PARTITION BY RANGE (d) (START (date '2024-01-01') END (date '2024-04-01') EVERY (INTERVAL '1 month'));
SQL
}

fill_tables() {
  psql -X -q -v ON_ERROR_STOP=1 "$1" <<SQL
SET search_path = $SCHEMA;
INSERT INTO k_int2 SELECT g, 'v' || g FROM generate_series(-1000, 1000) g;
INSERT INTO k_int4 SELECT g * 7919, E'tab\there ' || g FROM generate_series(1, 6000) g;
INSERT INTO k_int8 SELECT g::int8 * 1000000007, 'v' || g FROM generate_series(1, 3000) g;
INSERT INTO k_text SELECT 'key ' || g, E'new\nline' FROM generate_series(1, 3000) g;
INSERT INTO k_varchar SELECT 'vc' || g, 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_numeric SELECT g / 7.0, 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_date SELECT date '2000-01-01' + g, 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_timestamp SELECT timestamp '2000-01-01' + g * interval '77 minutes', 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_timestamptz SELECT timestamptz '2000-01-01 00:00+00' + g * interval '77 minutes', 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_uuid SELECT md5(g::text)::uuid, 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_bool SELECT g % 2 = 0, 'v' || g FROM generate_series(1, 100) g;
INSERT INTO k_two SELECT g, 'b' || (g % 13), 'v' FROM generate_series(1, 3000) g;
INSERT INTO k_int4 VALUES (NULL, 'null key');
INSERT INTO p_random SELECT g, 'v' FROM generate_series(1, 3000) g;
INSERT INTO p_replicated SELECT g, 'r' || g FROM generate_series(1, 500) g;
INSERT INTO s_ao SELECT g, 'ao' FROM generate_series(1, 3000) g;
INSERT INTO s_aoco SELECT g, 'co' FROM generate_series(1, 3000) g;
INSERT INTO s_part SELECT g, date '2024-01-01' + (g % 90), 'p' FROM generate_series(1, 3000) g;
SQL
}

TABLES="k_int2 k_int4 k_int8 k_text k_varchar k_numeric k_date k_timestamp k_timestamptz k_uuid k_bool k_two p_random p_replicated s_ao s_aoco s_part"
# What the streams hold: Greenplum 6's partitions rather than their parent.
STREAMED="${TABLES/s_part/s_part_1_prt_1 s_part_1_prt_2 s_part_1_prt_3}"
HASHED="k_int2 k_int4 k_int8 k_text k_varchar k_numeric k_date k_timestamp k_timestamptz k_uuid k_bool k_two s_ao s_aoco s_part"

table_rows() { q "$1" "COPY (SELECT * FROM $SCHEMA.$2) TO STDOUT" | sort | md5sum; }

# same_contents SRC DST: every table holds the same rows on both clusters.
same_contents() {
  for t in $TABLES; do
    [ "$(table_rows "$1" "$t")" = "$(table_rows "$2" "$t")" ] || { echo "$t differs"; return 1; }
  done
}

# placed_by_greenplum CONN: every row of every hash-distributed table sits on the segment
# Greenplum itself picks for it (a CTAS with the same key redistributes by the cluster's
# own hash), and every segment holds the whole replicated table once.
placed_by_greenplum() {
  for t in $HASHED; do
    key=$(q "$1" "SELECT string_agg(quote_ident(attname), ', ' ORDER BY n) FROM (SELECT a.attname, k.n FROM gp_distribution_policy p, unnest(p.distkey::int2[]) WITH ORDINALITY k(attnum, n), pg_attribute a WHERE p.localoid = '$SCHEMA.$t'::regclass AND a.attrelid = p.localoid AND a.attnum = k.attnum) x")
    misplaced=$(q "$1" "CREATE TEMP TABLE chk AS SELECT * FROM $SCHEMA.$t DISTRIBUTED BY ($key);
      SELECT count(*) FROM (SELECT gp_segment_id, * FROM $SCHEMA.$t EXCEPT ALL SELECT gp_segment_id, * FROM chk) x")
    [ "$misplaced" = 0 ] || { echo "$t: $misplaced rows misplaced"; return 1; }
  done
  # A replicated table has no gp_segment_id: ask each segment in utility mode.
  want=$(q "$1" "SELECT count(*) FROM $SCHEMA.p_replicated")
  setting=$(utility_setting "$1")
  while IFS='|' read -r content host port; do
    got=$(PGOPTIONS="-c $setting=utility" q "$1 host=$host port=$port" "SELECT count(*) FROM $SCHEMA.p_replicated")
    [ "$got" = "$want" ] || { echo "segment $content holds $got replicated rows, want $want"; return 1; }
  done < <(q "$1" "SELECT content, hostname, port FROM gp_segment_configuration WHERE role = 'p' AND content >= 0")
}

utility_setting() {
  q "$1" "SELECT CASE WHEN current_setting('server_version_num')::int < 120000 THEN 'gp_session_role' ELSE 'gp_role' END"
}

empty_tables() { for t in $TABLES; do q "$1" "TRUNCATE $SCHEMA.$t"; done; }

@test "a coordinator dump writes one verified stream per segment, holding every row once" {
  n=$(segments_of "$A")
  run dump-stream -d "$A" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/coord.sgs"
  assert_success
  for ((i = 0; i < n; i++)); do
    toc --verify "$D/seg$i.sgs"
    toc "$D/seg$i.sgs" | grep -q "segment      $i of $n"
  done
  [ ! -e "$D/seg$n.sgs" ]
  segmerge "$D"/seg*.sgs > "$D/all.sgs"
  for t in $STREAMED; do
    [ "$(toc --extract $SCHEMA.$t "$D/all.sgs" | sort | md5sum)" = "$(table_rows "$A" $t)" ] || { echo "$t"; false; }
  done
}

@test "every COPY format moves through the segments" {
  for fmt in csv binary; do
    dump-stream -d "$A" -n $SCHEMA -F $fmt --segment-output "$D/$fmt%d.sgs" -o "$D/c.sgs"
    for f in "$D/$fmt"[0-9]*.sgs; do toc --verify "$f"; done
  done
}

@test "--segment-output pipes each segment's stream into a command" {
  run dump-stream -d "$A" -n $SCHEMA --segment-output "|$SEGSTREAM_BIN/zpipe -c zstd > $D/seg%d.sgs.zst" -o "$D/c.sgs"
  assert_success
  for f in "$D"/seg*.sgs.zst; do zpipe -d < "$f" | toc --verify -; done
}

@test "utility-mode dumps of each segment hold the same rows as the coordinator dump" {
  setting=$(utility_setting "$A")
  while IFS='|' read -r content host port; do
    PGOPTIONS="-c $setting=utility" dump-stream -d "$A host=$host port=$port" -n $SCHEMA \
      --segment "$content" --segments "$(segments_of "$A")" -o "$D/u$content.sgs"
  done < <(q "$A" "SELECT content, hostname, port FROM gp_segment_configuration WHERE role = 'p' AND content >= 0")
  segmerge "$D"/u*.sgs > "$D/all.sgs"
  for t in $STREAMED; do
    [ "$(toc --extract $SCHEMA.$t "$D/all.sgs" | sort | md5sum)" = "$(table_rows "$A" $t)" ] || { echo "$t"; false; }
  done
}

@test "--segment-input restores a cluster's own streams, segment by segment" {
  dump-stream -d "$A" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  for t in $TABLES; do table_rows "$A" $t > "$D/$t.before"; done
  run load-stream -d "$A" --segment-input "$D/seg%d.sgs" --truncate -v
  assert_success
  assert_output --partial "committed $SCHEMA.k_int4"
  for t in $TABLES; do [ "$(table_rows "$A" $t)" = "$(cat "$D/$t.before")" ] || { echo "$t"; false; }; done
  placed_by_greenplum "$A"
}

@test "--segment-input loads only the selected tables" {
  dump-stream -d "$A" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  q "$A" "TRUNCATE $SCHEMA.k_text; TRUNCATE $SCHEMA.k_uuid"
  run load-stream -d "$A" --segment-input "$D/seg%d.sgs" -t "$SCHEMA.k_text" -v
  assert_success
  assert_output --partial "committed $SCHEMA.k_text"
  refute_output --partial "k_uuid"
  [ "$(q "$A" "SELECT count(*) FROM $SCHEMA.k_text")" = 3000 ]
  [ "$(q "$A" "SELECT count(*) FROM $SCHEMA.k_uuid")" = 0 ]
  load-stream -d "$A" --segment-input "$D/seg%d.sgs" -t "$SCHEMA.k_uuid"
}

@test "a corrupt segment stream rolls its table back and names it" {
  dump-stream -d "$A" -t $SCHEMA.k_int8 --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  before=$(q "$A" "SELECT count(*) FROM $SCHEMA.k_int8")
  # flip one byte inside segment 1's rows
  size=$(stat -c %s "$D/seg1.sgs")
  printf 'Z' | dd of="$D/seg1.sgs" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
  run load-stream -d "$A" --segment-input "$D/seg%d.sgs"
  assert_failure
  assert_output --partial "k_int8"
  assert_output --partial "rolled back"
  [ "$(q "$A" "SELECT count(*) FROM $SCHEMA.k_int8")" = "$before" ]
}

@test "resize: N segments to M, placement checked by Greenplum and compared row for row" {
  n=$(segments_of "$A"); m=$(segments_of "$B")
  dump-stream -d "$A" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  cat "$D"/seg*.sgs | segsplit --segments "$m" -o "$D/new%d.sgs"
  chmod a+r "$D"/new*.sgs
  empty_tables "$B"
  run load-stream -d "$B" --segment-input "$D/new%d.sgs"
  assert_success
  same_contents "$A" "$B"
  placed_by_greenplum "$B"
}

@test "resize back: M segments to N" {
  dump-stream -d "$B" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  cat "$D"/seg*.sgs | segsplit --segments "$(segments_of "$A")" -o "$D/back%d.sgs"
  chmod a+r "$D"/back*.sgs
  create_tables "$A"
  run load-stream -d "$A" --segment-input "$D/back%d.sgs"
  assert_success
  same_contents "$B" "$A"
  placed_by_greenplum "$A"
}

@test "streams of another cluster size are refused with the segsplit to run" {
  dump-stream -d "$A" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  n=$(segments_of "$A"); m=$(segments_of "$B")
  for ((i = n; i < m; i++)); do cp "$D/seg0.sgs" "$D/seg$i.sgs"; done
  chmod a+r "$D"/seg*.sgs
  run load-stream -d "$B" --segment-input "$D/seg%d.sgs"
  assert_failure 2
  assert_output --partial "but this cluster has $m primary segments"
  assert_output --partial "segsplit --segments $m"
}

@test "a segment whose output fails fails the whole dump; the others' outputs are cut short" {
  run dump-stream -d "$A" -n $SCHEMA -o "$D/c.sgs" \
    --segment-output "|if [ \"\$SEGSTREAM_SEGMENT\" = 1 ]; then echo disk full >&2; exit 7; fi; cat > $D/seg%d.sgs"
  assert_failure 1
  assert_output --partial "segment 1"
  assert_output --partial "disk full"
  [ ! -e "$D/c.sgs" ]
  # the other segments' commands got every table but never the stream trailer
  for f in "$D"/seg*.sgs; do run toc --verify "$f"; assert_failure 3; assert_output --partial "truncated"; done
}

@test "an output that cannot be opened fails the dump before any row moves" {
  run dump-stream -d "$A" -n $SCHEMA -o "$D/c.sgs" --segment-output "/nonexistent/seg%d.sgs"
  assert_failure 1
  assert_output --partial "cannot start the segment agents"
  assert_output --partial "/nonexistent/seg"
  [ -z "$(ls -A "$D")" ]
}

@test "a segment agent killed mid-dump fails the dump with nothing committed" {
  q "$A" "DROP TABLE IF EXISTS $SCHEMA.big; CREATE TABLE $SCHEMA.big AS SELECT g AS k, repeat('x', 200) AS v FROM generate_series(1, 2000000) g DISTRIBUTED BY (k)"
  dump-stream -d "$A" -t $SCHEMA.big --segment-output "$D/seg%d.sgs" -o "$D/c.sgs" 2>"$D/err" &
  pid=$!
  for _ in $(seq 50); do
    pgrep -f -- "--agent feed .*-1 --agent-segment 1 " >/dev/null && break
    sleep 0.1
  done
  pkill -9 -f -- "--agent collect .*-1 --agent-segment 1 "
  status=0
  wait $pid || status=$?
  [ "$status" = 1 ]
  q "$A" "DROP TABLE $SCHEMA.big"
  [ ! -e "$D/c.sgs" ]
  # nothing under a final name (the killed agent could not remove its temporary file)
  [ -z "$(ls "$D" | grep -v '^err$')" ]
}

@test "a binary missing on a segment host is named with the host before any row moves" {
  hidden=$(mktemp -d /tmp/segstream-hidden.XXXXXX)
  cp "$SEGSTREAM_BIN/dump-stream" "$hidden/"
  chmod 700 "$hidden"  # root runs it here; the cluster's user cannot
  run "$hidden/dump-stream" -d "$A" -n $SCHEMA --segment-output "$D/seg%d.sgs" -o "$D/c.sgs"
  rm -rf "$hidden"
  assert_failure 1
  assert_output --partial "dump-stream is not installed at $hidden/dump-stream on host $(hostname)"
  [ -z "$(ls -A "$D")" ]
}

@test "a plain dump through the coordinator with --schema: Greenplum 6's pg_dump has no --snapshot" {
  [ -n "${GPHOME:-}" ] || skip "GPHOME is not set: Greenplum's pg_dump cannot be found"
  run --separate-stderr dump-stream -d "$A" -n $SCHEMA --schema -o "$D/plain.sgs"
  assert_success
  run toc --json "$D/plain.sgs"
  assert_success
  [ "$(jq -c '.streams[0].sql_sections' <<<"$output")" = '["pre-data","post-data","sequences"]' ]
}

@test "--schema takes Greenplum's own pg_dump: a new cluster gets the tables with their distribution" {
  [ -n "${GPHOME:-}" ] || skip "GPHOME is not set: Greenplum's pg_dump cannot be found"
  dump-stream -d "$A" -n $SCHEMA --schema --segment-output "$D/seg%d.sgs" -o "$D/coord.sgs"
  target="$B dbname=segstream_restored"
  q "$B dbname=postgres" "DROP DATABASE IF EXISTS segstream_restored"
  load-stream -d "$target" --schema --create-db "$D/coord.sgs"
  [ "$(q "$target" "SELECT count(*) FROM gp_toolkit.gp_skew_coefficients WHERE false")" = 0 ]
  [ "$(q "$target" "SELECT policytype || ':' || distkey::text FROM gp_distribution_policy WHERE localoid = '$SCHEMA.k_two'::regclass")" = "p:1 2" ]
  [ "$(q "$target" "SELECT policytype FROM gp_distribution_policy WHERE localoid = '$SCHEMA.p_replicated'::regclass")" = "r" ]
  cat "$D"/seg*.sgs | segsplit --segments "$(segments_of "$B")" -o "$D/new%d.sgs"
  chmod a+r "$D"/new*.sgs
  load-stream -d "$target" --segment-input "$D/new%d.sgs"
  same_contents "$A" "$target"
  placed_by_greenplum "$target"
}

@test "load-stream through the coordinator: existing tables, and --create-tables with the stream's policy" {
  dump-stream -d "$A" -n $SCHEMA -q > "$D/plain.sgs"
  q "$A" "DROP SCHEMA IF EXISTS ${SCHEMA}_made CASCADE"
  run load-stream -d "$A" --redirect-schema ${SCHEMA}_made --create-tables "$D/plain.sgs"
  assert_success
  for t in k_two p_random p_replicated k_uuid; do
    [ "$(q "$A" "SELECT policytype || ':' || distkey::text || ':' || distclass::text FROM gp_distribution_policy WHERE localoid = '${SCHEMA}_made.$t'::regclass")" = \
      "$(q "$A" "SELECT policytype || ':' || distkey::text || ':' || distclass::text FROM gp_distribution_policy WHERE localoid = '$SCHEMA.$t'::regclass")" ] || { echo "$t"; false; }
  done
  run load-stream -d "$A" --redirect-schema ${SCHEMA}_made --truncate "$D/plain.sgs"
  assert_success
  [ "$(table_rows "$A" k_two)" = "$(q "$A" "COPY ${SCHEMA}_made.k_two TO STDOUT" | sort | md5sum)" ]
  q "$A" "DROP SCHEMA ${SCHEMA}_made CASCADE"
}

@test "a segment server stopped mid-dump fails the dump (exit 1) and puts no stream in place" {
  [ -n "${SEGSTREAM_GP_STOP_SEGMENT:-}" ] && [ -n "${SEGSTREAM_GP_START_SEGMENT:-}" ] ||
    skip "set SEGSTREAM_GP_STOP_SEGMENT and SEGSTREAM_GP_START_SEGMENT (commands that stop and start one primary of the first cluster)"
  q "$A" "DROP TABLE IF EXISTS $SCHEMA.big; CREATE TABLE $SCHEMA.big AS SELECT g AS k, repeat('x', 200) AS v FROM generate_series(1, 3000000) g DISTRIBUTED BY (k)"
  dump-stream -d "$A" -t $SCHEMA.big --segment-output "$D/seg%d.sgs" -o "$D/c.sgs" 2>"$D/err" &
  pid=$!
  sleep 0.8
  bash -c "$SEGSTREAM_GP_STOP_SEGMENT"
  status=0
  wait $pid || status=$?
  # Without bats's fd 3: the restarted server would hold it, and bats wait for it forever.
  bash -c "$SEGSTREAM_GP_START_SEGMENT" 3>&-
  cat "$D/err"
  [ "$status" = 1 ]
  grep -q "dump-stream: error:" "$D/err"
  [ ! -e "$D/c.sgs" ]
  for f in "$D"/seg*.sgs; do [ ! -e "$f" ]; done
  q "$A" "DROP TABLE $SCHEMA.big"
}
