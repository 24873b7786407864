#!/usr/bin/env bash
# Writes compile_commands.json (for clangd, clang-tidy and editors) to stdout: one entry per
# source, with the flags the Makefile compiles it with. Usage: compdb.sh "CXX FLAGS" FILE...
set -euo pipefail
command=$1
shift
dir=$(pwd)
json_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\"/\\\"}"; }
printf '[\n'
sep=''
for file in "$@"; do
  printf '%s  {"directory": "%s", "file": "%s", "command": "%s -c %s"}' \
    "$sep" "$(json_escape "$dir")" "$(json_escape "$file")" "$(json_escape "$command")" \
    "$(json_escape "$file")"
  sep=$',\n'
done
printf '\n]\n'
