// See distribution_hash.h; the algorithms are described in
// shared/reference/distribution-hash.md §3 (modern Greenplum), §4 (legacy) and §5
// (PostgreSQL partitioning).
#include "lib/common/hash/distribution_hash.h"

#include <bit>
#include <cstring>

#include "lib/common/hash/pg_hash.h"

namespace segstream {
namespace {

constexpr uint32_t kFnvPrime = 0x01000193u;

inline uint32_t Fnv1(uint32_t h, const void* data, size_t len) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < len; ++i) {
    h *= kFnvPrime;  // FNV-1: multiply, then xor (not FNV-1a)
    h ^= p[i];
  }
  return h;
}

// Little-endian image of an integer, the way cdbhash feeds it from memory.
template <typename T>
inline uint32_t Fnv1Value(uint32_t h, T value) {
  static_assert(std::endian::native == std::endian::little);
  return Fnv1(h, &value, sizeof value);
}

}  // namespace

Result<DistributionMethod> DistributionMethodFromName(std::string_view name) {
  if (name == "greenplum") return DistributionMethod::kGreenplum;
  if (name == "greenplum-legacy") return DistributionMethod::kGreenplumLegacy;
  if (name == "pg-partition") return DistributionMethod::kPgPartition;
  return Status::Usage("unknown distribution method \"" + std::string(name) +
                       "\" (expected greenplum, greenplum-legacy or pg-partition)");
}

std::string_view DistributionMethodName(DistributionMethod method) {
  switch (method) {
    case DistributionMethod::kGreenplum: return "greenplum";
    case DistributionMethod::kGreenplumLegacy: return "greenplum-legacy";
    case DistributionMethod::kPgPartition: return "pg-partition";
  }
  return "unknown";
}

int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
  int64_t b = -1, j = 0;
  while (j < num_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    // Must stay in double precision exactly as Greenplum computes it (SSE2, not x87). The
    // divisor is at most 2^31, so converting it as signed is exact and avoids the slow
    // unsigned 64-bit conversion sequence.
    const auto divisor = static_cast<int64_t>((key >> 33) + 1);
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (2147483648.0 / static_cast<double>(divisor)));
  }
  return static_cast<int32_t>(b);
}

int32_t CdbHashLegacyReduce(uint32_t hash, int32_t num_segments) {
  const uint32_t n = static_cast<uint32_t>(num_segments);
  return static_cast<int32_t>(std::has_single_bit(n) ? hash & (n - 1) : hash % n);
}

uint32_t DatumHash32(const Datum& v) {
  switch (v.type) {
    case PgType::kBool:
    case PgType::kChar: return HashChar(static_cast<uint8_t>(v.integer));
    case PgType::kInt2:
    case PgType::kInt4:
    case PgType::kDate: return HashInt4(static_cast<int32_t>(v.integer));
    case PgType::kInt8:
    case PgType::kTime:
    case PgType::kTimestamp:
    case PgType::kTimestamptz: return HashInt8(v.integer);
    case PgType::kOid: return HashOid(static_cast<uint32_t>(v.integer));
    case PgType::kFloat4: return HashFloat4(static_cast<float>(v.real));
    case PgType::kFloat8: return HashFloat8(v.real);
    case PgType::kNumeric:
      return HashNumeric(v.numeric.kind != NumericKind::kFinite, v.numeric.digits,
                         v.numeric.weight);
    case PgType::kText:
    case PgType::kVarchar:
    case PgType::kBytea: return HashText(v.bytes);
    case PgType::kBpchar: return HashBpchar(v.bytes);
    case PgType::kInterval:
      return HashInterval(v.interval.time_us, v.interval.day, v.interval.month);
    case PgType::kUuid: return HashUuid(v.uuid);
    case PgType::kInet:
    case PgType::kCidr: return HashInet(v.inet.family, v.inet.bits, v.inet.address.data());
  }
  return 0;
}

uint64_t DatumHashExtended(const Datum& v, uint64_t seed) {
  switch (v.type) {
    case PgType::kBool:
    case PgType::kChar: return HashCharExtended(static_cast<uint8_t>(v.integer), seed);
    case PgType::kInt2:
    case PgType::kInt4:
    case PgType::kDate: return HashInt4Extended(static_cast<int32_t>(v.integer), seed);
    case PgType::kInt8:
    case PgType::kTime:
    case PgType::kTimestamp:
    case PgType::kTimestamptz: return HashInt8Extended(v.integer, seed);
    case PgType::kOid: return HashOidExtended(static_cast<uint32_t>(v.integer), seed);
    case PgType::kFloat4: return HashFloat4Extended(static_cast<float>(v.real), seed);
    case PgType::kFloat8: return HashFloat8Extended(v.real, seed);
    case PgType::kNumeric:
      return HashNumericExtended(v.numeric.kind != NumericKind::kFinite, v.numeric.digits,
                                 v.numeric.weight, seed);
    case PgType::kText:
    case PgType::kVarchar:
    case PgType::kBytea: return HashTextExtended(v.bytes, seed);
    case PgType::kBpchar: return HashBpcharExtended(v.bytes, seed);
    case PgType::kInterval:
      return HashIntervalExtended(v.interval.time_us, v.interval.day, v.interval.month, seed);
    case PgType::kUuid: return HashUuidExtended(v.uuid, seed);
    case PgType::kInet:
    case PgType::kCidr:
      return HashInetExtended(v.inet.family, v.inet.bits, v.inet.address.data(), seed);
  }
  return seed;
}

