#include "tools/dump-stream/split.h"

#include <algorithm>

namespace segstream::dump {

SplitRule AutoSplitRule(int server_version_num, bool mpp, int jobs, uint64_t total_bytes) {
  if (server_version_num < 140000 || mpp) return SplitRule{};
  jobs = std::max(1, jobs);
  return SplitRule{kAutoSplitLargerThan, kAutoSplitPartBytes, jobs,
                   total_bytes / static_cast<uint64_t>(jobs)};
}

std::vector<BlockRange> PlanSplit(uint64_t relation_bytes, uint64_t block_size,
                                  const SplitRule& rule) {
  if (rule.larger_than == 0 || relation_bytes <= rule.larger_than ||
      relation_bytes <= rule.fair_share || block_size == 0) {
    return {BlockRange{}};
  }
  const uint64_t part_bytes = rule.part_bytes ? rule.part_bytes : rule.larger_than;
  uint64_t blocks = (relation_bytes + block_size - 1) / block_size;
  uint64_t parts = (relation_bytes + part_bytes - 1) / part_bytes;
  parts = std::max<uint64_t>(parts, static_cast<uint64_t>(std::max(1, rule.min_parts)));
  if (parts > blocks) parts = blocks;
  if (parts <= 1) return {BlockRange{}};
  std::vector<BlockRange> ranges;
  ranges.reserve(parts);
  for (uint64_t i = 0; i < parts; ++i) {
    BlockRange r;
    r.begin = blocks * i / parts;
    r.end = i + 1 == parts ? BlockRange::kOpenEnd : blocks * (i + 1) / parts;
    ranges.push_back(r);
  }
  return ranges;
}

std::string CtidCondition(const BlockRange& range) {
  std::string cond;
  if (range.begin > 0) cond = "ctid >= '(" + std::to_string(range.begin) + ",0)'::tid";
  if (range.end != BlockRange::kOpenEnd) {
    if (!cond.empty()) cond += " AND ";
    cond += "ctid < '(" + std::to_string(range.end) + ",0)'::tid";
  }
  return cond;
}

}  // namespace segstream::dump
