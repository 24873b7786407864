#!/usr/bin/env bats
# The Debian package: make deb builds it from the existing build/ (compiling nothing) and
# lintian passes it; installed with dpkg into a scratch root, it holds every binary the
# Makefile builds (stripped, each answering --version), every man page, a bash completion
# per binary offering every long option of its --help, and the license; the -dbgsym holds
# the debug symbols; removal leaves nothing behind.
load helpers

setup_file() {
  local tool
  for tool in dpkg-buildpackage dh lintian; do
    command -v "$tool" >/dev/null ||
      skip "$tool is not installed: the packaging tools are missing (make deps installs them)"
  done
  [ -f /usr/share/bash-completion/bash_completion ] ||
    skip "bash-completion is not installed (make deps installs it)"

  cd "$SEGSTREAM_ROOT"
  make_in_checkout -s all
  export DEB_LOG=$BATS_FILE_TMPDIR/make-deb.log
  make_in_checkout deb JOBS=2 >"$DEB_LOG" 2>&1 || {
    cat "$DEB_LOG" >&3
    return 1
  }
  export VERSION=$(sed -n 's/.*kSegstreamVersion = "\(.*\)";.*/\1/p' lib/common/cli/version.h)
  export ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
  export DEB=$SEGSTREAM_ROOT/build/deb/segstream_${VERSION}_$ARCH.deb
  export DBGSYM=$SEGSTREAM_ROOT/build/deb/segstream-dbgsym_${VERSION}_$ARCH.deb
  export BINARIES=$(make --no-print-directory -s print-bins)

  # A scratch dpkg root: an empty admin directory. The libraries the binaries need are the
  # host's, not the root's, hence --force-depends (apt checks them in a test below).
  export ROOT=$BATS_FILE_TMPDIR/root
  mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates" "$ROOT/var/lib/dpkg/triggers"
  touch "$ROOT/var/lib/dpkg/status"
  scratch_dpkg --force-depends -i "$DEB" >"$BATS_FILE_TMPDIR/dpkg-install.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/dpkg-install.log" >&3
    return 1
  }
}

scratch_dpkg() { dpkg --root="$ROOT" --log="$BATS_FILE_TMPDIR/dpkg.log" "$@"; }

@test "make deb: reuses build/, lintian finds no error or warning, .deb files in build/deb" {
  ! grep -E '(^| )(g\+\+|c\+\+|clang\+\+) ' "$DEB_LOG" || { echo "make deb compiled again"; false; }
  ! grep -E '^[EW]: ' "$DEB_LOG"
  [ -f "$DEB" ] && [ -f "$DBGSYM" ]
  run dpkg-deb -f "$DEB" Version
  assert_output "$VERSION"
  ! ls "$SEGSTREAM_ROOT"/../segstream_* 2>/dev/null
}

@test "package: apt can install it here (its dependencies resolve)" {
  run apt-get --simulate install "$DEB"
  assert_success
  assert_output --partial "Inst segstream ($VERSION"
}

@test "package: every binary the Makefile builds, stripped, answers --version" {
  run ls "$ROOT/usr/bin"
  assert_output "$(tr ' ' '\n' <<<"$BINARIES" | sort)"
  for binary in $BINARIES; do
    # "NAME (segstream) VERSION"; the gpbackup plugin says "NAME version VERSION", as
    # gpbackup's plugin API asks.
    run "$ROOT/usr/bin/$binary" --version
    assert_success
    assert_output --regexp "^$binary (\(segstream\)|version) ${VERSION//./\\.}\$"
    run readelf -S "$ROOT/usr/bin/$binary"
    assert_success
    refute_output --partial .debug_
    refute_output --partial .symtab
  done
}

@test "package: the -dbgsym holds each binary's debug symbols, by build id" {
  run dpkg-deb -c "$DBGSYM"
  assert_success
  for binary in $BINARIES; do
    local id
    id=$(readelf -n "$ROOT/usr/bin/$binary" | sed -n 's/.*Build ID: //p')
    [ -n "$id" ]
    assert_output --partial "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
  done
}

@test "package: every man page, and the license as a DEP-5 copyright file" {
  for page in "$SEGSTREAM_ROOT"/man/*.[1-9]; do
    local name=${page##*/}
    [ -f "$ROOT/usr/share/man/man${name##*.}/$name.gz" ] || { echo "no $name"; false; }
  done
  local copyright=$ROOT/usr/share/doc/segstream/copyright
  grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$copyright"
  grep -q '^License: PostgreSQL$' "$copyright"
  # The license text is LICENSE's, below its title and copyright line.
  diff <(awk 'text; prev == "" && $0 == "License: PostgreSQL" { text = 1 } { prev = $0 }' \
    "$copyright" | sed 's/^ //; s/^\.$//') \
    <(tail -n +5 "$SEGSTREAM_ROOT/LICENSE")
}

# complete_words FILE WORD...: what bash completion offers for the last WORD.
complete_words() {
  bash -c 'source /usr/share/bash-completion/bash_completion
    source "$1"
    shift
    COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
    fn=$(complete -p "$1" | sed -E "s/.* -F ([^ ]+) .*/\1/")
    "$fn" "$1" "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}

@test "package: each binary's bash completion offers every long option of its --help" {
  for binary in $BINARIES; do
    local completion=$ROOT/usr/share/bash-completion/completions/$binary
    [ -f "$completion" ] || { echo "no completion for $binary"; false; }
    local want got
    # The option names of --help's option lines: before the two spaces of a description.
    want=$("$ROOT/usr/bin/$binary" --help | grep -E '^[[:space:]]+-' |
      sed -E 's/^[[:space:]]+//; s/  .*//' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    got=$(complete_words "$completion" "$binary" --)
    diff <(echo "$want") <(echo "$got" | sort -u) || { echo "$binary: --help vs completion"; false; }
  done
}

@test "package: completion of values (choices, files, nothing for numbers) and commands" {
  local completions=$ROOT/usr/share/bash-completion/completions
  run complete_words "$completions/zpipe" zpipe --codec l
  assert_output lz4
  run complete_words "$completions/zpipe" zpipe --codec=g
  assert_output gzip
  cd "$BATS_TEST_TMPDIR"
  touch backup.sgs
  run complete_words "$completions/toc" toc back
  assert_output backup.sgs
  run complete_words "$completions/zpipe" zpipe -T ''
  assert_output ''
  run complete_words "$completions/gpbackup_segstream_plugin" gpbackup_segstream_plugin restore_data_
  assert_output restore_data_subset
}

@test "package: removal leaves nothing behind" {
  run scratch_dpkg --purge segstream
  assert_success
  run find "$ROOT" -mindepth 1 -not -path "$ROOT/var" -not -path "$ROOT/var/lib" \
    -not -path "$ROOT/var/lib/dpkg" -not -path "$ROOT/var/lib/dpkg/*"
  assert_success
  assert_output ''
}
