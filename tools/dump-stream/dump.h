// dump-stream's entry point: one consistent snapshot of the selected tables, COPYed by
// `jobs` connections into one stream.
#pragma once

#include "lib/common/base/status.h"
#include "tools/dump-stream/dump_options.h"

namespace segstream::dump {

// Writes the stream and returns Ok, or the first failure; on failure the output has no
// stream trailer, so every reader sees it as truncated.
Status RunDump(const DumpOptions& options);

}  // namespace segstream::dump
