# Shared setup for every bats file: strict shell, C locale, our binaries first on PATH,
# bats-assert, and the throwaway PostgreSQL servers of scripts/pg-cluster.sh (pg_start,
# pg_conn, pg_psql, pg_env, pg_stop, pg_stop_all, pg_table_hash); shared fixtures below
# (stream_frames, fresh_database, schema_of, wait_for, hold_lock / release_lock).

export LC_ALL=C
set -o pipefail
bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${SEGSTREAM_BIN:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build/bin}"
export PATH="$SEGSTREAM_BIN:$PATH"
export SEGSTREAM_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
export SEGSTREAM_TESTDATA="${SEGSTREAM_TESTDATA:-$SEGSTREAM_ROOT/../shared/testdata}"
source "$SEGSTREAM_ROOT/scripts/pg-cluster.sh"

# make in the checkout, one at a time across bats files (make test runs files in parallel):
# make install and make deb both write build/stripped, build/debug and build/completions.
make_in_checkout() {
  mkdir -p "$SEGSTREAM_ROOT/build"
  (cd "$SEGSTREAM_ROOT" && flock "$SEGSTREAM_ROOT/build/.bats-make.lock" make --no-print-directory "$@")
}

# stream_frames FILE: the frames of a stream file, one per line, as
# "offset type table_id stored_len" (preambles skipped), for tests that damage or cut a
# stream at a chosen frame.
stream_frames() {
  python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
pos = 0
while pos < len(data):
    if data[pos] == 0x89:
        pos += 16
        continue
    typ, flags, codec, _, tid, stored, raw, _ = struct.unpack_from('<BBBBIIIQ', data, pos)
    print(pos, typ, tid, stored)
    pos += 24 + stored
PY
}

# fresh_database SERVER DB: DB dropped and made anew on SERVER; T is its conninfo.
fresh_database() {
  pg_psql "$1" -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)"
  pg_psql "$1" -c "CREATE DATABASE $2"
  T=$(pg_conn "$1" "$2")
}

# schema_of [PG_DUMP_ARGS] CONNINFO: pg_dump --schema-only, without the per-run \restrict
# keys of current minor releases, for comparing a source's schema with a target's.
schema_of() { pg_dump --schema-only "$@" | grep -v '^\\\(un\)\?restrict '; }

# wait_for CMD...: polls CMD every 0.1 s for up to 30 s; fails if it never succeeds. To ask
# again at every poll, quote the command for eval: wait_for eval '[ "$(count)" = 5 ]'.
wait_for() {
  local tries=0
  until "$@"; do
    [ $tries -lt 300 ] || return 1
    sleep 0.1
    tries=$((tries + 1))
  done
}

# hold_lock CONNINFO TABLE DIR: another session holds an ACCESS EXCLUSIVE lock on TABLE until
# release_lock (its FIFO and output live in DIR). Returns once the lock is held.
hold_lock() {
  mkfifo "$3/lock.in"
  psql "$1" -X -q -At <"$3/lock.in" >"$3/lock.out" 2>&1 &
  LOCK_HOLDER=$!
  exec 5>"$3/lock.in"
  echo "BEGIN; LOCK TABLE $2 IN ACCESS EXCLUSIVE MODE; SELECT 'locked';" >&5
  wait_for test -s "$3/lock.out"
}
release_lock() {
  echo "COMMIT;" >&5
  exec 5>&-
  wait "$LOCK_HOLDER" || true
}
