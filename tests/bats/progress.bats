#!/usr/bin/env bats
# Progress and -v as people and scripts see them: the live line in a pseudo-terminal
# (script(1)), one line per terminal when tools share it, --progress=json as pure NDJSON,
# and -v's line per table.
load helpers

setup_file() {
  pg_start src
  pg_start dst
  pg_psql src -c "CREATE DATABASE app"
  pg_psql src app -c "
    CREATE TABLE big (id bigint PRIMARY KEY, pad text);
    INSERT INTO big SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 200000) i;
    CREATE TABLE small (id integer, name text);
    INSERT INTO small SELECT i, 'n' || i FROM generate_series(1, 500) i;"
}

teardown_file() { pg_stop_all; }

setup() {
  W="$BATS_TEST_TMPDIR"
  fresh_database dst t
  SRC=$(pg_conn src app)
}

# in_pty CMD: runs CMD (a shell line) with stdin, stdout and stderr on a pseudo-terminal
# 160 columns wide; prints what the terminal received, carriage returns and escapes kept.
in_pty() { script -qefc "stty cols 160; $1" /dev/null </dev/null; }

# The live lines drawn: each \r-separated redraw, without the erase-line escape.
redraws() { tr '\r' '\n' | sed 's/\x1b\[K//g' | grep -a "^$1: " || true; }

@test "--progress in a terminal: phase, table, bytes, percentage, rows, rate and ETA" {
  dump-stream -d "$SRC" --schema >"$W/app.sgs"
  # A pause inside the big table's rows: a redraw (every 250 ms) then falls mid-table
  # however fast the machine loads.
  in_pty "{ head -c 12000000; sleep 1; cat; } <'$W/app.sgs' | load-stream -d '$T' --schema --progress" >"$W/tty.out"
  redraws load-stream <"$W/tty.out" >"$W/lines"
  cat "$W/lines"
  # The total comes from the stream header (dump-stream's expected_bytes).
  grep -aE '^load-stream: data public\.(big|small)( \+1)? \| [0-9.]+ [KMG]?i?B of ~[0-9.]+ [KMG]i?B [0-9]+% \| [0-9]+ rows \| [0-9.]+ [KMG]?i?B/s \| ETA [0-9]+:[0-9]{2}' "$W/lines"
  grep -aq '^load-stream: schema' "$W/lines"
  # The summary line stays; the live line was erased before it.
  grep -aq 'load-stream: loaded 2 tables, 200500 rows' "$W/tty.out"
  [ "$(pg_psql dst t -c 'SELECT count(*) FROM big')" = 200000 ]
}

@test "--progress at most four redraws a second, not one per row" {
  dump-stream -d "$SRC" -t big >"$W/big.sgs"
  start=$(date +%s.%N)
  in_pty "load-stream -d '$T' --create-tables --progress '$W/big.sgs'" >"$W/tty.out"
  end=$(date +%s.%N)
  n=$(redraws load-stream <"$W/tty.out" | wc -l)
  # phase and table changes draw at once, the rest at most every 250 ms
  [ "$n" -le "$(echo "($end - $start) * 4 + 6" | bc | cut -d. -f1)" ]
}

@test "dump-stream --progress | load-stream --progress: only the last tool of the pipeline draws" {
  in_pty "dump-stream -d '$SRC' --progress | load-stream -d '$T' --create-tables --progress" >"$W/tty.out"
  grep -aq '^load-stream: data' <(redraws load-stream <"$W/tty.out")
  # dump-stream's stdout is a pipe: it leaves the terminal to load-stream.
  [ -z "$(redraws dump-stream <"$W/tty.out")" ]
  # Writing to a file, dump-stream draws its own line (and knows its total).
  in_pty "dump-stream -d '$SRC' --progress -o '$W/f.sgs'" >"$W/tty2.out"
  redraws dump-stream <"$W/tty2.out" | grep -aE '^dump-stream: data .*[0-9]+% '
}

