#!/usr/bin/env bats
# The command-line conventions every binary shares (design.md): --help on stdout and exit 0,
# one --version line naming the tool and the suite, a parse error as one "TOOL: error:" line
# on stderr with exit status 2, and one wording for a bad --progress. One loop over all seven
# binaries, so a new binary or a drifting one fails here.
#
# gpbackup_segstream_plugin follows them too, but for one word of --version: gpbackup
# splits the plugin's --version on blanks, wants exactly three words and takes the third as
# the version, and plugin_test.sh greps " version ", so it prints "TOOL version VERSION"
# where the others print "TOOL (segstream) VERSION". Same name, same suite version.
load helpers

TOOLS=(dump-stream load-stream zpipe segsplit segmerge toc gpbackup_segstream_plugin)

# The suite's version, as lib/common/cli/version.h has it.
suite_version() { sed -n 's/.*kSegstreamVersion = "\(.*\)";.*/\1/p' "$BATS_TEST_DIRNAME/../../lib/common/cli/version.h"; }

# Options each tool's --help must list, beyond the shared ones.
own_options() {
  case $1 in
    dump-stream) echo --split-larger-than --exclude-table-file --jobs --schema ;;
    load-stream) echo --single-transaction --on-error-continue --jobs --resume ;;
    zpipe) echo --codec --level --ultra --threads --decompress --test --long --output --force --quiet ;;
    segsplit) echo --to-command --output ;;
    segmerge) echo --output ;;
    toc) echo --extract --verify --json --threads ;;
    # a plugin takes commands, not options: its help must list every one of the API
    gpbackup_segstream_plugin) echo plugin_api_version setup_plugin_for_backup \
      setup_plugin_for_restore cleanup_plugin_for_backup cleanup_plugin_for_restore backup_file \
      restore_file backup_data restore_data restore_data_subset delete_backup ;;
  esac
}

@test "every binary: --help lists its options on stdout and exits 0" {
  for tool in "${TOOLS[@]}"; do
    run --separate-stderr "$tool" --help
    assert_success
    [ -z "$stderr" ] || { echo "$tool --help wrote to stderr: $stderr"; false; }
    for option in --version $(own_options "$tool"); do
      assert_output --partial -- "$option"
    done
  done
}

@test "every binary: --version is one line, TOOL (segstream) VERSION" {
  local version
  version=$(suite_version)
  [ -n "$version" ]
  for tool in "${TOOLS[@]}"; do
    run --separate-stderr "$tool" --version
    assert_success
    if [ "$tool" = gpbackup_segstream_plugin ]; then
      assert_output "$tool version $version"  # gpbackup's plugin API format (above)
    else
      assert_output "$tool (segstream) $version"
    fi
  done
}

@test "every binary: an unknown option is exit 2, one TOOL: error: line, nothing on stdout" {
  for tool in "${TOOLS[@]}"; do
    run --separate-stderr "$tool" --no-such-flag
    assert_failure 2
    assert_output ""
    [ "${#stderr_lines[@]}" -ge 1 ]
    [[ "${stderr_lines[0]}" == "$tool: error: "* ]] || { echo "$tool said: $stderr"; false; }
  done
}

@test "every binary with --progress: a bad value is exit 2 with the same words" {
  local checked=0
  for tool in "${TOOLS[@]}"; do
    "$tool" --help | grep -q -- --progress || continue
    # What CLI11 requires is reported before any value is looked at: give it.
    local required=()
    [ "$tool" = segsplit ] && required=(--segments 2)
    [ "$tool" = segmerge ] && required=(/dev/null)
    run --separate-stderr "$tool" "${required[@]}" --progress=loud
    assert_failure 2
    [[ "$stderr" == "$tool: error: "*"--progress takes tty or json"* ]] || { echo "$tool said: $stderr"; false; }
    checked=$((checked + 1))
  done
  [ "$checked" -ge 4 ]
}

@test "every binary but the plugin: -v/--verbose is in --help" {
  for tool in "${TOOLS[@]}"; do
    [ "$tool" = gpbackup_segstream_plugin ] && continue  # gpbackup's commands, not options
    run --separate-stderr "$tool" --help
    assert_output --partial -- "-v,--verbose"
  done
}

