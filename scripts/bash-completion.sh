#!/usr/bin/env bash
# bash-completion.sh BINARY: writes BINARY's bash completion to stdout, read from its own
# --help (make completions runs it at build time), so that the completion offers exactly
# the options the binary accepts and cannot drift from them.
#
# An option line of --help is CLI11's "  -x,--name TYPE  description": an upper-case TYPE
# means the option takes a value (TYPE:{a,b,c} lists the values it accepts); "--name{x}"
# is an optional =value, and "Needs:"/"Excludes:" are not types. A binary whose first
# argument is a command (gpbackup_segstream_plugin) lists them under a "Commands" heading,
# one "  word ..." line each; they complete as the first argument.
set -euo pipefail

binary=${1:?usage: bash-completion.sh BINARY}
name=$(basename "$binary")
help=$("$binary" --help) || {
  echo "bash-completion.sh: error: $binary --help failed" >&2
  exit 1
}

# One line per option: "NAMES|KIND|CHOICES", NAMES space-separated, KIND flag, number (an
# INT, UINT or FLOAT value) or value (any other).
table=$(awk '
  /^[ \t]+-/ {
    spec = $0
    sub(/^[ \t]+/, "", spec)
    sub(/  .*/, "", spec)               # the description starts after two spaces
    names = spec
    sub(/[ {].*/, "", names)            # -x,--name ends at a space or an optional {value}
    rest = substr(spec, length(names) + 1)
    sub(/^ /, "", rest)
    split(rest, words, " ")
    kind = "flag"
    choices = ""
    if (words[1] ~ /^[A-Z][A-Z_]*([=:].*)?$/ && words[1] != "REQUIRED") {
      kind = (words[1] ~ /^(U?INT|FLOAT)([=:].*)?$/) ? "number" : "value"
      if (match(words[1], /:\{[^}]*\}/)) {
        choices = substr(words[1], RSTART + 2, RLENGTH - 3)
        gsub(/,/, " ", choices)
      }
    }
    gsub(/,/, " ", names)
    print names "|" kind "|" choices
  }' <<<"$help")
commands=$(awk '
  /^[^ \t]/ { in_commands = ($0 ~ /^Commands/); next }
  in_commands && /^  [a-z][a-z0-9_-]*( |$)/ { print $1 }' <<<"$help" | tr '\n' ' ')
[ -n "$table" ] || {
  echo "bash-completion.sh: error: no options found in $binary --help" >&2
  exit 1
}

all_options=$(cut -d'|' -f1 <<<"$table" | tr ' ' '\n' | grep -E '^-' | sort -u | tr '\n' ' ')
# Choices complete as themselves; numbers as nothing; other values (files, patterns,
# conninfo strings) as files, the likeliest help.
value_cases=""
file_options=""
number_options=""
while IFS='|' read -r names kind choices; do
  if [ -n "$choices" ]; then
    value_cases+="    ${names// /|}) COMPREPLY=(\$(compgen -W '$choices' -- \"\$cur\")); return ;;"$'\n'
  elif [ "$kind" = number ]; then
    number_options+="${number_options:+|}${names// /|}"
  elif [ "$kind" = value ]; then
    file_options+="${file_options:+|}${names// /|}"
  fi
done <<<"$table"
[ -z "$number_options" ] || value_cases+="    $number_options) return ;;"$'\n'
[ -z "$file_options" ] || value_cases+="    $file_options) _filedir; return ;;"$'\n'

function=_segstream_${name//-/_}
cat <<EOF
# bash completion for $name, generated from '$name --help' by scripts/bash-completion.sh.
# shellcheck shell=bash
$function() {
  local cur prev words cword split
  _init_completion -s || return
  case \$prev in
${value_cases}  esac
  [ "\$split" = true ] && return
  if [[ \$cur == -* ]]; then
    COMPREPLY=(\$(compgen -W '${all_options% }' -- "\$cur"))
    return
  fi
EOF
if [ -n "$commands" ]; then
  cat <<EOF
  if [ "\$cword" -eq 1 ]; then
    COMPREPLY=(\$(compgen -W '${commands% }' -- "\$cur"))
    return
  fi
EOF
fi
cat <<EOF
  _filedir
}
complete -F $function $name
EOF
