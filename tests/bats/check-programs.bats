#!/usr/bin/env bats
# scripts/check-programs.sh: a program the tests run that no listed package installs fails
# `make test` (python3, bc and xxd once came only from the developers' machines).

load helpers

# A copy of the checker, its table and the package list, with one test file of our own.
setup() {
  R="$BATS_TEST_TMPDIR/repo"
  mkdir -p "$R/scripts" "$R/tests/bats"
  cp "$SEGSTREAM_ROOT"/scripts/{check-programs.sh,programs.txt,install-deps.sh} "$R/scripts/"
  touch "$R/Makefile"
  cat >"$R/tests/bats/t.bats" <<'EOF'
dumps_bytes() {
  run bash -c 'head -c 4 /dev/zero | xxd -p'
  [ "$(printf 'x\n' | tr x y)" = y ]
}
EOF
}

@test "the repository's tests, scripts and benchmarks pass the check" {
  run "$SEGSTREAM_ROOT/scripts/check-programs.sh"
  assert_success
  assert_output --partial "every program the tests, scripts and benchmarks run is installed"
}

@test "a program that the table does not name fails, with the file and line that runs it" {
  run "$R/scripts/check-programs.sh"
  assert_success
  sed -i '/^xxd:/d' "$R/scripts/programs.txt"
  run "$R/scripts/check-programs.sh"
  assert_failure 1
  assert_output --partial "tests/bats/t.bats:2 runs xxd, which scripts/programs.txt does not name"
}

@test "a table entry whose package is not on install-deps' list fails" {
  sed -i '/^packages=(/,/^)/s/\(^\| \)xxd\( \|$\)/\1\2/' "$R/scripts/install-deps.sh"
  ! grep -qw xxd "$R/scripts/install-deps.sh"
  run "$R/scripts/check-programs.sh"
  assert_failure 1
  assert_output --partial "xxd's package xxd is not on scripts/install-deps.sh's list"
}

@test "words in SQL, heredocs, comments and function names are not taken for programs" {
  sed -i '/^xxd:/d; /^not-run:/d' "$R/scripts/programs.txt"
  cat >"$R/tests/bats/t.bats" <<'EOF'
# xxd is not run here
xxd() { :; }
function sql() {
  pg_psql src -c "CREATE TABLE t (id int); INSERT INTO t VALUES (1)"
  python3 - <<'PY'
xxd = 1
PY
}
EOF
  run "$R/scripts/check-programs.sh"
  assert_success
}

@test "--installed names a program of the table that is not on PATH" {
  echo "base: segstream-no-such-program" >>"$R/scripts/programs.txt"
  run "$R/scripts/check-programs.sh" --installed base
  assert_failure 1
  assert_output "check-programs: segstream-no-such-program (base) is not installed"
  run "$R/scripts/check-programs.sh" --bogus
  assert_failure 2
}
