// zpipe's entry point: opens input and output, recognises the input by its magic bytes and
// hands it to the frame-aware path (segstream_codec.h) or the byte path (plain_codec.h).
#pragma once

#include "lib/common/base/status.h"
#include "tools/zpipe/zpipe_options.h"

namespace segstream::zpipe {

inline constexpr const char* kToolName = "zpipe";

// Checks option combinations main.cc cannot (level range per codec); kUsage when wrong.
Status ValidateOptions(Options* options);

Status Run(const Options& options);

}  // namespace segstream::zpipe
