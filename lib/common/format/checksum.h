// The two hashes of the format: a checksum per frame, and the order-independent table
// digest (the wrapping sum of every row's XXH3-64), which any split, merge or reordering
// of a table's rows keeps.
#pragma once

#include <cstdint>
#include <span>

#define XXH_INLINE_ALL  // rows are short; inlining XXH3 keeps per-row hashing free
#include <xxhash.h>

#include "lib/common/hash/bulk_hash.h"

namespace segstream {

inline uint64_t RowHash(std::span<const uint8_t> row) {
  return XXH3_64bits(row.data(), row.size());
}

// XXH3-64 of the payload, seeded with the XXH3-64 of the 16 checked header bytes, so one
// value covers both.
inline uint64_t FrameChecksum(const uint8_t* header16, std::span<const uint8_t> payload) {
  const uint64_t seed = XXH3_64bits(header16, 16);
  // Past a few KiB the vector unit wins over the call; short payloads stay inline.
  if (payload.size() >= 4096) return BulkHash64(payload.data(), payload.size(), seed);
  return XXH3_64bits_withSeed(payload.data(), payload.size(), seed);
}

// FrameChecksum of the payload `head` then `tail`, without joining them.
inline uint64_t FrameChecksumParts(const uint8_t* header16, std::span<const uint8_t> head,
                                   std::span<const uint8_t> tail) {
  XXH3_state_t state{};  // zeroed: GCC cannot see that reset initializes it
  XXH3_64bits_reset_withSeed(&state, XXH3_64bits(header16, 16));
  XXH3_64bits_update(&state, head.data(), head.size());
  XXH3_64bits_update(&state, tail.data(), tail.size());
  return XXH3_64bits_digest(&state);
}

// Rows, bytes and digest of a set of rows; sums of these are the same sums in any order.
struct TableTotals {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t digest = 0;

  void AddRow(std::span<const uint8_t> row) {
    rows += 1;
    bytes += row.size();
    digest += RowHash(row);
  }
  void Add(const TableTotals& other) {
    rows += other.rows;
    bytes += other.bytes;
    digest += other.digest;
  }
  bool operator==(const TableTotals&) const = default;
};

}  // namespace segstream
