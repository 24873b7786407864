// load-stream --segment-input: a Greenplum or Cloudberry cluster loaded from the
// coordinator, segment stream i into segment i, with no row passing through the
// coordinator (see segment_agent.h for the segment side). Each table is one COPY ... FROM
// PROGRAM ... ON SEGMENT in its own transaction: Greenplum's check that every row belongs
// on the segment that receives it stays on, and the transaction commits only after every
// segment's agent verified that table's trailer.
#pragma once

#include "lib/common/base/status.h"
#include "tools/load-stream/load_options.h"

namespace segstream::load {

Status RunClusterLoad(const LoadOptions& options);

}  // namespace segstream::load
