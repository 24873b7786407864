#!/usr/bin/env bats
# make install under DESTDIR and PREFIX: stripped binaries that name their debug files,
# man pages and completions; make install-debug puts the debug files where gdb looks; make
# uninstall takes all of it away again.
load helpers

setup_file() {
  cd "$SEGSTREAM_ROOT"
  export DEST=$BATS_FILE_TMPDIR/dest PREFIX=/opt/segstream DEBUGDIR=/usr/lib/debug
  export BINARIES=$(make --no-print-directory -s print-bins)
  make_in_checkout -s install install-debug DESTDIR="$DEST" PREFIX="$PREFIX" \
    DEBUGDIR="$DEBUGDIR" >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/install.log" >&3
    return 1
  }
}

@test "make install: stripped binaries under DESTDIR/PREFIX, each naming its debug file" {
  run ls "$DEST$PREFIX/bin"
  assert_output "$(tr ' ' '\n' <<<"$BINARIES" | sort)"
  for binary in $BINARIES; do
    run "$DEST$PREFIX/bin/$binary" --version
    assert_success
    run readelf -S "$DEST$PREFIX/bin/$binary"
    refute_output --partial .debug_info
    refute_output --partial .symtab
    run readelf --string-dump=.gnu_debuglink "$DEST$PREFIX/bin/$binary"
    assert_output --partial "$binary.debug"
  done
}

@test "make install-debug: each binary's symbols in DEBUGDIR/PREFIX/bin, where gdb looks" {
  for binary in $BINARIES; do
    run readelf -S "$DEST$DEBUGDIR$PREFIX/bin/$binary.debug"
    assert_success
    assert_output --partial .debug_info
  done
}

@test "make install: every man page and a completion per binary" {
  for page in "$SEGSTREAM_ROOT"/man/*.[1-9]; do
    local name=${page##*/}
    cmp "$page" "$DEST$PREFIX/share/man/man${name##*.}/$name"
  done
  for binary in $BINARIES; do
    grep -q "^complete -F .* $binary\$" "$DEST$PREFIX/share/bash-completion/completions/$binary"
  done
}

@test "make uninstall: no file left" {
  cd "$SEGSTREAM_ROOT"
  run make --no-print-directory -s uninstall DESTDIR="$DEST" PREFIX="$PREFIX" DEBUGDIR="$DEBUGDIR"
  assert_success
  run find "$DEST" -type f
  assert_output ''
}