uint32_t CdbHashLegacyAdd(uint32_t h, const Datum& v) {
  if (v.is_null) return Fnv1Value(h, uint32_t{0xF0F0F0F1u});
  switch (v.type) {
    case PgType::kInt2:
    case PgType::kInt4:
    case PgType::kInt8: return Fnv1Value(h, v.integer);  // all widened to int64
    case PgType::kOid:
      return Fnv1Value(h, int64_t{static_cast<int32_t>(static_cast<uint32_t>(v.integer))});
    case PgType::kBool:
    case PgType::kChar: return Fnv1Value(h, static_cast<uint8_t>(v.integer));
    case PgType::kFloat4: {
      float f = static_cast<float>(v.real);
      if (f == 0.0f) f = 0.0f;  // -0 hashes as +0; NaN bits are taken as they are
      return Fnv1Value(h, f);
    }
    case PgType::kFloat8: {
      double d = v.real;
      if (d == 0.0) d = 0.0;
      return Fnv1Value(h, d);
    }
    case PgType::kNumeric:
      if (v.numeric.kind == NumericKind::kNaN) return Fnv1Value(h, uint32_t{0xE0E0E0E1u});
      return Fnv1(h, v.numeric.digits.data(), v.numeric.digits.size_bytes());
    case PgType::kText:
    case PgType::kVarchar:
    case PgType::kBpchar: {
      // Trailing blanks are ignored, but at least one byte of a non-empty value is kept.
      size_t len = v.bytes.size();
      while (len > 1 && v.bytes[len - 1] == ' ') --len;
      return Fnv1(h, v.bytes.data(), len);
    }
    case PgType::kBytea: return Fnv1(h, v.bytes.data(), v.bytes.size());
    case PgType::kDate: return Fnv1Value(h, static_cast<int32_t>(v.integer));
    case PgType::kTime:
    case PgType::kTimestamp:
    case PgType::kTimestamptz: return Fnv1Value(h, v.integer);
    case PgType::kInterval:
      // 12 bytes from the start of the struct: time and day. The month is not hashed.
      return Fnv1Value(Fnv1Value(h, v.interval.time_us), v.interval.day);
    case PgType::kUuid: return Fnv1(h, v.uuid.data(), v.uuid.size());
    case PgType::kInet:
    case PgType::kCidr: {
      unsigned char image[18];
      const size_t address_len = v.inet.family == 3 ? 16 : 4;
      image[0] = v.inet.family;
      image[1] = v.inet.bits;
      std::memcpy(image + 2, v.inet.address.data(), address_len);
      return Fnv1(h, image, address_len + 2);
    }
  }
  return h;
}

uint32_t GreenplumRowHash(std::span<const Datum> key) {
  uint32_t h = 0;
  for (const Datum& v : key) {
    h = std::rotl(h, 1);
    if (!v.is_null) h ^= DatumHash32(v);
  }
  return h;
}

int32_t GreenplumSegment(std::span<const Datum> key, int32_t num_segments) {
  return JumpConsistentHash(GreenplumRowHash(key), num_segments);
}

uint32_t CdbHashLegacy(std::span<const Datum> key) {
  uint32_t h = kCdbHashLegacyInit;
  for (const Datum& v : key) h = CdbHashLegacyAdd(h, v);
  return h;
}

int32_t GreenplumLegacySegment(std::span<const Datum> key, int32_t num_segments) {
  return CdbHashLegacyReduce(CdbHashLegacy(key), num_segments);
}

uint64_t PartitionRowHash(std::span<const Datum> key) {
  uint64_t h = 0;
  for (const Datum& v : key) {
    if (!v.is_null) h = HashCombine64(h, DatumHashExtended(v, kHashPartitionSeed));
  }
  return h;
}

uint64_t PartitionHashRemainder(std::span<const Datum> key, uint64_t modulus) {
  return PartitionRowHash(key) % modulus;
}

Result<RowPlacer> RowPlacer::Create(DistributionMethod method, std::vector<PgType> key_types,
                                    int32_t num_targets) {
  if (key_types.empty()) return Status::Usage("a distribution key needs at least one column");
  if (num_targets < 1) {
    return Status::Usage("the number of segments or partitions must be at least 1, not " +
                         std::to_string(num_targets));
  }
  RowPlacer placer;
  placer.method_ = method;
  placer.key_types_ = std::move(key_types);
  placer.num_targets_ = num_targets;
  return placer;
}

int32_t RowPlacer::Place(std::span<const Datum> key) const {
  switch (method_) {
    case DistributionMethod::kGreenplum: return GreenplumSegment(key, num_targets_);
    case DistributionMethod::kGreenplumLegacy: return GreenplumLegacySegment(key, num_targets_);
    case DistributionMethod::kPgPartition:
      return static_cast<int32_t>(PartitionHashRemainder(key, static_cast<uint64_t>(num_targets_)));
  }
  return 0;
}

}  // namespace segstream
