#!/usr/bin/env bash
# Cluster dump and resize on live Greenplum clusters, against what a user would otherwise
# do, alternating in one run (best of RUNS):
#   dump:   dump-stream --segment-output (each segment writes its own file)
#           vs the same rows copied out through the coordinator (COPY ... TO STDOUT)
#           vs per-segment utility-mode dumps run side by side (dump-stream --segment i)
#   resize: segsplit N -> M of the segment streams + load-stream --segment-input
#           vs loading the coordinator's COPY output through the new coordinator
# Needs SEGSTREAM_GP_COORDINATOR (N segments) and SEGSTREAM_GP_COORDINATOR_2 (M segments).
# Usage: bench/cluster.sh [BIN_DIR] [MILLION_ROWS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BIN=${1:-$BENCH_ROOT/build/bin}
MROWS=${2:-3}
RUNS=${RUNS:-3}
A=${SEGSTREAM_GP_COORDINATOR:?set SEGSTREAM_GP_COORDINATOR}
B=${SEGSTREAM_GP_COORDINATOR_2:?set SEGSTREAM_GP_COORDINATOR_2}
W=${BENCH_WORK:-/tmp/segstream-bench-cluster}
rm -rf "$W"; mkdir -p "$W"; chmod 1777 "$W"
q() { psql -X -q -v ON_ERROR_STOP=1 "$1" -Atc "$2"; }

DDL="DROP TABLE IF EXISTS bench_cluster; CREATE TABLE bench_cluster (id int8, n numeric, t text, d timestamptz) DISTRIBUTED BY (id)"
q "$A" "$DDL"
q "$A" "INSERT INTO bench_cluster SELECT g, g / 7.0, md5(g::text) || repeat('x', 40), timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, ${MROWS}000000) g"
q "$B" "$DDL"
bytes=$(q "$A" "SELECT pg_total_relation_size('bench_cluster')")
n=$(q "$A" "SELECT count(*) FROM gp_segment_configuration WHERE role = 'p' AND content >= 0")
m=$(q "$B" "SELECT count(*) FROM gp_segment_configuration WHERE role = 'p' AND content >= 0")
setting=gp_session_role
segs=$(q "$A" "SELECT content || ' ' || hostname || ' ' || port FROM gp_segment_configuration WHERE role = 'p' AND content >= 0")

cluster_dump="rm -f $W/seg*.sgs; $BIN/dump-stream -q -d '$A' -t public.bench_cluster --no-sequences --segment-output '$W/seg%d.sgs' -o $W/c.sgs"
coordinator_copy="psql -X -q '$A' -c 'COPY bench_cluster TO STDOUT' > $W/coord.txt"
utility=""
while read -r content host port; do
  utility+="PGOPTIONS='-c $setting=utility' $BIN/dump-stream -q -d '$A host=$host port=$port' -t public.bench_cluster --no-sequences --segment $content --segments $n -o $W/u$content.sgs & "
done <<<"$segs"
utility+="wait"
resize="rm -f $W/new*.sgs; cat $W/seg*.sgs | $BIN/segsplit --segments $m -o '$W/new%d.sgs' && chmod a+r $W/new*.sgs && psql -X -q '$B' -c 'TRUNCATE bench_cluster' && $BIN/load-stream -q -d '$B' --segment-input '$W/new%d.sgs'"
through="psql -X -q '$B' -c 'TRUNCATE bench_cluster' && psql -X -q '$B' -c 'COPY bench_cluster FROM STDIN' < $W/coord.txt"

best() { local v=""; for x in "$@"; do if [ -z "$v" ] || [ "$(echo "$x < $v" | bc -l)" = 1 ]; then v=$x; fi; done; echo "$v"; }
declare -a t1 t2 t3 t4 t5
for r in $(seq "$RUNS"); do
  t1+=("$(best_of 1 "$cluster_dump")")
  t2+=("$(best_of 1 "$coordinator_copy")")
  t3+=("$(best_of 1 "$utility")")
  t4+=("$(best_of 1 "$resize")")
  t5+=("$(best_of 1 "$through")")
  echo "round $r: segment-output ${t1[-1]} s, coordinator COPY ${t2[-1]} s, utility dumps ${t3[-1]} s, resize ${t4[-1]} s, load through coordinator ${t5[-1]} s" >&2
done
# the resized cluster holds the same rows
[ "$(q "$B" "SELECT count(*), sum(hashtext(t))::text FROM bench_cluster")" = "$(q "$A" "SELECT count(*), sum(hashtext(t))::text FROM bench_cluster")" ]
b1=$(best "${t1[@]}"); b2=$(best "${t2[@]}"); b3=$(best "${t3[@]}"); b4=$(best "${t4[@]}"); b5=$(best "${t5[@]}")
cat <<OUT
table: ${MROWS}M rows, $((bytes / 1048576)) MiB on $n segments; resize to $m; best of $RUNS, alternating
| what | seconds | ratio |
|---|---|---|
| dump-stream --segment-output | $b1 | 1.000 |
| COPY TO STDOUT through the coordinator | $b2 | $(ratio "$b2" "$b1") |
| per-segment utility-mode dump-stream, side by side | $b3 | $(ratio "$b3" "$b1") |
| resize: segsplit + load-stream --segment-input | $b4 | 1.000 |
| COPY FROM STDIN through the new coordinator | $b5 | $(ratio "$b5" "$b4") |
OUT
q "$A" "DROP TABLE bench_cluster"; q "$B" "DROP TABLE bench_cluster"
rm -rf "$W"
