#!/usr/bin/env bats
# toc: listing, --verify and --extract from the command line, and hostile input end to end.
# Streams come from the test-only gen-stream, whose rows are a pure function of their
# number, so `gen-stream --emit-rows N` is exactly what `toc --extract` must print.
load helpers

setup_file() {
  pg_start tocpg
}

teardown_file() {
  pg_stop_all
}

setup() {
  W="$BATS_TEST_TMPDIR"
}

# Flips bit $3 of byte $2 in file $1, in place.
flip_bit() {
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, at, bit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = bytearray(open(path, 'rb').read())
data[at] ^= 1 << bit
open(path, 'wb').write(data)
EOF
}

# Prints "offset type stored_len" for each frame of a stream file (types as numbers).
frames_of() { stream_frames "$1" | awk '{ print $1, $2, $4 }'; }

@test "--extract with --verify or --json is a usage error" {
  gen-stream >"$W/s.sgs"
  run --separate-stderr toc --extract public.t1 --verify "$W/s.sgs"
  assert_failure 2
  [ -z "$output" ]
  [[ "$stderr" == *"cannot be combined"* ]]
  run --separate-stderr toc --extract public.t1 --json "$W/s.sgs"
  assert_failure 2
}

@test "a missing file is a runtime failure (exit 1)" {
  run --separate-stderr toc "$W/nope.sgs"
  assert_failure 1
  [ -z "$output" ]
  [[ "$stderr" == "toc: error: cannot open $W/nope.sgs: No such file or directory" ]]
}

@test "listing shows the stream facts, one aligned line per table, and totals" {
  gen-stream --tables 2 --rows 3 --name 'sales.Order Items' --segment 2 --segments 4 >"$W/s.sgs"
  run --separate-stderr toc "$W/s.sgs"
  assert_success
  [ -z "$stderr" ]
  assert_output - <<'EOF'
stream 1
  producer     gen-stream 0.1.0
  created      2024-01-02T03:04:05Z
  server       PostgreSQL 15.4 at localhost:5432
  database     gen
  encoding     UTF8
  segment      2 of 4
  snapshot     00000003-00000002-1
  copy format  text
  stream id    00000000000000000000000000000103
  size         1250 bytes

  TABLE                SEGMENT  ROWS  RAW BYTES  STORED BYTES  FRAMES  CODEC  DIGEST
  sales."Order Items"        2     3         51            58       1  none   1f17622dafb4b193
  public.t2                  2     3         51            58       1  none   2029ed2d4c246679
  total: 2 tables            2     6        102           116       2
EOF
}

@test "--json lists the same facts as one document" {
  gen-stream --tables 2 --rows 3 --name 'sales.Order Items' --codec zstd >"$W/s.sgs"
  run --separate-stderr toc --json "$W/s.sgs"
  assert_success
  [ -z "$stderr" ]
  run jq -c '[.totals.streams, .totals.tables, .totals.rows, .totals.bytes,
              .streams[0].header.copy_format, .streams[0].header.segment,
              [.streams[0].tables[] | [.table, .rows, .bytes, .frames, .codec, .digest]]]' <<<"$output"
  assert_success
  assert_output '[1,2,6,102,"text",-1,[["sales.\"Order Items\"",3,51,1,"zstd","1f17622dafb4b193"],["public.t2",3,51,1,"zstd","2029ed2d4c246679"]]]'
}

@test "--human prints sizes in KiB and MiB" {
  gen-stream --tables 1 --rows 20000 --row-bytes 100 >"$W/s.sgs"
  run --separate-stderr toc -H "$W/s.sgs"
  assert_success
  assert_output --partial "MiB"
  assert_output --regexp "public\.t1 +- +20000 +2\.[0-9] MiB"
}

