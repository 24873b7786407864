// What datum.h's parsers share, split by job across datum_types.cc (the type table),
// datum_text.cc (input functions), datum_binary.cc (receive functions) and copy_fields.cc
// (COPY field splitting). Not part of the public API: include datum.h instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/common/hash/datum.h"

namespace segstream::datum_detail {

// PostgreSQL's isspace() set, which its input functions skip around values.
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
inline char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string_view TrimSpaces(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

inline uint16_t LoadBe16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}
inline uint32_t LoadBe32(const char* p) { return (uint32_t{LoadBe16(p)} << 16) | LoadBe16(p + 2); }
inline uint64_t LoadBe64(const char* p) { return (uint64_t{LoadBe32(p)} << 32) | LoadBe32(p + 4); }

// The name PostgreSQL uses for the type in its error messages.
const char* SqlName(PgType type);

// Quotes a value for an error message, cut short so a huge field cannot flood stderr.
std::string Quoted(std::string_view value);

// Why a value was refused, turned into a message only when the caller wants one.
enum class Failure {
  kSyntax,       // invalid input syntax for type T: "v"
  kRange,        // value "v" is out of range for type T
  kUnsupported,  // the server would accept it, but only with information we do not have
  kBinary,       // incorrect binary data format
};

// Returns false, so a parser can `return Fail(...)`; sets *error only if it is not null.
bool Fail(Failure why, PgType type, std::string_view value, std::string* error,
          const char* detail = nullptr);

// ---- numeric: what numeric_in and numeric_recv both need -----------------------------------

constexpr int32_t kNumericWeightMax = 32767;   // NUMERIC_WEIGHT_MAX
constexpr int32_t kNumericWeightMin = -32768;  // NUMERIC_WEIGHT_MIN
constexpr int32_t kNumericDscaleMax = 0x3FFF;  // NUMERIC_DSCALE_MAX

bool NumericOverflow(std::string_view text, std::string* error);

// Drops zero digits at both ends of buffer->digits (adjusting the weight) and points the
// value at what is left; zero becomes positive with weight 0, as make_result() stores it.
void NormaliseNumeric(DatumBuffer* buffer, size_t ndigits, NumericValue* value);

// ---- dates and times: the ranges date_in and date_recv both enforce ------------------------

constexpr int64_t kUsecPerSec = 1000000;
constexpr int64_t kUsecPerDay = 86400 * kUsecPerSec;
// Days from 2000-01-01 (PostgreSQL's epoch) to Julian day 0 and to the end of the date range.
constexpr int64_t kMinDate = -2451545;                  // 4714-11-24 BC
constexpr int64_t kEndDate = 2147483494 - 2451545;      // 5874898-01-01, exclusive
constexpr int64_t kMinTimestamp = -211813488000000000;  // 4714-11-24 00:00:00 BC
constexpr int64_t kEndTimestamp = 9223371331200000000;  // 294277-01-01 00:00:00, exclusive

// True if no bit beyond the first `bits` of the address is set (what cidr requires).
bool HostBitsClear(const InetValue& v);

}  // namespace segstream::datum_detail
