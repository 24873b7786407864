// See datum_support.h.
#include "lib/common/hash/datum_support.h"

namespace segstream::datum_detail {

std::string_view TrimSpaces(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

// The name PostgreSQL uses for the type in its error messages.
const char* SqlName(PgType type) {
  switch (type) {
    case PgType::kBool: return "boolean";
    case PgType::kChar: return "\"char\"";
    case PgType::kInt2: return "smallint";
    case PgType::kInt4: return "integer";
    case PgType::kInt8: return "bigint";
    case PgType::kOid: return "oid";
    case PgType::kFloat4: return "real";
    case PgType::kFloat8: return "double precision";
    case PgType::kNumeric: return "numeric";
    case PgType::kText: return "text";
    case PgType::kVarchar: return "character varying";
    case PgType::kBpchar: return "character";
    case PgType::kBytea: return "bytea";
    case PgType::kDate: return "date";
    case PgType::kTime: return "time without time zone";
    case PgType::kTimestamp: return "timestamp without time zone";
    case PgType::kTimestamptz: return "timestamp with time zone";
    case PgType::kInterval: return "interval";
    case PgType::kUuid: return "uuid";
    case PgType::kInet: return "inet";
    case PgType::kCidr: return "cidr";
  }
  return "unknown";
}

// Quotes a value for an error message, cut short so a huge field cannot flood stderr.
std::string Quoted(std::string_view value) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  for (char c : value.substr(0, kMax)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += value.size() > kMax ? "\"..." : "\"";
  return out;
}

bool Fail(Failure why, PgType type, std::string_view value, std::string* error,
          const char* detail) {
  if (error == nullptr) return false;
  switch (why) {
    case Failure::kSyntax:
      *error = std::string("invalid input syntax for type ") + SqlName(type) + ": " + Quoted(value);
      break;
    case Failure::kRange:
      *error = std::string("value ") + Quoted(value) + " is out of range for type " + SqlName(type);
      break;
    case Failure::kUnsupported:
      *error = std::string("cannot hash ") + SqlName(type) + " value " + Quoted(value);
      break;
    case Failure::kBinary:
      *error = std::string("incorrect binary data format for type ") + SqlName(type);
      break;
  }
  if (detail != nullptr) {
    *error += ": ";
    *error += detail;
  }
  return false;
}

bool NumericOverflow(std::string_view text, std::string* error) {
  if (error != nullptr) {
    *error = "value overflows numeric format: " + Quoted(text);
  }
  return false;
}

// Drops zero digits at both ends of buffer->digits (adjusting the weight) and points the
// value at what is left; zero becomes positive with weight 0, as make_result() stores it.
void NormaliseNumeric(DatumBuffer* buffer, size_t ndigits, NumericValue* value) {
  const int16_t* d = buffer->digits.data();
  size_t begin = 0, end = ndigits;
  while (begin < end && d[begin] == 0) {
    ++begin;
    --value->weight;
  }
  while (end > begin && d[end - 1] == 0) --end;
  if (begin == end) {
    value->weight = 0;
    value->negative = false;
    value->digits = {};
  } else {
    value->digits = std::span<const int16_t>(d + begin, end - begin);
  }
}

// True if no bit beyond the first `bits` of the address is set (what cidr requires).
bool HostBitsClear(const InetValue& v) {
  const int total = v.family == 3 ? 16 : 4;
  for (int byte = 0; byte < total; ++byte) {
    int keep = static_cast<int>(v.bits) - byte * 8;
    uint8_t mask = keep >= 8 ? 0 : keep <= 0 ? 0xff : static_cast<uint8_t>(0xff >> keep);
    if (v.address[static_cast<size_t>(byte)] & mask) return false;
  }
  return true;
}

}  // namespace segstream::datum_detail
