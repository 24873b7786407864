// PostgreSQL's hash functions, bit for bit: the Jenkins lookup3 byte hash PostgreSQL calls
// hash_bytes / hash_any (32-bit) and hash_bytes_extended (64-bit, seeded), and the support
// functions of the default hash operator classes built on it.
//
// Greenplum 6/7 and Cloudberry place rows with the 32-bit functions ("proc 1"); PostgreSQL
// PARTITION BY HASH uses the seeded 64-bit ones ("proc 2"). Both must agree exactly with the
// server, so every function here is a pure function of the value's internal binary form
// (see datum.h for turning COPY output into that form) and is checked against outputs of a
// real PostgreSQL 15 in pg_hash_test.cc. Results are those of a little-endian server, which
// every supported Greenplum/Cloudberry build is. All functions are thread-safe and never
// allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace segstream {

// PostgreSQL's HASH_PARTITION_SEED (src/include/catalog/partition.h).
inline constexpr uint64_t kHashPartitionSeed = 0x7A5B22367996DCFDULL;

// ---- primitives ----------------------------------------------------------------------------

uint32_t HashBytes(const void* data, size_t len);                         // hash_bytes
uint64_t HashBytesExtended(const void* data, size_t len, uint64_t seed);  // hash_bytes_extended
uint32_t HashUint32(uint32_t k);                                          // hash_uint32
uint64_t HashUint32Extended(uint32_t k, uint64_t seed);                   // hash_uint32_extended

// hash_combine64: how PostgreSQL folds per-column extended hashes into one row hash.
constexpr uint64_t HashCombine64(uint64_t a, uint64_t b) {
  a ^= b + 0x49A0F4DD15E5A8E3ULL + (a << 54) + (a >> 7);
  return a;
}

// ---- default hash opclass support functions ------------------------------------------------
// Each pair is the 32-bit function and its seeded 64-bit "extended" twin. With seed 0 the low
// 32 bits of the extended result equal the 32-bit result (a PostgreSQL requirement).

// int2, int4, xid, and date (days since 2000-01-01) all use hashint4.
uint32_t HashInt4(int32_t value);
uint64_t HashInt4Extended(int32_t value, uint64_t seed);
// int8, and through it timestamp, timestamptz and time (microseconds). An int8 that fits in
// int32 hashes exactly like that int4.
uint32_t HashInt8(int64_t value);
uint64_t HashInt8Extended(int64_t value, uint64_t seed);
uint32_t HashOid(uint32_t value);
uint64_t HashOidExtended(uint32_t value, uint64_t seed);
// hashchar: "char" and bool. The byte is taken as a signed char, as on x86 and every
// platform Greenplum ships on, so bytes >= 0x80 hash like negative int4s.
uint32_t HashChar(uint8_t byte);
uint64_t HashCharExtended(uint8_t byte, uint64_t seed);

// text, varchar and bytea: the raw bytes. Only valid for deterministic collations (the only
// kind Greenplum allows for distribution keys); trailing spaces count.
uint32_t HashText(std::string_view bytes);
uint64_t HashTextExtended(std::string_view bytes, uint64_t seed);
// bpchar: trailing ASCII spaces are ignored, so 'ab', 'ab  ' and char(5) 'ab' hash alike.
uint32_t HashBpchar(std::string_view bytes);
uint64_t HashBpcharExtended(std::string_view bytes, uint64_t seed);

// float4 is widened to double first; +0 and -0 hash to 0 (extended: to the seed itself) and
// every NaN is replaced by the canonical quiet NaN, so equal values hash equally.
uint32_t HashFloat4(float value);
uint64_t HashFloat4Extended(float value, uint64_t seed);
uint32_t HashFloat8(double value);
uint64_t HashFloat8Extended(double value, uint64_t seed);

// numeric, from its base-10000 digits (each 0..9999, most significant first) and the weight
// of the first digit. Leading and trailing zero digits are ignored (the weight adjusted), so
// the digits need not be normalised. Sign and display scale never matter. `special` is true
// for NaN and +-Infinity, which hash to 0 (extended: the seed); zero hashes to 0xFFFFFFFF
// (extended: seed - 1).
uint32_t HashNumeric(bool special, std::span<const int16_t> digits, int32_t weight);
uint64_t HashNumericExtended(bool special, std::span<const int16_t> digits, int32_t weight,
                             uint64_t seed);

// interval: the low 64 bits of its total length in microseconds, counting a month as 30 days
// and a day as 24 hours, hashed as int8 (so '1 mon' and '30 days' collide, as in PostgreSQL).
uint32_t HashInterval(int64_t time_us, int32_t day, int32_t month);
uint64_t HashIntervalExtended(int64_t time_us, int32_t day, int32_t month, uint64_t seed);

// uuid: the 16 bytes in textual order.
uint32_t HashUuid(std::span<const uint8_t, 16> bytes);
uint64_t HashUuidExtended(std::span<const uint8_t, 16> bytes, uint64_t seed);

// inet and cidr: the image [family, bits, address...] where family is 2 (IPv4, 4 address
// bytes) or 3 (IPv6, 16 address bytes), host bits kept. Whether the value was inet or cidr
// does not matter.
uint32_t HashInet(uint8_t family, uint8_t bits, const uint8_t* address);
uint64_t HashInetExtended(uint8_t family, uint8_t bits, const uint8_t* address, uint64_t seed);

}  // namespace segstream