@test "an interleaved stream lists the same tables, rows and digests as a sequential one" {
  gen-stream --tables 3 --rows 200 --frame-size 256 >"$W/seq.sgs"
  gen-stream --tables 3 --rows 200 --frame-size 256 --interleave >"$W/mix.sgs"
  run toc --json "$W/seq.sgs"
  seq_tables=$(jq -c '[.streams[0].tables[] | [.table, .rows, .bytes, .digest]]' <<<"$output")
  run toc --json "$W/mix.sgs"
  mix_tables=$(jq -c '[.streams[0].tables[] | [.table, .rows, .bytes, .digest]]' <<<"$output")
  [ "$seq_tables" = "$mix_tables" ]
  [ "$(jq '.totals.rows' <<<"$output")" = 600 ]
  [ "$(jq '.streams[0].tables[0].frames' <<<"$output")" -gt 1 ]
}

@test "concatenated streams list each stream's facts and tables, then a grand total" {
  gen-stream --tables 2 --rows 3 --segment 0 --segments 2 >"$W/s0.sgs"
  gen-stream --tables 1 --rows 5 --segment 1 --segments 2 --codec lz4 >"$W/s1.sgs"
  run --separate-stderr bash -c "cat '$W/s0.sgs' '$W/s1.sgs' | toc"
  assert_success
  [ -z "$stderr" ]
  [ "$(grep -c '^stream ' <<<"$output")" = 2 ]
  assert_line --regexp '^  segment +0 of 2$'
  assert_line --regexp '^  segment +1 of 2$'
  assert_line --regexp '^  public\.t1 +1 +5 '
  assert_line "all 2 streams: 3 tables, 11 rows, 184 bytes raw, 181 bytes stored"
}

@test "an indexed file and the same bytes through a pipe list identically" {
  gen-stream --tables 3 --rows 50 --index --codec gzip --name 'public.Mixed Case' >"$W/a.sgs"
  gen-stream --tables 2 --rows 7 --index --segment 1 >"$W/b.sgs"
  cat "$W/a.sgs" "$W/b.sgs" >"$W/ab.sgs"
  run --separate-stderr toc "$W/ab.sgs"
  assert_success
  from_index=$output
  run --separate-stderr bash -c "cat '$W/ab.sgs' | toc"
  assert_success
  [ "$output" = "$from_index" ]
  run --separate-stderr toc --scan "$W/ab.sgs"
  [ "$output" = "$from_index" ]
}

@test "an indexed file is listed from its index alone, without reading the data" {
  gen-stream --tables 2 --rows 100 --index >"$W/s.sgs"
  # Damage a row in the first DATA frame: only a scan can notice.
  data_at=$(frames_of "$W/s.sgs" | awk '$2 == 3 { print $1 + 24 + 10; exit }')
  flip_bit "$W/s.sgs" "$data_at" 0
  run --separate-stderr toc "$W/s.sgs"
  assert_success
  assert_output --partial "public.t1"
  run --separate-stderr toc --scan "$W/s.sgs"
  assert_failure 3
  [[ "$stderr" == *"frame checksum mismatch"* ]]
}

@test "a stream written through a pipe into a file is indexed too" {
  # Every recipe with a pipe (dump-stream | zpipe | ssh host 'cat > app.sgs') ends in a file
  # that was written by a process that never saw it: the index must still be there.
  gen-stream --tables 2 --rows 100 | zpipe -c lz4 | cat >"$W/s.sgs"
  data_at=$(frames_of "$W/s.sgs" | awk '$2 == 3 { print $1 + 24 + 10; exit }')
  flip_bit "$W/s.sgs" "$data_at" 0
  run --separate-stderr toc "$W/s.sgs"
  assert_success
  assert_output --partial "public.t1"
  run --separate-stderr toc --scan "$W/s.sgs"
  assert_failure 3
}

@test "--verify of an intact stream exits 0 with a one-line verdict" {
  gen-stream --tables 3 --rows 100 --codec zstd --interleave --frame-size 300 >"$W/s.sgs"
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_success
  [ -z "$stderr" ]
  assert_output "$W/s.sgs: ok: 1 stream, 3 tables, 300 rows, 5514 bytes of COPY data; every checksum, trailer and digest verified"
  run --separate-stderr toc --verify --quiet "$W/s.sgs"
  assert_success
  [ -z "$output" ]
}

