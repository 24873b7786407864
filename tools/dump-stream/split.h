// Splitting one large table into CTID block ranges that several jobs COPY at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace segstream::dump {

// Blocks [begin, end) of the main fork; end == kOpenEnd means "to the end of the relation",
// so rows in blocks added after the size was measured are never missed.
struct BlockRange {
  static constexpr uint64_t kOpenEnd = UINT64_MAX;
  uint64_t begin = 0;
  uint64_t end = kOpenEnd;
};

// Ranges covering a relation of `relation_bytes` in `block_size` blocks, each about
// `split_larger_than` bytes. One open range when the table is not larger than the limit
// (or the limit is 0). The first range starts at block 0 and the last is open.
std::vector<BlockRange> PlanSplit(uint64_t relation_bytes, uint64_t block_size,
                                  uint64_t split_larger_than);

// The WHERE condition for a range ("" for the single open range): TID range scans in
// PostgreSQL 14+ make it read only those blocks.
std::string CtidCondition(const BlockRange& range);

}  // namespace segstream::dump