@test "-h is pg_dump's host in dump-stream and load-stream, and no option elsewhere" {
  for tool in dump-stream load-stream; do
    run --separate-stderr "$tool" --help
    assert_output --partial -- "-h,--host"
  done
  for tool in zpipe segsplit segmerge toc; do
    run --separate-stderr "$tool" -h
    assert_failure 2
    assert_output ""
    [[ "${stderr_lines[0]}" == "$tool: error: -h is not an option here (--help prints the usage"* ]] ||
      { echo "$tool said: $stderr"; false; }
  done
  # The plugin's interface is gpbackup's commands; -h is named as no option all the same.
  run --separate-stderr gpbackup_segstream_plugin -h
  assert_failure 2
  [[ "${stderr_lines[0]}" == "gpbackup_segstream_plugin: error: "*"'-h'"* ]]
}

@test "an unknown option is named, not the argument after it, even before a missing required one" {
  run --separate-stderr zpipe --bogus some.file
  assert_failure 2
  [ "${stderr_lines[0]}" = "zpipe: error: unknown option '--bogus'" ]
  run --separate-stderr load-stream -Z some.file
  assert_failure 2
  [ "${stderr_lines[0]}" = "load-stream: error: unknown option '-Z'" ]
  # segsplit requires --segments; the typo is still what is reported.
  run --separate-stderr segsplit --segmnets 4 in.sgs
  assert_failure 2
  [ "${stderr_lines[0]}" = "segsplit: error: unknown option '--segmnets'" ]
  run --separate-stderr toc one.sgs two.sgs
  assert_failure 2
  [ "${stderr_lines[0]}" = "toc: error: unexpected argument 'two.sgs'" ]
}

@test "zpipe: zstd's -# levels and --fast=N, alongside -l" {
  seq 1 200000 >"$BATS_TEST_TMPDIR/in.txt"
  zpipe -1 <"$BATS_TEST_TMPDIR/in.txt" >"$BATS_TEST_TMPDIR/1.zst"
  zpipe -19 <"$BATS_TEST_TMPDIR/in.txt" >"$BATS_TEST_TMPDIR/19.zst"
  zpipe -l 19 <"$BATS_TEST_TMPDIR/in.txt" >"$BATS_TEST_TMPDIR/l19.zst"
  zpipe --fast=5 <"$BATS_TEST_TMPDIR/in.txt" >"$BATS_TEST_TMPDIR/fast.zst"
  # -19 is level 19 (not a file named -19): the same bytes as -l 19, smaller than -1.
  cmp "$BATS_TEST_TMPDIR/19.zst" "$BATS_TEST_TMPDIR/l19.zst"
  [ "$(stat -c %s "$BATS_TEST_TMPDIR/19.zst")" -lt "$(stat -c %s "$BATS_TEST_TMPDIR/1.zst")" ]
  [ "$(stat -c %s "$BATS_TEST_TMPDIR/fast.zst")" -gt "$(stat -c %s "$BATS_TEST_TMPDIR/1.zst")" ]
  for f in 1 19 fast; do
    zstd -dc "$BATS_TEST_TMPDIR/$f.zst" | cmp - "$BATS_TEST_TMPDIR/in.txt"
  done
  # The value of -l stays a value: a negative level.
  zpipe -l -5 <"$BATS_TEST_TMPDIR/in.txt" | zstd -dc | cmp - "$BATS_TEST_TMPDIR/in.txt"
  run --separate-stderr zpipe -22 </dev/null
  assert_failure 2
  [[ "$stderr" == *"zstd level 22 is out of range"* ]]
  run --separate-stderr zpipe -c lz4 --fast=2 </dev/null
  assert_failure 2
  [[ "$stderr" == *"--fast applies to zstd only"* ]]
}

@test "load-stream: -1 is --single-transaction, as pg_restore's, and FILE after it is the input" {
  run --separate-stderr load-stream --help
  assert_output --partial -- "-1,--single-transaction"
  # Parsing only: the file is opened (and missing) before any server is needed.
  run --separate-stderr load-stream -1 "$BATS_TEST_TMPDIR/missing.sgs"
  assert_failure 1
  [[ "$stderr" == *"cannot open $BATS_TEST_TMPDIR/missing.sgs"* ]]
  run --separate-stderr load-stream -1 -j 2 "$BATS_TEST_TMPDIR/missing.sgs"
  assert_failure 2
  [[ "$stderr" == *"single"* ]]
}
