#!/usr/bin/env bats
# The man pages: every page in man/ (a new one included) reads cleanly under mandoc's lint,
# every page carries the same .TH date and the suite's version, and every binary the
# Makefile builds has its page.
load helpers

setup() {
  command -v mandoc >/dev/null || skip "mandoc is not installed (make deps installs it)"
  cd "$SEGSTREAM_ROOT"
  PAGES=(man/*.[1-9])
}

@test "every man page: mandoc -Tlint finds no warning or error" {
  run --separate-stderr mandoc -Tlint -Wwarning "${PAGES[@]}"
  [ -z "$output$stderr" ] || { echo "$output$stderr"; false; }
}

# Lines over 80 bytes are the one style message left: the sources keep long sentences on
# one line, and mandoc fills them anyway.
@test "every man page: no mandoc style message but long source lines" {
  run --separate-stderr mandoc -Tlint -Wstyle "${PAGES[@]}"
  local others
  others=$(printf '%s\n' "$output" "$stderr" | grep -v 'input text line longer than 80 bytes' |
    grep -v '^$' || true)
  [ -z "$others" ] || { echo "$others"; false; }
}

@test "every man page: one .TH date (YYYY-MM-DD) and the suite's version" {
  local version
  version=$(sed -n 's/.*kSegstreamVersion = "\(.*\)";.*/\1/p' lib/common/cli/version.h)
  [ -n "$version" ]
  # .TH TITLE SECTION "DATE" "SOURCE" "MANUAL": the date and source of each page.
  run bash -c 'for page; do
      sed -n "s/^\.TH [^ ]* [^ ]* \"\([^\"]*\)\" \"\([^\"]*\)\".*/\1 \2/p" "$page"
    done | sort | uniq -c' _ "${PAGES[@]}"
  assert_success
  [ "${#lines[@]}" -eq 1 ] || { echo "pages disagree on date or version:"; echo "$output"; false; }
  [[ ${lines[0]} =~ ^\ *${#PAGES[@]}\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ segstream\ ${version//./\\.}$ ]] ||
    { echo "want ${#PAGES[@]} pages dated YYYY-MM-DD of 'segstream $version', got: ${lines[0]}"; false; }
}

@test "every binary the Makefile builds has a page in man/" {
  run make --no-print-directory -s print-bins
  assert_success
  [ -n "$output" ]
  for binary in $output; do
    [ -f "man/$binary.1" ] || { echo "no man/$binary.1 for $binary"; false; }
  done
}
