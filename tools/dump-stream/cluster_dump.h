// dump-stream --segment-output: one consistent dump of a whole Greenplum or Cloudberry
// cluster, driven from the coordinator, with one stream per primary segment written on
// that segment's host (see segment_agent.h for the segment side). Every table moves with
// COPY ... TO PROGRAM ... ON SEGMENT inside the coordinator's one REPEATABLE READ
// transaction, so all segments' rows come from one distributed snapshot, as gpbackup's do.
//
// The coordinator's own stream (stdout or -o) carries what belongs to the whole cluster:
// the schema, globals and sequence values asked for, and the list of segment outputs.
#pragma once

#include "lib/common/base/status.h"
#include "tools/dump-stream/dump_options.h"

namespace segstream::dump {

Status RunClusterDump(const DumpOptions& options);

}  // namespace segstream::dump
