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
