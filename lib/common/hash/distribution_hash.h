// Where a row belongs on the target: which Greenplum/Cloudberry segment, or which PostgreSQL
// hash partition, given its parsed distribution key (datum.h).
//
// Three placements, following shared/reference/distribution-hash.md:
//   greenplum         Greenplum 6/7 and Cloudberry with the default (modern) hash opclasses:
//                     each key column hashed by its type's 32-bit hash function (pg_hash.h),
//                     combined by rotate-left-1 and xor, reduced by jump consistent hash over
//                     the table's numsegments.
//   greenplum-legacy  Greenplum 4/5, and 6/7/Cloudberry tables using the cdbhash_*_ops legacy
//                     opclasses: one FNV-1 stream over each column's byte image, reduced by a
//                     bit mask (power-of-two segment counts) or modulo.
//   pg-partition      PostgreSQL 11+ PARTITION BY HASH: seeded 64-bit hashes combined with
//                     hash_combine64, NULLs skipped, remainder modulo the modulus.
//
// Hashing and placement are pure, thread-safe and allocation-free: placing a row by an int8
// key costs some tens of nanoseconds, most of it in the jump hash. A value's `type` selects
// its hash function, so keys from KeyParser are ready to use; an empty key hashes like an
// all-NULL one.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/hash/datum.h"

namespace segstream {

enum class DistributionMethod : uint8_t { kGreenplum, kGreenplumLegacy, kPgPartition };

// "greenplum", "greenplum-legacy" or "pg-partition"; anything else is a kUsage error.
Result<DistributionMethod> DistributionMethodFromName(std::string_view name);
std::string_view DistributionMethodName(DistributionMethod method);

// ---- reductions ----------------------------------------------------------------------------

// Lamping & Veach's jump consistent hash, as Greenplum computes it (IEEE double arithmetic):
// a bucket in [0, num_buckets). Requires num_buckets >= 1.
int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets);

// Greenplum's legacy reduction: hash & (n - 1) when n is a power of two, else hash % n.
// Requires num_segments >= 1.
int32_t CdbHashLegacyReduce(uint32_t hash, int32_t num_segments);

// ---- per-column hashes (the value must not be NULL) -----------------------------------------

// The type's default hash opclass function: proc 1 (32-bit, what Greenplum uses) and proc 2
// (seeded 64-bit, what PostgreSQL partitioning uses with kHashPartitionSeed).
uint32_t DatumHash32(const Datum& value);
uint64_t DatumHashExtended(const Datum& value, uint64_t seed);

// FNV-1 offset basis that starts every legacy row hash.
inline constexpr uint32_t kCdbHashLegacyInit = 0x811C9DC5u;

// Continues a legacy FNV-1 hash `state` over the column's legacy byte image (NULL included:
// it feeds the bytes of 0xF0F0F0F1). Images are those of Greenplum 6/7's cdblegacyhash_*
// functions; they equal Greenplum 5's except for oid values >= 2^31, which Greenplum 5
// zero-extends and 6/7 sign-extend (this follows 6/7). numeric +-Infinity (Cloudberry only)
// feeds no bytes, like zero, since only NaN is special-cased there.
uint32_t CdbHashLegacyAdd(uint32_t state, const Datum& value);

// ---- row hashes and placement ----------------------------------------------------------------

// Greenplum modern row hash: h = 0; per column h = rotl(h, 1) ^ (NULL ? 0 : DatumHash32).
uint32_t GreenplumRowHash(std::span<const Datum> key);
// Segment 0..num_segments-1 (= gp_segment_id) of the row on a modern table.
int32_t GreenplumSegment(std::span<const Datum> key, int32_t num_segments);

// Greenplum legacy row hash: one FNV-1 stream over all key columns in order.
uint32_t CdbHashLegacy(std::span<const Datum> key);
int32_t GreenplumLegacySegment(std::span<const Datum> key, int32_t num_segments);

// PostgreSQL partition row hash: hash_combine64 over the non-NULL columns' extended hashes
// with kHashPartitionSeed, starting from 0 (an all-NULL key hashes to 0).
uint64_t PartitionRowHash(std::span<const Datum> key);
// The remainder of the partition (FOR VALUES WITH (MODULUS m, REMAINDER r)) holding the row
// when all partitions share modulus m. With mixed moduli, a partition with modulus m and
// remainder r holds the row iff PartitionHashRemainder(key, m) == r. Requires modulus >= 1.
uint64_t PartitionHashRemainder(std::span<const Datum> key, uint64_t modulus);

// Places rows of one table: a method, the key's types, and the number of targets (segments,
// or the common modulus of the hash partitions). Validated once so Place() cannot fail.
class RowPlacer {
 public:
  // Fails (kUsage) on an empty key or a target count below 1.
  static Result<RowPlacer> Create(DistributionMethod method, std::vector<PgType> key_types,
                                  int32_t num_targets);

  // The target, 0..num_targets-1, of a row whose key has the types given to Create(), in
  // the same order (e.g. KeyParser::key()).
  int32_t Place(std::span<const Datum> key) const;

  DistributionMethod method() const { return method_; }
  int32_t num_targets() const { return num_targets_; }
  const std::vector<PgType>& key_types() const { return key_types_; }

 private:
  RowPlacer() = default;
  DistributionMethod method_ = DistributionMethod::kGreenplum;
  std::vector<PgType> key_types_;
  int32_t num_targets_ = 1;
};

}  // namespace segstream
