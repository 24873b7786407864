#!/usr/bin/env bash
# Installs the Debian packages segstream needs to build, test and benchmark, and only
# those that are missing, so a second run is silent. Without root it names what is missing.
set -euo pipefail

packages=(
  g++ make build-essential pkg-config clang libclang-rt-14-dev clang-format clang-tidy
  libpq-dev libzstd-dev liblz4-dev zlib1g-dev libxxhash-dev
  libcli11-dev nlohmann-json3-dev libgtest-dev
  bats bats-assert bats-support parallel  # parallel: bats --jobs, in make test
  postgresql-15 postgresql-client-15 postgresql-contrib
  zstd lz4 pigz gzip jq time
  python3 bc xxd mandoc
  dpkg-dev debhelper lintian binutils bash-completion
  bsdutils  # script(1): the progress tests run the tools in a pseudo-terminal
  procps pgcopydb
  ca-certificates  # npm reaches its registry over TLS (a minimal root has no CA bundle)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm fetches other PostgreSQL majors for tests/bats/cross-version.bats; a node install
# from elsewhere (nodesource) brings its own npm, which serves as well.
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "hint: run 'make deps' as root, or: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