@test "--verify of a damaged stream exits 3 naming the first bad frame and byte offset" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  # Frame 4 is table t1's first DATA frame, at byte 595; damage its payload.
  run frames_of "$W/s.sgs"
  assert_line "595 3 58"
  flip_bit "$W/s.sgs" 630 3
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [ -z "$output" ]
  [ "$stderr" = "toc: error: $W/s.sgs: frame checksum mismatch (frame 3, byte offset 595)" ]
}

@test "--verify gives the same verdict with 1, 2 and 4 threads, from a file and a pipe" {
  # 64 KiB frames over ~6 MiB, interleaved: many frames in flight at once.
  gen-stream --tables 3 --rows 15000 --row-bytes 120 --interleave --frame-size 65536 >"$W/s.sgs"
  for t in 1 2 4; do
    run --separate-stderr toc --verify -T "$t" "$W/s.sgs"
    assert_success
    assert_output "$W/s.sgs: ok: 1 stream, 3 tables, 45000 rows, $(toc --json "$W/s.sgs" | jq '.totals.bytes') bytes of COPY data; every checksum, trailer and digest verified"
  done
  # Damage a payload late and one early: every thread count names the early frame.
  size=$(stat -c %s "$W/s.sgs")
  flip_bit "$W/s.sgs" $((size * 3 / 4)) 1
  flip_bit "$W/s.sgs" $((size / 4)) 6
  run --separate-stderr toc --verify -T 1 "$W/s.sgs"
  assert_failure 3
  first="$stderr"
  [[ "$first" == "toc: error: $W/s.sgs: "*"(frame "* ]]
  for t in 2 4; do
    run --separate-stderr toc --verify --threads "$t" "$W/s.sgs"
    assert_failure 3
    [ "$stderr" = "$first" ]
  done
  run --separate-stderr bash -c "toc --verify -T 2 <'$W/s.sgs'"
  assert_failure 3
  [ "$stderr" = "${first//$W\/s.sgs/stdin}" ]
  run --separate-stderr bash -c "cat '$W/s.sgs' | toc --verify -T 2"
  assert_failure 3
  [ "$stderr" = "${first//$W\/s.sgs/stdin}" ]
}

@test "--threads out of range is a usage error" {
  gen-stream --tables 1 --rows 3 >"$W/s.sgs"
  run --separate-stderr toc --verify --threads 1000 "$W/s.sgs"
  assert_failure 2
}

@test "--verify --json reports the failure as a document too" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  flip_bit "$W/s.sgs" 630 3
  run --separate-stderr toc --verify --json "$W/s.sgs"
  assert_failure 3
  [ "$(jq -c '[.ok, .frame, .offset]' <<<"$output")" = '[false,3,595]' ]
}

@test "--verify catches a table trailer whose digest disagrees with the data" {
  gen-stream --tables 2 --rows 3 --bad-trailer digest >"$W/s.sgs"
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [ "$stderr" = "toc: error: $W/s.sgs: table digest mismatch: trailer 2029ed2d4c246678, data 2029ed2d4c246679 (table public.t2, frame 7, byte offset 1091)" ]
}

@test "--verify catches a table trailer whose row count disagrees with the data" {
  gen-stream --tables 2 --rows 3 --bad-trailer rows >"$W/s.sgs"
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [ "$stderr" = "toc: error: $W/s.sgs: table trailer disagrees with the data: rows 4 in trailer, 3 in data (table public.t2, frame 7, byte offset 1091)" ]
}

@test "--verify and listing catch a trailer whose frame count disagrees" {
  gen-stream --tables 2 --rows 3 --bad-trailer frames >"$W/s.sgs"
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  run --separate-stderr toc "$W/s.sgs"
  assert_failure 3
  [ -z "$output" ]
}

