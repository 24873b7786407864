# Shared setup for every bats file: strict shell, C locale, our binaries first on PATH,
# bats-assert, and the throwaway PostgreSQL servers of scripts/pg-cluster.sh (pg_start,
# pg_conn, pg_psql, pg_env, pg_stop, pg_stop_all, pg_table_hash).

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
