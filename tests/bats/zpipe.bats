#!/usr/bin/env bats
# zpipe: a segstream stays a segstream (frame by frame, verifiable end to end), anything
# else becomes the standard .zst / .lz4 / .gz that zstd, lz4 and gzip read, and back.
load helpers

setup_file() {
  local d=$BATS_FILE_TMPDIR
  # COPY-like text: tabs, repeats and a spread of values, ~2.5 MB.
  seq 1 60000 | awk '{printf "%d\tcustomer %d\t%d.%02d\t2024-01-%02d 10:00:00+00\n", $1, $1 % 977, $1 * 3, $1 % 100, $1 % 28 + 1}' >"$d/rows.txt"
  zpipe-fixture --table public.orders <"$d/rows.txt" >"$d/plain.sgs"
  zpipe-fixture --table public.orders --codec zstd <"$d/rows.txt" >"$d/zstd-frames.sgs"
  head -c 3000000 /dev/urandom >"$d/noise.bin"
  pg_start zp
  pg_psql zp -c "CREATE TABLE src (id int, name text, amount numeric, at timestamptz, note text)"
  pg_psql zp -c "INSERT INTO src SELECT g, 'name ' || g % 100, g * 1.25, '2024-01-01'::timestamptz + g * interval '1 minute', CASE WHEN g % 7 = 0 THEN NULL ELSE E'tab\there, \"q\"' END FROM generate_series(1, 20000) g"
  pg_psql zp -c "CREATE TABLE dst (LIKE src)"
}

teardown_file() {
  pg_stop_all
}

setup() {
  D=$BATS_FILE_TMPDIR
}

# 8 bytes as hex, for checking magic numbers.
magic() { head -c 8 "$1" | od -An -tx1 | tr -d ' \n'; }

# --- command line -----------------------------------------------------------------------

@test "unknown codec is a usage error" {
  run --separate-stderr zpipe -c brotli <"$D/rows.txt"
  assert_failure 2
  [[ "$stderr" == *"zpipe: error: "*brotli* ]]
}

@test "zstd level out of range: exit 2" {
  run --separate-stderr zpipe -c zstd -l 20 <"$D/rows.txt"
  assert_failure 2
  assert_output ""
  [[ "$stderr" == *"zpipe: error: zstd level 20 is out of range"* ]]
  [[ "$stderr" == *"zpipe: hint: "*--ultra* ]]
}

@test "zstd level 22 is allowed with --ultra" {
  run --separate-stderr bash -c 'head -c 100000 "$1" | zpipe -l 22 --ultra | zstd -dc | cmp - <(head -c 100000 "$1")' _ "$D/rows.txt"
  assert_success
}

@test "lz4 level out of range: exit 2" {
  run --separate-stderr zpipe -c lz4 -l 13 <"$D/rows.txt"
  assert_failure 2
  [[ "$stderr" == *"lz4 level 13 is out of range"* ]]
}

@test "gzip level out of range: exit 2" {
  run --separate-stderr zpipe -c gzip -l 10 <"$D/rows.txt"
  assert_failure 2
  [[ "$stderr" == *"gzip level 10 is out of range"* ]]
}

@test "negative zstd levels are the fast levels" {
  run --separate-stderr bash -c 'zpipe --level=-5 <"$1" | zstd -dc | cmp - "$1"' _ "$D/rows.txt"
  assert_success
}

@test "refuses to write binary to a terminal; -f forces" {
  run --separate-stderr script -qec "zpipe < $D/rows.txt" /dev/null
  assert_failure 2
  assert_output --partial "refusing to write binary data to a terminal"
  run --separate-stderr script -qec "zpipe -f < $D/rows.txt >/dev/null; zpipe -f -c none < /dev/null" /dev/null
  assert_success
}

# --- segstreams ---------------------------------------------------------------------------

