// What toc lists: one StreamSummary per stream of the input. A seekable file whose every
// stream carries an index is listed from the indexes alone (a few preads from the end,
// whatever the file size); anything else is scanned frame by frame without decoding rows
// (frame checksums, table structure and frame counts are still checked).
#pragma once

#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/format/stream_summary.h"

namespace segstream::toc {

struct Listing {
  std::string input;  // display name
  std::vector<StreamSummary> streams;
  bool from_index = false;
};

// Reads the listing of `fd`. `use_index` false forces a scan.
Result<Listing> ReadListing(int fd, const std::string& name, bool use_index);

}  // namespace segstream::toc
