// See pg_hash.h. The byte hash follows the description in
// shared/reference/distribution-hash.md §1: Bob Jenkins' lookup3 mixing with PostgreSQL's
// own tail handling (the low byte of c never takes data), read as little-endian words.
#include "lib/common/hash/pg_hash.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace segstream {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PostgreSQL hashes differ on big-endian hosts; these match little-endian servers");

constexpr uint32_t kInitBase = 0x9E3779B9u + 3923095u;

// One line per round, as the algorithm is usually written.
// clang-format off
inline void Mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  a -= c; a ^= std::rotl(c, 4);  c += b;
  b -= a; b ^= std::rotl(a, 6);  a += c;
  c -= b; c ^= std::rotl(b, 8);  b += a;
  a -= c; a ^= std::rotl(c, 16); c += b;
  b -= a; b ^= std::rotl(a, 19); a += c;
  c -= b; c ^= std::rotl(b, 4);  b += a;
}

inline void Final(uint32_t& a, uint32_t& b, uint32_t& c) {
  c ^= b; c -= std::rotl(b, 14);
  a ^= c; a -= std::rotl(c, 11);
  b ^= a; b -= std::rotl(a, 25);
  c ^= b; c -= std::rotl(b, 16);
  a ^= c; a -= std::rotl(c, 4);
  b ^= a; b -= std::rotl(a, 14);
  c ^= b; c -= std::rotl(b, 24);
}
// clang-format on

inline uint32_t LoadLe32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);  // little-endian host, checked above
  return v;
}

inline void Seed(uint32_t& a, uint32_t& b, uint32_t& c, uint64_t seed) {
  // PostgreSQL skips this step for seed 0, which is what makes the low half of the extended
  // hash equal the 32-bit hash.
  if (seed != 0) {
    a += static_cast<uint32_t>(seed >> 32);
    b += static_cast<uint32_t>(seed);
    Mix(a, b, c);
  }
}

void HashBytesCore(const unsigned char* k, size_t len, uint32_t& a, uint32_t& b, uint32_t& c) {
  while (len >= 12) {
    a += LoadLe32(k);
    b += LoadLe32(k + 4);
    c += LoadLe32(k + 8);
    Mix(a, b, c);
    k += 12;
    len -= 12;
  }
  unsigned char tail[12] = {};
  std::memcpy(tail, k, len);
  a += LoadLe32(tail);
  b += LoadLe32(tail + 4);
  c += LoadLe32(tail + 8) << 8;  // tail bytes 8..10 land in bits 8..31
  Final(a, b, c);
}

inline uint32_t FoldInt8(int64_t value) {
  uint32_t lo = static_cast<uint32_t>(value);
  uint32_t hi = static_cast<uint32_t>(static_cast<uint64_t>(value) >> 32);
  return lo ^ (value >= 0 ? hi : ~hi);
}

inline std::string_view TrimTrailingSpaces(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && s[n - 1] == ' ') --n;
  return s.substr(0, n);
}

// Writes the 8 bytes a float key is hashed as; returns false for +-0, which PostgreSQL
// hashes without looking at the bytes.
inline bool FloatImage(double value, unsigned char out[8]) {
  if (value == 0.0) return false;  // also -0.0
  if (std::isnan(value)) value = std::numeric_limits<double>::quiet_NaN();
  std::memcpy(out, &value, 8);
  return true;
}

// Strips zero digits at both ends; returns the adjusted weight.
inline std::span<const int16_t> SignificantDigits(std::span<const int16_t> digits,
                                                  int32_t* weight) {
  size_t begin = 0;
  while (begin < digits.size() && digits[begin] == 0) {
    ++begin;
    --*weight;
  }
  size_t end = digits.size();
  while (end > begin && digits[end - 1] == 0) --end;
  return digits.subspan(begin, end - begin);
}

inline uint64_t IntervalSpan(int64_t time_us, int32_t day, int32_t month) {
  // PostgreSQL forms this sum in 128 bits and hashes the low 64; unsigned wrapping gives the
  // same low 64 bits.
  constexpr uint64_t kUsecPerDay = 86400000000ULL;
  return static_cast<uint64_t>(time_us) + static_cast<uint64_t>(int64_t{day}) * kUsecPerDay +
         static_cast<uint64_t>(int64_t{month}) * 30 * kUsecPerDay;
}

}  // namespace

uint32_t HashBytes(const void* data, size_t len) {
  uint32_t a, b, c;
  a = b = c = kInitBase + static_cast<uint32_t>(len);
  HashBytesCore(static_cast<const unsigned char*>(data), len, a, b, c);
  return c;
}

uint64_t HashBytesExtended(const void* data, size_t len, uint64_t seed) {
  uint32_t a, b, c;
  a = b = c = kInitBase + static_cast<uint32_t>(len);
  Seed(a, b, c, seed);
  HashBytesCore(static_cast<const unsigned char*>(data), len, a, b, c);
  return (uint64_t{b} << 32) | c;
}

