#!/usr/bin/env bash
# zpipe against the tools people use today, on the same bytes in the same run: a segstream
# of real COPY text (PostgreSQL 15, >= 500 MB) in page cache. Prints throughput ratios
# (zpipe / reference; >= 0.95 is the target) and size ratios, twice: on the machine as it
# is ("quiet"), then with one CPU burner busy looping ("contended"), because zpipe's worker
# pool once won on a quiet machine and lost when a neighbour took a core (issue 14). Each
# pair runs REPEAT times, zpipe and the reference alternating so that both see the same
# neighbours, and keeps the best time of each.
#
#   bench/zpipe.sh                    # builds nothing; uses $SEGSTREAM_BIN (build/bin)
#   ROWS=8000000 REPEAT=3 bench/zpipe.sh
#   PASSES=contended bench/zpipe.sh   # one pass only (quiet, contended, or both: the default)
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SEGSTREAM_BIN:-$ROOT/build/bin}
ROWS=${ROWS:-8000000}
REPEAT=${REPEAT:-3}
PASSES=${PASSES:-quiet contended}
WORK=${ZPIPE_BENCH_DIR:-/tmp/zpipe-bench}
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
mkdir -p "$WORK"
SGS=$WORK/copy-$ROWS.sgs
TXT=$WORK/copy-$ROWS.txt

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Every exit path (error, ^C, the end) stops the burner and the throwaway server.
BURNER=""
PGDIR=""
stop_burner() {
  if [ -n "$BURNER" ]; then kill "$BURNER" 2>/dev/null || true; wait "$BURNER" 2>/dev/null || true; fi
  BURNER=""
}
cleanup() {
  stop_burner
  if [ -n "$PGDIR" ]; then
    as_postgres "$PG_BINDIR/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
    PGDIR=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The data: real COPY text out of PostgreSQL, wrapped into a segstream by the test fixture.
if [ ! -s "$SGS" ]; then
  PGDIR=$(mktemp -d /tmp/zpipe-bench-pg.XXXXXX)
  chmod 755 "$PGDIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PGDIR"
  as_postgres "$PG_BINDIR/initdb" -D "$PGDIR/data" -U postgres -A trust >/dev/null
  as_postgres "$PG_BINDIR/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$PGDIR' -p 5499" start >/dev/null
  psql "host=$PGDIR port=5499 user=postgres dbname=postgres" -X -q -c \
    "COPY (SELECT g, md5(g::text), now() - g * interval '1 second', (g*1.5)::numeric
           FROM generate_series(1, $ROWS) g) TO STDOUT" \
    >"$TXT.tmp"
  mv "$TXT.tmp" "$TXT"
  "$BIN/zpipe-fixture" --table public.bench <"$TXT" >"$SGS.tmp"
  mv "$SGS.tmp" "$SGS"
  cleanup
fi
SIZE=$(stat -c %s "$SGS")
cat "$SGS" >/dev/null  # page cache

# One run of a command: "wall cpu" (CPU is user+sys, children included). On a shared
# machine wall time mostly measures the neighbours; CPU time is the steadier figure.
timed() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -o "$WORK/time.txt" -f '%U %S' bash -c "$1" >/dev/null 2>&1
  e=$(date +%s.%N)
  echo "$(echo "$e - $s" | bc -l) $(awk '{print $1 + $2}' "$WORK/time.txt")"
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }

ratio() { echo "scale=3; $1 / $2" | bc -l; }
mbs() { echo "scale=1; $SIZE / $1 / 1048576" | bc -l; }