@test "segstream round trip, every codec, 1 and 2 threads: byte-identical after -d, verifies" {
  for codec in zstd lz4 gzip none; do
    for t in 1 2; do
      zpipe -c "$codec" -T "$t" <"$D/plain.sgs" >"$D/c.sgs"
      # still a segstream: frame headers readable without decompressing
      [ "$(magic "$D/c.sgs")" = "895347530d0a1a0a" ]
      run --separate-stderr zpipe -t -T "$t" "$D/c.sgs"
      assert_success
      [ -z "$stderr" ]
      run --separate-stderr bash -c 'zpipe -d <"$1" | cmp - "$2"' _ "$D/c.sgs" "$D/plain.sgs"
      assert_success
    done
  done
}

@test "a compressed segstream is smaller and verifies with the reader's digests" {
  zpipe -c zstd <"$D/plain.sgs" >"$D/z.sgs"
  [ "$(stat -c %s "$D/z.sgs")" -lt "$(( $(stat -c %s "$D/plain.sgs") / 3 ))" ]
  if command -v toc >/dev/null; then
    run --separate-stderr toc --verify "$D/z.sgs"
    assert_success
  fi
  run --separate-stderr zpipe -t "$D/z.sgs"
  assert_success
}

@test "recompression zstd -> lz4 in one step; -d gives the original rows" {
  # the fixture wrote zstd frames itself (TableWriter), so this is not zpipe undoing itself
  run --separate-stderr bash -c 'zpipe -c lz4 <"$1" | tee "$2" | zpipe -d | cmp - <(zpipe -d <"$1")' _ "$D/zstd-frames.sgs" "$D/lz4.sgs"
  assert_success
  run --separate-stderr zpipe -t "$D/lz4.sgs"
  assert_success
  zpipe -c gzip -l 9 -T 2 <"$D/zstd-frames.sgs" >"$D/g.sgs"
  run --separate-stderr zpipe -t "$D/g.sgs"
  assert_success
}

@test "concatenated segstreams stay two streams" {
  cat "$D/plain.sgs" "$D/plain.sgs" >"$D/two.sgs"
  run --separate-stderr bash -c 'zpipe -c zstd -T 2 <"$1" | zpipe -d | cmp - "$1"' _ "$D/two.sgs"
  assert_success
}

@test "-o FILE writes the file; a failed run leaves no file" {
  run --separate-stderr zpipe -c zstd -o "$D/out.sgs" "$D/plain.sgs"
  assert_success
  assert_output ""
  run --separate-stderr zpipe -t "$D/out.sgs"
  assert_success
  zpipe-fixture --bad corrupt-payload >"$D/bad.sgs"
  run --separate-stderr zpipe -d -o "$D/bad.out" "$D/bad.sgs"
  assert_failure 3
  [ ! -e "$D/bad.out" ]
}

@test "bad input: corrupt compressed payload (exit 3, names the frame)" {
  zpipe-fixture --bad corrupt-payload >"$D/bad.sgs"
  for mode in -d "-c lz4" -t; do
    run --separate-stderr zpipe $mode "$D/bad.sgs"
    assert_failure 3
    [[ "$stderr" == "zpipe: error: "*zstd*"(table public.t, frame 3, byte offset "* ]]
  done
}

@test "bad input: unknown codec id in a frame (exit 3)" {
  zpipe-fixture --bad unknown-codec >"$D/bad.sgs"
  run --separate-stderr zpipe -d "$D/bad.sgs"
  assert_failure 3
  [[ "$stderr" == *"unknown codec id 9 (frame 3, byte offset"* ]]
}

@test "bad input: payload decompressing beyond its declared raw size is rejected" {
  zpipe-fixture --bad oversize >"$D/bad.sgs"
  run --separate-stderr zpipe -d "$D/bad.sgs"
  assert_failure 3
  [[ "$stderr" == *"(table public.t, frame 3, byte offset"* ]]
  run --separate-stderr zpipe -t "$D/bad.sgs"
  assert_failure 3
}

@test "bad input: table digest disagreeing with the rows fails -t (exit 3)" {
  zpipe-fixture --bad wrong-digest >"$D/bad.sgs"
  run --separate-stderr zpipe -t "$D/bad.sgs"
  assert_failure 3
  [[ "$stderr" == *"table trailer disagrees with the data: digest"*"table public.t"* ]]
}