uint32_t HashUint32(uint32_t k) {
  uint32_t a, b, c;
  a = b = c = kInitBase + 4;
  a += k;
  Final(a, b, c);
  return c;
}

uint64_t HashUint32Extended(uint32_t k, uint64_t seed) {
  uint32_t a, b, c;
  a = b = c = kInitBase + 4;
  Seed(a, b, c, seed);
  a += k;
  Final(a, b, c);
  return (uint64_t{b} << 32) | c;
}

uint32_t HashInt4(int32_t value) { return HashUint32(static_cast<uint32_t>(value)); }
uint64_t HashInt4Extended(int32_t value, uint64_t seed) {
  return HashUint32Extended(static_cast<uint32_t>(value), seed);
}

uint32_t HashInt8(int64_t value) { return HashUint32(FoldInt8(value)); }
uint64_t HashInt8Extended(int64_t value, uint64_t seed) {
  return HashUint32Extended(FoldInt8(value), seed);
}

uint32_t HashOid(uint32_t value) { return HashUint32(value); }
uint64_t HashOidExtended(uint32_t value, uint64_t seed) { return HashUint32Extended(value, seed); }

uint32_t HashChar(uint8_t byte) { return HashInt4(static_cast<int8_t>(byte)); }
uint64_t HashCharExtended(uint8_t byte, uint64_t seed) {
  return HashInt4Extended(static_cast<int8_t>(byte), seed);
}

uint32_t HashText(std::string_view bytes) { return HashBytes(bytes.data(), bytes.size()); }
uint64_t HashTextExtended(std::string_view bytes, uint64_t seed) {
  return HashBytesExtended(bytes.data(), bytes.size(), seed);
}

uint32_t HashBpchar(std::string_view bytes) { return HashText(TrimTrailingSpaces(bytes)); }
uint64_t HashBpcharExtended(std::string_view bytes, uint64_t seed) {
  return HashTextExtended(TrimTrailingSpaces(bytes), seed);
}

uint32_t HashFloat4(float value) { return HashFloat8(static_cast<double>(value)); }
uint64_t HashFloat4Extended(float value, uint64_t seed) {
  return HashFloat8Extended(static_cast<double>(value), seed);
}

uint32_t HashFloat8(double value) {
  unsigned char image[8];
  if (!FloatImage(value, image)) return 0;
  return HashBytes(image, sizeof image);
}

uint64_t HashFloat8Extended(double value, uint64_t seed) {
  unsigned char image[8];
  if (!FloatImage(value, image)) return seed;
  return HashBytesExtended(image, sizeof image, seed);
}

uint32_t HashNumeric(bool special, std::span<const int16_t> digits, int32_t weight) {
  if (special) return 0;
  std::span<const int16_t> significant = SignificantDigits(digits, &weight);
  if (significant.empty()) return 0xFFFFFFFFu;
  // int16 digits are hashed as their in-memory (little-endian) bytes.
  uint32_t hash = HashBytes(significant.data(), significant.size_bytes());
  return hash ^ static_cast<uint32_t>(weight);
}

uint64_t HashNumericExtended(bool special, std::span<const int16_t> digits, int32_t weight,
                             uint64_t seed) {
  if (special) return seed;
  std::span<const int16_t> significant = SignificantDigits(digits, &weight);
  if (significant.empty()) return seed - 1;
  uint64_t hash = HashBytesExtended(significant.data(), significant.size_bytes(), seed);
  return hash ^ static_cast<uint64_t>(int64_t{weight});
}

uint32_t HashInterval(int64_t time_us, int32_t day, int32_t month) {
  return HashInt8(static_cast<int64_t>(IntervalSpan(time_us, day, month)));
}
uint64_t HashIntervalExtended(int64_t time_us, int32_t day, int32_t month, uint64_t seed) {
  return HashInt8Extended(static_cast<int64_t>(IntervalSpan(time_us, day, month)), seed);
}

uint32_t HashUuid(std::span<const uint8_t, 16> bytes) { return HashBytes(bytes.data(), 16); }
uint64_t HashUuidExtended(std::span<const uint8_t, 16> bytes, uint64_t seed) {
  return HashBytesExtended(bytes.data(), 16, seed);
}

namespace {
inline size_t InetImage(uint8_t family, uint8_t bits, const uint8_t* address,
                        unsigned char image[18]) {
  size_t address_len = family == 3 ? 16 : 4;
  image[0] = family;
  image[1] = bits;
  std::memcpy(image + 2, address, address_len);
  return address_len + 2;
}
}  // namespace

uint32_t HashInet(uint8_t family, uint8_t bits, const uint8_t* address) {
  unsigned char image[18];
  return HashBytes(image, InetImage(family, bits, address, image));
}
uint64_t HashInetExtended(uint8_t family, uint8_t bits, const uint8_t* address, uint64_t seed) {
  unsigned char image[18];
  return HashBytesExtended(image, InetImage(family, bits, address, image), seed);
}

}  // namespace segstream
