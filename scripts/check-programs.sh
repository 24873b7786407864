#!/usr/bin/env bash
# Every program the build, tests, demo and benchmarks run must come from a package that
# scripts/install-deps.sh installs, or from what a minimal Debian 12 root already has:
# tests once called python3, bc and xxd that only the developers' machines happened to
# have. scripts/programs.txt says which package gives each program.
#
#   check-programs.sh              the static check (make test runs it, in seconds): each
#                                  program the shell code of tests/, scripts/, bench/ and the
#                                  Makefile's recipes starts, if this machine has it, is named
#                                  in programs.txt, under a package that is on the list
#   check-programs.sh --installed [base]
#                                  programs.txt against a machine: every program it names
#                                  (only base's with "base") is on PATH. .ci/run runs this in
#                                  its fresh Debian root, which makes the table itself proven.
#
# The static check reads shell, it does not run it: a program started only through a
# variable ("$cmd") or built at run time escapes it; the fresh-root run of .ci/run does not.
# Exit status: 0 all found; 1 a program is missing or not in the table; 2 bad usage.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
table=scripts/programs.txt

# "package: prog prog ..." lines, comments and blank lines skipped: prints "prog package".
table_entries() {
  sed -e 's/#.*//' "$table" | awk -F: 'NF >= 2 { n = split($2, p, " "); for (i = 1; i <= n; i++) print p[i], $1 }'
}

if [ "${1:-}" = --installed ]; then
  want=${2:-}
  missing=0
  while read -r prog pkg; do
    [ "$pkg" != not-run ] && [ "$pkg" != optional ] || continue
    [ -z "$want" ] || [ "$pkg" = "$want" ] || continue
    command -v "$prog" >/dev/null || { echo "check-programs: $prog ($pkg) is not installed" >&2; missing=1; }
  done < <(table_entries)
  exit $missing
elif [ $# -gt 0 ]; then
  echo "usage: check-programs.sh [--installed [base]]" >&2
  exit 2
fi

# The packages scripts/install-deps.sh installs: the words of its packages=( ... ) array.
listed=" base not-run optional npm $(sed -n '/^packages=(/,/^)/p' scripts/install-deps.sh | sed -e 's/#.*//' -e 's/packages=(//' -e 's/)//' | tr '\n' ' ') "
status=0
declare -A known=()
while read -r prog pkg; do
  case "$listed" in
    *" $pkg "*) known[$prog]=$pkg ;;
    *) echo "check-programs: $table: $prog's package $pkg is not on scripts/install-deps.sh's list" >&2; status=1 ;;
  esac
done < <(table_entries)

# The words the shell would run as commands: first words of pipelines, lists, subshells
# and substitutions, and after prefixes (run, timeout 5, env A=b, as_postgres ...); heredoc
# bodies (SQL, Python) and comments skipped. Quotes are looked through, so a command in a
# string ("sh -c 'xxd ...'", a benchmark's "pg_dump ... | psql ...") is found too.
commands_of() {
  awk '
    function candidate(w) { print FILENAME ":" FNR ": " w }
    FNR == 1 { term = "" }
    term != "" { t = $0; sub(/^[ \t]+/, "", t); sub(/[ \t]+$/, "", t); if (t == term) term = ""; next }
    FILENAME ~ /Makefile$/ && !/^\t/ { next }
    /^@test / { next }
    {
      line = $0
      if (match(line, /<<-?[ \t]*[\047"]?[A-Za-z_]+/) && substr(line, RSTART, 3) != "<<<") {
        term = substr(line, RSTART, RLENGTH); sub(/^<<-?[ \t]*[\047"]?/, "", term)
      }
      gsub(/(^|[ \t])#.*/, "", line)
      # A function definition names no program, even one that exists (parallel ships "sql").
      sub(/^[ \t]*(function[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*\(\)/, " ", line)
      gsub(/\$\(\([^)]*\)\)/, " ", line)       # arithmetic
      gsub(/\$\{[^}]*\}/, "$v", line)          # ${parameter}
      if (FILENAME ~ /Makefile$/) {                # @cmd, $(VAR), $(dir ...), $$(dir ...)
        sub(/^\t[@-]+/, "\t", line)
        gsub(/\$\$?\((dir|notdir|basename|patsubst|subst|filter|filter-out|wildcard|foreach|call|eval|shell|sort|abspath) /, "$v ", line)
        gsub(/\$\([A-Za-z_@<^]+\)/, "$v", line)
        gsub(/\$\$/, "$", line)
      }
      gsub(/[\047"]/, " ", line)
      gsub(/[)}]/, " ) ", line)
      gsub(/&&|\|\||[|&;({`]|\$\(/, " ; ", line)
      n = split(line, w, /[ \t]+/)
      start = 1
      for (i = 1; i <= n; i++) {
        x = w[i]
        if (x == "") continue
        if (x == ";") { start = 1; continue }
        if (x == ")") { start = 0; continue }
        if (!start) continue
        if (x ~ /^[A-Za-z_][A-Za-z0-9_]*\+?=/ || x ~ /^[0-9]*[<>]/ || x ~ /^-/ || x ~ /^[0-9.]+[smh]?$/) continue
        if (x ~ /^(if|then|do|else|elif|while|until|time|exec|command|builtin|nohup|nice|env|run|xargs|timeout|taskset|as_postgres|wait_for|eval|setsid|sh|bash|!)$/) {
          # sh and bash only lead to a command through -c, whose string the quotes opened.
          continue
        }
        candidate(x); start = 0
      }
    }' "$@"
}

own=" $(for m in tools/*/main.cc tools/*/*_main.cc tests/tools/*/main.cc; do
  case $m in */main.cc) basename "$(dirname "$m")" ;; *) basename "$m" _main.cc ;; esac
done | tr '\n' ' ') "
shell_words=" $(compgen -b | tr '\n' ' ') $(compgen -k | tr '\n' ' ') "
sys_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Not this script: its awk program is not shell.
files=(tests/bats/*.bats tests/bats/*.bash tests/mpp/*.bats bench/*.sh Makefile
  $(ls scripts/*.sh | grep -v check-programs))
while read -r where word; do
  if [[ $word =~ ^/(usr/)?s?bin/[A-Za-z0-9][A-Za-z0-9_.+-]*$ ]]; then
    word=${word##*/}  # /usr/bin/time: the program, not the shell keyword
  else
    [[ $word =~ ^[A-Za-z0-9][A-Za-z0-9_.+-]*$ ]] || continue
    case "$shell_words$own" in *" $word "*) continue ;; esac
  fi
  [ -z "${known[$word]:-}" ] || continue
  # Only what this machine can run: a word that names no program here is a function, a
  # SQL keyword or a mistake the tests themselves will report.
  PATH=$sys_path type -P "$word" >/dev/null || continue
  echo "check-programs: ${where%:} runs $word, which $table does not name (add it under the package that installs it)" >&2
  status=1
done < <(commands_of "${files[@]}" | awk '!seen[$2]++')
[ $status -ne 0 ] || echo "check-programs: every program the tests, scripts and benchmarks run is installed by scripts/install-deps.sh"
exit $status