@test "--progress=json: every stderr line is JSON, the summary is the last event" {
  dump-stream -d "$SRC" --schema >"$W/app.sgs"
  run --separate-stderr load-stream -d "$T" --schema -v --progress=json "$W/app.sgs"
  assert_success
  [ -n "$stderr" ]
  # jq -e fails on a line that is not JSON (the plain summary line used to be mixed in).
  while IFS= read -r line; do
    echo "$line" | jq -e . >/dev/null || { echo "not JSON: $line"; false; }
  done <<<"$stderr"
  last=${stderr_lines[${#stderr_lines[@]}-1]}
  [ "$(echo "$last" | jq -r .event)" = done ]
  [ "$(echo "$last" | jq -r .tables)" = 2 ]
  [ "$(echo "$last" | jq -r .rows)" = 200500 ]
  echo "$stderr" | jq -se 'map(select(.event == "phase") | .phase) | index("data") != null and index("analyze") != null'
  echo "$stderr" | jq -se 'map(select(.event == "table_end" and .table == "public.big"))[0].rows == 200000'
  # -v's lines travel as events too.
  echo "$stderr" | jq -se 'map(select(.event == "log") | .message) | any(startswith("load-stream: committed public.big: 200000 rows"))'
}

@test "dump-stream --progress=json: pure NDJSON ending in done, with expected bytes and percent" {
  run --separate-stderr bash -c "dump-stream -d '$SRC' --progress=json >'$W/j.sgs'"
  assert_success
  echo "$stderr" | jq -se 'all(type == "object") and (last.event == "done") and (last.tables == 2)'
  echo "$stderr" | jq -se 'map(select(.event == "progress"))[0] | has("expected_bytes") and has("percent")'
  # The estimate travels in the header, for the loader's ETA.
  [ "$(toc --json "$W/j.sgs" | jq '.streams[0].header.expected_bytes > 0')" = true ]
}

@test "-v: one line per table with rows and time, like pg_restore -v" {
  run --separate-stderr bash -c "dump-stream -d '$SRC' -v >'$W/v.sgs'"
  assert_success
  [[ "$stderr" =~ dump-stream:\ dumped\ public\.big:\ 200000\ rows,\ [0-9]+\ bytes\ in\ [0-9.]+\ s ]]
  [[ "$stderr" =~ dump-stream:\ dumped\ public\.small:\ 500\ rows ]]
  run --separate-stderr load-stream -d "$T" --create-tables -v "$W/v.sgs"
  assert_success
  [[ "$stderr" =~ load-stream:\ committed\ public\.big:\ 200000\ rows,\ [0-9]+\ bytes\ in\ [0-9.]+\ s ]]
  run --separate-stderr bash -c "zpipe -v <'$W/v.sgs' >'$W/v.zst'"
  assert_success
  [[ "$stderr" =~ ^zpipe:\ stdin:\ [0-9]+\ bytes\ read,\ [0-9]+\ bytes\ written\ \([0-9.]+%\)\ in\ [0-9.]+\ s$ ]]
  run --separate-stderr toc --verify -v "$W/v.zst"
  assert_success
  [[ "$stderr" == *"toc: verified public.big: 200000 rows"* ]]
  [[ "$stderr" == *"toc: verified public.small: 500 rows"* ]]
  run --separate-stderr bash -c "segsplit -n 2 --round-robin -v -o '$W/s%d.sgs' '$W/v.sgs'"
  assert_success
  [[ "$stderr" == *"segsplit: split public.big: 200000 rows"* ]]
  run --separate-stderr bash -c "segmerge -v '$W/s0.sgs' '$W/s1.sgs' >'$W/m.sgs'"
  assert_success
  [[ "$stderr" =~ segmerge:\ merged\ .*/s0\.sgs:\ 2\ tables,\ [0-9]+\ rows\ in ]]
}