@test "a table begun but never ended is corrupt (exit 3)" {
  gen-stream --tables 2 --rows 3 --unended-table >"$W/s.sgs"
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [[ "$stderr" == "toc: error: $W/s.sgs: stream ended while a table was still open (begun, never ended) (table public.t2, "* ]]
  run --separate-stderr toc "$W/s.sgs"
  assert_failure 3
}

@test "empty input is corrupt (exit 3)" {
  run --separate-stderr toc </dev/null
  assert_failure 3
  [ -z "$output" ]
  [ "$stderr" = "toc: error: stdin: empty input: not a segstream" ]
  : >"$W/empty.sgs"
  run --separate-stderr toc --verify "$W/empty.sgs"
  assert_failure 3
}

@test "wrong magic bytes are corrupt (exit 3)" {
  printf 'COPY public.t1 FROM stdin;\n1\tx\n\\.\n' >"$W/not.sgs"
  run --separate-stderr toc "$W/not.sgs"
  assert_failure 3
  [ -z "$output" ]
  [ "$stderr" = "toc: error: $W/not.sgs: not a segstream (wrong magic bytes) (byte offset 0)" ]
}

@test "an unsupported format version is refused with a hint (exit 3)" {
  gen-stream >"$W/s.sgs"
  { gen-stream --preamble 2.0; tail -c +17 "$W/s.sgs"; } >"$W/v2.sgs"
  run --separate-stderr toc --verify "$W/v2.sgs"
  assert_failure 3
  [[ "$stderr" == *"unsupported segstream format version 2.0"* ]]
  [[ "$stderr" == *"toc: hint: "* ]]
}

@test "truncation at every byte offset of a small multi-table stream exits 3 with one message" {
  gen-stream --tables 2 --rows 3 --codec zstd --interleave >"$W/s.sgs"
  mkdir "$W/cuts"
  python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
for cut in range(len(data)):
    open("%s/%06d" % (sys.argv[2], cut), "wb").write(data[:cut])' "$W/s.sgs" "$W/cuts"
  # One shell for the whole loop: a bats `run` per offset would take minutes.
  run --separate-stderr timeout 600 bash -c '
    n=0
    for f in "$1"/*; do
      toc --verify "$f" >"$1.out" 2>"$1.err"; rc=$?
      err=$(<"$1.err")
      newlines=${err//[^$'"'"'\n'"'"']/}
      if [ "$rc" -ne 3 ] || [ -s "$1.out" ] || [[ "$err" != "toc: error: "* ]] ||
        [ ${#newlines} -gt 1 ]; then
        echo "cut at ${f##*/}: status $rc: $err"
      fi
      n=$((n + 1))
    done
    echo "checked $n offsets"' _ "$W/cuts"
  assert_success
  assert_output "checked $(stat -c %s "$W/s.sgs") offsets"
}

@test "a truncated stream through a pipe exits 3 and names the byte offset" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  run --separate-stderr bash -c "head -c 700 '$W/s.sgs' | toc"
  assert_failure 3
  [ "$stderr" = "toc: error: stdin: truncated frame payload: 60 of 60 bytes (frame 4, byte offset 677)" ] ||
    [[ "$stderr" == *"truncated"*"byte offset 677)" ]]
}

@test "a bit flip in a frame header is detected (exit 3)" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  flip_bit "$W/s.sgs" 605 2   # table_id/length area of the DATA frame header at 595
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [[ "$stderr" == *"byte offset 595)"* ]]
}

@test "a bit flip in a data payload is detected (exit 3)" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  flip_bit "$W/s.sgs" 650 0
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [[ "$stderr" == *"frame checksum mismatch (frame 3, byte offset 595)" ]]
}

@test "a bit flip in a table trailer is detected (exit 3)" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  flip_bit "$W/s.sgs" 720 1   # inside the table-end JSON at 677
  run --separate-stderr toc --verify "$W/s.sgs"
  assert_failure 3
  [[ "$stderr" == *"frame checksum mismatch (frame 4, byte offset 677)" ]]
}