@test "bad input: truncated segstream (exit 3)" {
  zpipe -c zstd <"$D/plain.sgs" >"$D/whole.sgs"
  head -c 300000 "$D/whole.sgs" >"$D/cut.sgs"
  run --separate-stderr zpipe -d "$D/cut.sgs"
  assert_failure 3
  [[ "$stderr" == "zpipe: error: "*truncated* ]]
}

# --- anything else: the codec CLIs' formats -------------------------------------------------

@test "plain round trip, every codec: byte-identical" {
  for codec in zstd lz4 gzip none; do
    for f in rows.txt noise.bin; do
      run --separate-stderr bash -c 'zpipe -c "$1" <"$2" | zpipe -d -c none 2>&1 >/dev/null; zpipe -c "$1" <"$2" >"$2.$1"' _ "$codec" "$D/$f"
      if [ "$codec" != none ]; then
        run --separate-stderr bash -c 'zpipe -d <"$1" | cmp - "$2"' _ "$D/$f.$codec" "$D/$f"
        assert_success
      fi
    done
  done
}

@test "gzip -T 2 writes members gzip -d reads as one file" {
  run --separate-stderr bash -c 'cat "$1" "$1" "$1" | zpipe -c gzip -T 2 | gzip -dc | cmp - <(cat "$1" "$1" "$1")' _ "$D/rows.txt"
  assert_success
}

@test "interop zstd: zpipe -c zstd | zstd -d, and zstd | zpipe -d" {
  run --separate-stderr bash -c 'zpipe -c zstd -T 2 <"$1" | zstd -dc | cmp - "$1" && zstd -c <"$1" | zpipe -d | cmp - "$1"' _ "$D/rows.txt"
  assert_success
}

@test "interop gzip: zpipe -c gzip | gunzip, and gzip | zpipe -d" {
  run --separate-stderr bash -c 'zpipe -c gzip <"$1" | gunzip -c | cmp - "$1" && gzip -c <"$1" | zpipe -d | cmp - "$1"' _ "$D/rows.txt"
  assert_success
}

@test "interop lz4: zpipe -c lz4 | lz4 -d, and lz4 | zpipe -d" {
  run --separate-stderr bash -c 'zpipe -c lz4 -l 9 <"$1" | lz4 -dc | cmp - "$1" && lz4 -c <"$1" | zpipe -d | cmp - "$1"' _ "$D/rows.txt"
  assert_success
}

@test "concatenated .zst, .gz and .lz4 decompress fully" {
  for tool in zstd gzip lz4; do
    run --separate-stderr bash -c '{ $1 -c <"$2"; $1 -c <"$2"; } | zpipe -d | cmp - <(cat "$2" "$2")' _ "$tool" "$D/rows.txt"
    assert_success
  done
}

@test "a compressed segstream file (zstd of the whole stream) decompresses to the segstream" {
  run --separate-stderr bash -c 'zstd -c <"$1" | zpipe -d | cmp - "$1"' _ "$D/plain.sgs"
  assert_success
}

@test "--long records its window: zstd -d needs no flag; zpipe -d reads wider windows too" {
  run --separate-stderr bash -c 'zpipe --long <"$1" | zstd -dc | cmp - "$1"' _ "$D/rows.txt"
  assert_success
  run --separate-stderr bash -c 'zpipe --long=30 <"$1" | zpipe -d | cmp - "$1"' _ "$D/rows.txt"
  assert_success
}

@test "-t checks integrity and writes nothing" {
  for tool in zstd gzip lz4; do
    $tool -c <"$D/rows.txt" >"$D/t.$tool"
    run --separate-stderr zpipe -t "$D/t.$tool"
    assert_success
    assert_output ""
  done
}

@test "bad input: truncated .zst (exit 3)" {
  zstd -c <"$D/rows.txt" >"$D/whole.zst"
  head -c 50000 "$D/whole.zst" >"$D/cut.zst"
  run --separate-stderr zpipe -d "$D/cut.zst"
  assert_failure 3
  [[ "$stderr" == "zpipe: error: truncated zstd input"* ]]
  run --separate-stderr zpipe -t "$D/cut.zst"
  assert_failure 3
}

