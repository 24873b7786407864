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

// When a table is split and into how many parts.
struct SplitRule {
  uint64_t larger_than = 0;  // split tables larger than this; 0 never splits
  uint64_t part_bytes = 0;   // about this many bytes per part (0: larger_than)
  int min_parts = 1;         // at least this many parts once split (the jobs to keep busy)
  // Only a table larger than this (its fair share of the jobs' work, total / jobs) is split:
  // smaller ones leave no job idle at the end, and split parts lose COPY FREEZE.
  uint64_t fair_share = 0;
};

// The rule dump-stream uses without --split-larger-than: on PostgreSQL 14+ (TID range scans
// read only a part's blocks; before them every part would scan the whole table) a table over
// kAutoSplitLargerThan that holds more than its share of all `total_bytes` (more than half
// with 2 jobs) is split over all `jobs`, in parts of at most kAutoSplitPartBytes. Measured
// (docs/benchmarks-schema.md): splitting every table over 256 MiB made a 2 GB migration with
// 2 jobs 4 to 9% slower, the jobs being busy anyway and split parts losing COPY FREEZE.
// Greenplum and Cloudberry are left alone: their ctids are per segment.
inline constexpr uint64_t kAutoSplitLargerThan = uint64_t{256} << 20;
inline constexpr uint64_t kAutoSplitPartBytes = uint64_t{1} << 30;
SplitRule AutoSplitRule(int server_version_num, bool mpp, int jobs, uint64_t total_bytes);

// Ranges covering a relation of `relation_bytes` in `block_size` blocks, each about
// rule.part_bytes bytes and at least rule.min_parts of them. One open range when the table
// is not larger than rule.larger_than (or that is 0). The first range starts at block 0 and
// the last is open.
std::vector<BlockRange> PlanSplit(uint64_t relation_bytes, uint64_t block_size,
                                  const SplitRule& rule);
// The --split-larger-than SIZE rule: parts of about SIZE bytes.
inline std::vector<BlockRange> PlanSplit(uint64_t relation_bytes, uint64_t block_size,
                                         uint64_t split_larger_than) {
  return PlanSplit(relation_bytes, block_size, SplitRule{split_larger_than, split_larger_than, 1});
}

// The WHERE condition for a range ("" for the single open range): TID range scans in
// PostgreSQL 14+ make it read only those blocks.
std::string CtidCondition(const BlockRange& range);

}  // namespace segstream::dump