row() {  # name zpipe_cmd ref_cmd [zpipe_output ref_output]
  local name=$1 z=$2 r=$3 wz="" cz="" wr="" cr="" w c
  # Alternating, so that a neighbour's burst of load falls on both tools alike.
  for _ in $(seq "$REPEAT"); do
    read -r w c <<<"$(timed "$z")"
    wz=$(min "$wz" "$w") cz=$(min "$cz" "$c")
    read -r w c <<<"$(timed "$r")"
    wr=$(min "$wr" "$w") cr=$(min "$cr" "$c")
  done
  printf '| %s | `%s` | `%s` | %s / %s MB/s | %sx | %sx |' "$name" "${z//$WORK\//}" "${r//$WORK\//}" \
    "$(mbs "$wz")" "$(mbs "$wr")" "$(ratio "$wr" "$wz")" "$(ratio "$cr" "$cz")"
  if [ $# -ge 5 ]; then
    local sz sr
    sz=$(stat -c %s "$4"); sr=$(stat -c %s "$5")
    printf ' %s / %s (%sx) |\n' "$sz" "$sr" "$(ratio "$sz" "$sr")"
  else
    printf ' |\n'
  fi
}

# The busy neighbour: one shell spinning, pinned to the last CPU when taskset is there so
# that it takes "the other core" of a two-core machine and not a share of every core.
start_burner() {
  local cpu=$(($(nproc) - 1))
  if command -v taskset >/dev/null && [ "$cpu" -gt 0 ]; then
    taskset -c "$cpu" bash -c 'while :; do :; done' &
  else
    bash -c 'while :; do :; done' &
  fi
  BURNER=$!
}
Z=zpipe
export PATH="$BIN:$PATH"
echo "input: $SGS, $SIZE bytes ($ROWS rows of COPY text), best of $REPEAT runs, $(nproc) CPUs"
echo "zstd $(zstd -V | grep -o 'v[0-9.]*'), lz4 $(lz4 -V 2>&1 | grep -o 'v[0-9.]*' | head -1), $(pigz -V 2>&1)"
echo
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Speed ratio = reference time / zpipe time (above 1: zpipe faster); wall from the best"
echo "wall run, CPU from the best user+sys run. Paths are relative to $WORK; zpipe is $Z."
echo
table() {
  echo "| case | zpipe | reference | wall MB/s zpipe / ref | wall ratio | CPU ratio | size zpipe / ref |"
  echo "|---|---|---|---|---|---|---|"
  row "zstd -3, 1 thread" "$Z -c zstd -l 3 -T 1 < $SGS > $WORK/z.sgs" "zstd -3 -T1 -c < $SGS > $WORK/r.zst" \
    "$WORK/z.sgs" "$WORK/r.zst"
  row "zstd -3, 2 threads" "$Z -c zstd -l 3 -T 2 < $SGS > $WORK/z2.sgs" "zstd -3 -T2 -c < $SGS > $WORK/r2.zst" \
    "$WORK/z2.sgs" "$WORK/r2.zst"
  row "lz4 -1" "$Z -c lz4 -l 1 < $SGS > $WORK/z.lz4.sgs" "lz4 -1 -c < $SGS > $WORK/r.lz4" \
    "$WORK/z.lz4.sgs" "$WORK/r.lz4"
  row "gzip -6, 2 threads" "$Z -c gzip -l 6 -T 2 < $SGS > $WORK/z.gz.sgs" "pigz -p 2 -6 -c < $SGS > $WORK/r.gz" \
    "$WORK/z.gz.sgs" "$WORK/r.gz"
  row "decompress zstd" "$Z -d < $WORK/z.sgs > /dev/null" "zstd -d -c < $WORK/r.zst > /dev/null"
  row "decompress lz4" "$Z -d < $WORK/z.lz4.sgs > /dev/null" "lz4 -d -c < $WORK/r.lz4 > /dev/null"
  row "decompress gzip" "$Z -d < $WORK/z.gz.sgs > /dev/null" "pigz -d -p 2 -c < $WORK/r.gz > /dev/null"
  # The byte path: the same .zst file through zpipe -d and zstd -d.
  row "plain .zst decompress" "$Z -d < $WORK/r.zst > /dev/null" "zstd -d -c < $WORK/r.zst > /dev/null"
}

for pass in $PASSES; do
  echo
  case $pass in
    quiet)
      echo "### Quiet: the machine as it is (load average $(cut -d' ' -f1-3 /proc/loadavg))"
      echo
      table
      ;;
    contended)
      start_burner
      echo "### Contended: one busy loop on CPU $(($(nproc) - 1)) during the whole pass (load average $(cut -d' ' -f1-3 /proc/loadavg))"
      echo
      table
      stop_burner
      ;;
    *) echo "unknown pass $pass (quiet or contended)" >&2; exit 2 ;;
  esac
done

# Frame size against whole-stream zstd: the same rows framed at other sizes.
if [ -n "${FRAME_SIZES:-}" ] && [ -s "$TXT" ]; then
  echo
  echo "| frame size | zpipe -c zstd -l 3 output | zstd -3 output | ratio |"
  echo "|---|---|---|---|"
  for fs in $FRAME_SIZES; do
    "$BIN/zpipe-fixture" --table public.bench --frame-size "$fs" <"$TXT" | zpipe -c zstd -l 3 -T 2 >"$WORK/fs.sgs"
    "$BIN/zpipe-fixture" --table public.bench --frame-size "$fs" <"$TXT" | zstd -3 -T2 -c >"$WORK/fs.zst"
    a=$(stat -c %s "$WORK/fs.sgs"); b=$(stat -c %s "$WORK/fs.zst")
    echo "| $fs | $a | $b | $(ratio "$a" "$b")x |"
  done
  rm -f "$WORK/fs.sgs" "$WORK/fs.zst"
fi

# The default level: CPU time and size per codec and level on the same frames (one thread).
if [ -n "${LEVELS:-}" ]; then
  echo
  echo "| zpipe -T 1 | CPU s | MB/s per core | output bytes | of input |"
  echo "|---|---|---|---|---|"
  for args in "-c zstd -l 1" "-c zstd -l 3" "-c zstd -l 6" "-c lz4 -l 1" "-c gzip -l 6"; do
    /usr/bin/time -o "$WORK/time.txt" -f '%U %S' zpipe $args -T 1 <"$SGS" >"$WORK/lv.sgs"
    c=$(awk '{print $1 + $2}' "$WORK/time.txt")
    s=$(stat -c %s "$WORK/lv.sgs")
    echo "| \`$args\` | $c | $(echo "scale=0; $SIZE / $c / 1000000" | bc -l) | $s | $(ratio "$s" "$SIZE") |"
  done
  rm -f "$WORK/lv.sgs"
fi