@test "a bit flip in the stream header or stream trailer is detected (exit 3)" {
  gen-stream --tables 2 --rows 3 >"$W/s.sgs"
  cp "$W/s.sgs" "$W/t.sgs"
  flip_bit "$W/s.sgs" 100 4
  run --separate-stderr toc "$W/s.sgs"
  assert_failure 3
  [[ "$stderr" == *"(frame 1, byte offset 16)" ]]
  flip_bit "$W/t.sgs" 1200 4
  run --separate-stderr toc "$W/t.sgs"
  assert_failure 3
  [[ "$stderr" == *"byte offset 1175)" ]]
}

@test "--extract writes a table's rows byte for byte as COPY produced them" {
  gen-stream --tables 3 --rows 500 --frame-size 1000 >"$W/s.sgs"
  gen-stream --rows 500 --emit-rows 2 >"$W/expected"
  run --separate-stderr bash -c "toc --extract public.t2 '$W/s.sgs' >'$W/out'"
  assert_success
  [ -z "$stderr" ]
  cmp "$W/expected" "$W/out"
}

@test "--extract decompresses every codec" {
  gen-stream --rows 300 --emit-rows 1 >"$W/expected"
  for codec in zstd lz4 gzip; do
    gen-stream --tables 2 --rows 300 --codec "$codec" --frame-size 2000 >"$W/$codec.sgs"
    toc -x public.t1 "$W/$codec.sgs" >"$W/$codec.out"
    cmp "$W/expected" "$W/$codec.out"
  done
}

@test "--extract of csv and binary streams; binary gets the PGCOPY header and trailer" {
  gen-stream --tables 2 --rows 40 --format csv >"$W/csv.sgs"
  gen-stream --rows 40 --format csv --emit-rows 2 >"$W/csv.expected"
  toc -x public.t2 "$W/csv.sgs" | cmp "$W/csv.expected" -
  gen-stream --tables 2 --rows 40 --format binary --codec lz4 >"$W/bin.sgs"
  toc -x public.t1 -f "$W/bin.sgs" >"$W/bin.out"
  gen-stream --rows 40 --format binary --emit-rows 1 | cmp - "$W/bin.out"
  [ "$(head -c 11 "$W/bin.out" | xxd -p)" = "5047434f50590aff0d0a00" ]
  [ "$(tail -c 2 "$W/bin.out" | xxd -p)" = "ffff" ]
}

@test "--extract accepts the name with or without quotes" {
  gen-stream --tables 2 --rows 10 --name 'sales.Order Items' >"$W/s.sgs"
  gen-stream --rows 10 --emit-rows 1 >"$W/expected"
  for name in 'sales."Order Items"' '"sales"."Order Items"' 'sales.Order Items'; do
    toc --extract "$name" "$W/s.sgs" | cmp "$W/expected" -
  done
  gen-stream --rows 10 --emit-rows 2 >"$W/expected2"
  for name in public.t2 t2 '"public"."t2"' PUBLIC.T2; do
    toc --extract "$name" "$W/s.sgs" | cmp "$W/expected2" -
  done
}

@test "--extract of several tables writes each whole, in the order asked" {
  gen-stream --tables 3 --rows 100 --interleave --frame-size 200 >"$W/s.sgs"
  { gen-stream --rows 100 --emit-rows 3; gen-stream --rows 100 --emit-rows 1; } >"$W/expected"
  run --separate-stderr bash -c "toc -x public.t3 -x public.t1 '$W/s.sgs' >'$W/out'"
  assert_success
  cmp "$W/expected" "$W/out"
}

@test "--extract gathers a table split into parts and across concatenated segments" {
  gen-stream --tables 2 --rows 90 --parts 3 --segment 0 >"$W/s0.sgs"
  gen-stream --tables 2 --rows 90 --parts 3 --segment 1 --codec zstd >"$W/s1.sgs"
  { gen-stream --rows 90 --emit-rows 2; gen-stream --rows 90 --emit-rows 2; } >"$W/expected"
  run --separate-stderr bash -c "cat '$W/s0.sgs' '$W/s1.sgs' | toc -x public.t2 >'$W/out'"
  assert_success
  cmp "$W/expected" "$W/out"
}

