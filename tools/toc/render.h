// Renders a Listing for people (aligned text) or scripts (one JSON document). Both show
// the same facts; the layout is specified in man/toc.1.
#pragma once

#include <string>

#include "lib/common/format/stream_meta.h"
#include "tools/toc/listing.h"

namespace segstream::toc {

struct RenderOptions {
  bool human = false;  // sizes as 1.5 MiB instead of exact byte counts
};

std::string RenderText(const Listing& listing, const RenderOptions& options);
Json RenderJson(const Listing& listing);

// "1.5 MiB", "512 B": powers of 1024, one decimal.
std::string HumanSize(uint64_t bytes);

}  // namespace segstream::toc
