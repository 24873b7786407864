#!/bin/bash
# A minimal gpbackup storage plugin that keeps everything in one local directory. It exists
# to prove segstream's plugin data path (dump-stream | zpipe | PLUGIN backup_data, and
# PLUGIN restore_data | zpipe -d | load-stream) with the same command interface gpbackup
# and gprestore use for any plugin (s3, ddboost, ...):
#
#   PLUGIN plugin_api_version                 prints the API version
#   PLUGIN setup_plugin_for_backup CONFIG DIR ROLE SEGID   (and _for_restore): prepare
#   PLUGIN cleanup_plugin_for_backup ...      (and _for_restore): tidy up
#   PLUGIN backup_file CONFIG FILE            store FILE (metadata files, by path)
#   PLUGIN restore_file CONFIG FILE           fetch FILE back to its path
#   PLUGIN backup_data CONFIG KEY             store stdin under KEY
#   PLUGIN restore_data CONFIG KEY            write KEY's data to stdout
#   PLUGIN delete_backup CONFIG TIMESTAMP     forget a backup
#
# CONFIG is gpbackup's YAML plugin config; this plugin reads "directory:" under "options:".
set -euo pipefail

die() { echo "example_plugin: $*" >&2; exit 1; }

# The value of options.directory from the YAML config (flat two-level YAML only).
plugin_dir() {
  local config=$1 dir
  [ -r "$config" ] || die "cannot read config $config"
  dir=$(awk '
    /^options:/ { in_opts = 1; next }
    /^[^ \t]/ { in_opts = 0 }
    in_opts && $1 == "directory:" { sub(/^[ \t]*directory:[ \t]*/, ""); gsub(/^["'\'']|["'\'']$/, ""); print; exit }
  ' "$config")
  [ -n "$dir" ] || die "no options: directory: in $config"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# A key is a file name in the directory; paths are flattened so no key escapes it.
key_path() { printf '%s/%s\n' "$1" "$(printf '%s' "$2" | tr '/' '_')"; }

cmd=${1:-}
case "$cmd" in
  plugin_api_version)
    echo "0.5.0"
    ;;
  setup_plugin_for_backup | setup_plugin_for_restore | cleanup_plugin_for_backup | cleanup_plugin_for_restore)
    plugin_dir "$2" >/dev/null
    ;;
  backup_file)
    dir=$(plugin_dir "$2")
    cp -- "$3" "$(key_path "$dir" "$3")"
    ;;
  restore_file)
    dir=$(plugin_dir "$2")
    cp -- "$(key_path "$dir" "$3")" "$3"
    ;;
  backup_data)
    dir=$(plugin_dir "$2")
    [ -n "${3:-}" ] || die "backup_data needs a key"
    # Written aside and renamed, so a failed upload never looks like a complete one.
    cat >"$(key_path "$dir" "$3").partial"
    mv -- "$(key_path "$dir" "$3").partial" "$(key_path "$dir" "$3")"
    ;;
  restore_data)
    dir=$(plugin_dir "$2")
    [ -n "${3:-}" ] || die "restore_data needs a key"
    [ -f "$(key_path "$dir" "$3")" ] || die "no data under key $3"
    cat -- "$(key_path "$dir" "$3")"
    ;;
  delete_backup)
    dir=$(plugin_dir "$2")
    rm -f -- "$dir"/*"$3"* 
    ;;
  --version)
    echo "example_plugin 0.5.0"
    ;;
  *)
    die "unknown command '${cmd}'"
    ;;
esac