@test "--extract of an unknown table exits 2 naming it, with nothing on stdout" {
  gen-stream --tables 2 --index >"$W/idx.sgs"
  gen-stream --tables 2 >"$W/plain.sgs"
  for f in "$W/idx.sgs" "$W/plain.sgs"; do
    run --separate-stderr toc -x public.t1 -x public.nope "$f"
    assert_failure 2
    [ -z "$output" ] || [ "$f" = "$W/plain.sgs" ]
    [[ "$stderr" == "toc: error: table public.nope is not in $f"* ]]
  done
  run --separate-stderr bash -c "toc -x public.nope <'$W/plain.sgs'"
  assert_failure 2
  [ -z "$output" ]
  [[ "$stderr" == "toc: error: table public.nope is not in stdin"* ]]
}

@test "--extract of two interleaved tables from a pipe is refused (exit 2)" {
  gen-stream --tables 2 --rows 100 --interleave --frame-size 200 >"$W/s.sgs"
  run --separate-stderr bash -c "cat '$W/s.sgs' | toc -x public.t1 -x public.t2 >/dev/null"
  assert_failure 2
  [[ "$stderr" == *"interleaved"* ]]
}

@test "a malformed table name is a usage error" {
  gen-stream >"$W/s.sgs"
  run --separate-stderr toc -x 'a.b.c' "$W/s.sgs"
  assert_failure 2
  [[ "$stderr" == "toc: error: bad table name 'a.b.c'"* ]]
}

@test "-o writes the listing to a file" {
  gen-stream >"$W/s.sgs"
  run --separate-stderr toc -o "$W/list.txt" "$W/s.sgs"
  assert_success
  [ -z "$output" ]
  grep -q '^  public.t1 ' "$W/list.txt"
}

@test "a closed downstream pipe ends --extract promptly and quietly, as cat does (141)" {
  gen-stream --tables 1 --rows 300000 --row-bytes 50 >"$W/big.sgs"
  run --separate-stderr bash -c "toc -x public.t1 '$W/big.sgs' | head -c 100 >/dev/null; echo \${PIPESTATUS[0]} >&2"
  [ "$stderr" = 141 ]
}

@test "extracted text, csv and binary COPY load into PostgreSQL with the same contents" {
  for fmt in text csv binary; do
    opts=""
    [ "$fmt" = text ] || opts="(FORMAT $fmt)"
    pg_psql tocpg -c "CREATE TABLE direct_$fmt (id int, label text, pad text); CREATE TABLE via_$fmt (LIKE direct_$fmt)"
    gen-stream --rows 500 --row-bytes 20 --format "$fmt" --emit-rows 1 |
      pg_psql tocpg -c "COPY direct_$fmt FROM STDIN $opts"
    gen-stream --tables 2 --rows 500 --row-bytes 20 --format "$fmt" --codec zstd --interleave |
      toc -f -x public.t1 | pg_psql tocpg -c "COPY via_$fmt FROM STDIN $opts"
    [ "$(pg_psql tocpg -c "SELECT count(*) FROM via_$fmt")" = 500 ]
    [ "$(pg_table_hash tocpg postgres direct_$fmt)" = "$(pg_table_hash tocpg postgres via_$fmt)" ]
  done
}

@test "the committed fuzz seeds are intact streams: toc --verify passes each" {
  local f n=0
  for f in "$BATS_TEST_DIRNAME"/../fuzz/*.sgs; do
    run --separate-stderr toc --verify --quiet "$f"
    [ "$status" -eq 0 ] || { echo "not intact: $f ($stderr)"; return 1; }
    n=$((n + 1))
  done
  [ "$n" -ge 8 ]
}