@test "bad input: truncated .gz (exit 3)" {
  gzip -c <"$D/rows.txt" >"$D/whole.gz"
  head -c 50000 "$D/whole.gz" >"$D/cut.gz"
  run --separate-stderr zpipe -d "$D/cut.gz"
  assert_failure 3
  [[ "$stderr" == "zpipe: error: truncated gzip input"* ]]
}

@test "bad input: truncated .lz4 (exit 3)" {
  lz4 -c <"$D/rows.txt" >"$D/whole.lz4"
  head -c 50000 "$D/whole.lz4" >"$D/cut.lz4"
  run --separate-stderr zpipe -d "$D/cut.lz4"
  assert_failure 3
  [[ "$stderr" == "zpipe: error: truncated lz4 input"* ]]
}

@test "bad input: corrupt .gz body (exit 3)" {
  gzip -c <"$D/rows.txt" >"$D/c.gz"
  printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$D/c.gz" bs=1 seek=20000 conv=notrunc 2>/dev/null
  run --separate-stderr zpipe -d "$D/c.gz"
  assert_failure 3
  [[ "$stderr" == "zpipe: error: "* ]]
}

@test "-d on input that is not compressed: exit 3 with a hint" {
  run --separate-stderr zpipe -d "$D/rows.txt"
  assert_failure 3
  assert_output ""
  [[ "$stderr" == *"zpipe: hint: "* ]]
}

@test "output pipe closed early: prompt exit 1, one line, no hang" {
  for args in "-c none $D/noise.bin" "-c zstd -T 2 $D/plain.sgs" "-d $D/zstd-frames.sgs" "-c gzip -T 2 $D/rows.txt"; do
    run --separate-stderr timeout 20 bash -c 'zpipe $1 | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$args"
    assert_output "1"
    [[ "$stderr" == "zpipe: error: "*"downstream closed" ]]
  done
}

@test "--progress=json writes NDJSON to stderr and nothing else to stdout" {
  run --separate-stderr bash -c 'zpipe --progress=json -c lz4 <"$1" | zpipe -d | cmp - "$1"' _ "$D/plain.sgs"
  assert_success
  [[ "$stderr" == *'"event":"done"'* ]]
  run --separate-stderr bash -c 'zpipe -q --progress=json -c lz4 <"$1" >/dev/null' _ "$D/plain.sgs"
  assert_success
  [ -z "$stderr" ]
}

# --- real PostgreSQL data -----------------------------------------------------------------

@test "COPY CSV through zpipe gzip and zstd (gpbackup-style data files) loads back identical" {
  for codec in gzip zstd; do
    pg_psql zp -c "TRUNCATE dst"
    pg_psql zp -c "COPY src TO STDOUT (FORMAT csv)" | zpipe -c "$codec" >"$D/src.csv.$codec"
    if [ "$codec" = gzip ]; then gzip -t "$D/src.csv.gzip"; else zstd -tq "$D/src.csv.zstd"; fi
    zpipe -d <"$D/src.csv.$codec" | pg_psql zp -c "COPY dst FROM STDIN (FORMAT csv)"
    [ "$(pg_table_hash zp postgres src)" = "$(pg_table_hash zp postgres dst)" ]
  done
}

@test "COPY text of a real table wrapped in a segstream survives zpipe byte for byte" {
  pg_psql zp -c "COPY src TO STDOUT" >"$D/src.txt"
  zpipe-fixture --table public.src <"$D/src.txt" >"$D/src.sgs"
  zpipe -c zstd -T 2 <"$D/src.sgs" | zpipe -c gzip | zpipe -d | cat >"$D/back.sgs"
  cmp "$D/src.sgs" "$D/back.sgs"
  # written to a seekable file, the stream gets an index (toc lists it instantly) and
  # still verifies
  zpipe -c lz4 -o "$D/indexed.sgs" "$D/src.sgs"
  [ "$(stat -c %s "$D/indexed.sgs")" -gt 0 ]
  run --separate-stderr zpipe -t "$D/indexed.sgs"
  assert_success
}
