#include "tools/dump-stream/split.h"

namespace segstream::dump {

std::vector<BlockRange> PlanSplit(uint64_t relation_bytes, uint64_t block_size,
                                  uint64_t split_larger_than) {
  if (split_larger_than == 0 || relation_bytes <= split_larger_than || block_size == 0) {
    return {BlockRange{}};
  }
  uint64_t blocks = (relation_bytes + block_size - 1) / block_size;
  uint64_t parts = (relation_bytes + split_larger_than - 1) / split_larger_than;
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
