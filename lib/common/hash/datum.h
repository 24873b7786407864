// Distribution-key values as PostgreSQL holds them internally, parsed from COPY output.
//
// Hash placement (pg_hash.h, distribution_hash.h) works on a column's internal binary value,
// so a key field must be parsed exactly as the server's input function would: '1.50' and
// '1.5' are the same numeric, '2018-11-25 10:00:00+05:30' is an instant in UTC, '\x0102' is
// two bytea bytes. This file turns one field of COPY TO output (text, CSV or binary format)
// into a Datum, and refuses - with an error naming the type and the value - anything it
// cannot parse with certainty, rather than guessing.
//
// Accepted text is what the server prints with DateStyle=ISO and IntervalStyle=postgres
// (the settings segstream's dumper uses), plus the spellings the server's input functions
// also accept where they are unambiguous (signs, surrounding blanks, upper case, ...).
// Not accepted: timestamptz without a UTC offset (it would need the dump session's
// TimeZone), other DateStyles and IntervalStyles, abbreviated inet forms such as '10/8',
// arrays, enums, domains (resolve them to the base type first) and every type not in PgType.
//
// Hot path: parsing does not allocate once the DatumBuffer has grown to the largest value
// seen, and an int8 or text field without escapes is parsed in place. Functions here are
// thread-compatible: distinct DatumBuffers may be used from distinct threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/format/copy_format.h"

namespace segstream {

// Key column types that can be parsed and hashed.
enum class PgType : uint8_t {
  kBool,
  kChar,  // the one-byte "char" type, not char(n) (that is kBpchar)
  kInt2,
  kInt4,
  kInt8,
  kOid,
  kFloat4,
  kFloat8,
  kNumeric,
  kText,
  kVarchar,
  kBpchar,
  kBytea,
  kDate,
  kTime,
  kTimestamp,
  kTimestamptz,
  kInterval,
  kUuid,
  kInet,
  kCidr,
};

// Resolves a type as PostgreSQL names it: pg_type.typname ("int8", "bpchar", "timestamptz")
// or format_type() output ("bigint", "character varying(20)", "numeric(10,2)",
// "timestamp(3) with time zone", "\"char\""). Type modifiers are ignored. Anything else -
// arrays, enums, domains, unsupported types - is a kUsage error naming the type.
Result<PgType> PgTypeFromName(std::string_view name);
// The pg_type.typname of `type`, e.g. "int8".
std::string_view PgTypeName(PgType type);

enum class NumericKind : uint8_t { kFinite, kNaN, kPlusInfinity, kMinusInfinity };

// A numeric as stored: value = sign * sum(digits[i] * 10000^(weight - i)).
struct NumericValue {
  NumericKind kind = NumericKind::kFinite;
  bool negative = false;
  int32_t weight = 0;
  int32_t dscale = 0;               // decimal digits shown after the point
  std::span<const int16_t> digits;  // 0..9999 each; no leading or trailing zero digits, so
                                    // zero and the special values have none
};

struct IntervalValue {
  int64_t time_us = 0;
  int32_t day = 0;
  int32_t month = 0;
};

// inet and cidr as stored: family 2 is IPv4 (address[0..3] used), 3 is IPv6.
struct InetValue {
  uint8_t family = 2;
  uint8_t bits = 0;
  std::array<uint8_t, 16> address{};
};

// One parsed key value. Which member holds the value depends on `type`; the others are
// unspecified. `bytes` and `numeric.digits` may point into the parsed input or into the
// DatumBuffer used, and are valid while both are unchanged.
struct Datum {
  PgType type = PgType::kInt8;
  bool is_null = true;
  // kBool: 0 or 1. kChar: the byte, 0..255. kInt2/kInt4/kInt8: the value. kOid: 0..2^32-1.
  // kDate: days since 2000-01-01 (-infinity/infinity are INT32_MIN/INT32_MAX).
  // kTime: microseconds since midnight. kTimestamp/kTimestamptz: microseconds since
  // 2000-01-01 00:00:00 (UTC for kTimestamptz); -infinity/infinity are INT64_MIN/INT64_MAX.
  int64_t integer = 0;
  double real = 0;         // kFloat8; kFloat4 holds a value exactly representable as float
  std::string_view bytes;  // kText, kVarchar, kBpchar (padding included), kBytea
  NumericValue numeric;
  IntervalValue interval;
  std::array<uint8_t, 16> uuid{};
  InetValue inet;  // kInet, kCidr

  static Datum Null(PgType t) {
    Datum d;
    d.type = t;
    return d;
  }
};

// Reusable storage for values that cannot point into the input: unescaped text, decoded
// bytea, numeric digits. Keep one per key column and reuse it for every row. The members
// are an implementation detail of the parsers.
struct DatumBuffer {
  std::string field;
  std::string value;
  std::string terminated;
  std::vector<int16_t> digits;
};

// Parses a value as the type's output function prints it (what COPY text and CSV carry
// once their own quoting and escaping are undone), e.g. "-12", "1.50", "\x0102", "t",
// "2018-11-25 01:23:45.5+05:30". Never NULL. On failure returns false and, if `error` is
// not null, sets it to a message such as: invalid input syntax for type bigint: "12x".
bool ParseTextValue(PgType type, std::string_view text, DatumBuffer* buffer, Datum* out,
                    std::string* error);

// Parses a type's binary send representation (one non-NULL field of COPY BINARY without its
// length word): big-endian integers and floats, numeric as ndigits/weight/sign/dscale/digits,
// inet as family/bits/is_cidr/length/address, and so on.
bool ParseBinaryValue(PgType type, std::string_view bytes, DatumBuffer* buffer, Datum* out,
                      std::string* error);

// Parses one field exactly as it appears in COPY TO output of `format`:
//   kText:   the bytes between tabs, escapes included; \N is NULL.
//   kCsv:    the bytes between commas, quotes included; an unquoted empty field is NULL,
//            "" is the empty string.
//   kBinary: the field's big-endian int32 length (-1 for NULL) followed by its bytes.
// Default delimiters, quote and NULL markers only.
bool ParseCopyField(CopyFormat format, PgType type, std::string_view field, DatumBuffer* buffer,
                    Datum* out, std::string* error);

// Locates, in one pass, the fields at 0-based positions `columns` (any order, no repeats)
// of one COPY row, storing fields[i] for columns[i] in the form ParseCopyField takes.
// A text or CSV row is one record without its line terminator (a CSV record may contain
// newlines inside quotes); a binary row is one tuple starting at its int16 field count.
// Fails if the row has too few fields or, for binary, is truncated.
bool FindCopyFields(CopyFormat format, std::string_view row, std::span<const int> columns,
                    std::span<std::string_view> fields, std::string* error);

// Finds and parses the distribution key of rows of one table. Owns the per-column buffers,
// so parsing a row does not allocate (after warm-up). Not thread-safe; use one per thread.
class KeyParser {
 public:
  // columns[i] is the 0-based position in the COPY row of the i-th key column, whose type
  // is types[i]. Fails (kUsage) if the lists differ in length, are empty, or repeat a column.
  static Result<KeyParser> Create(CopyFormat format, std::vector<int> columns,
                                  std::vector<PgType> types);

  // Parses the key of one row (see FindCopyFields for what a row is). On failure returns
  // false and sets *error naming the key column position and the problem.
  bool Parse(std::string_view row, std::string* error);

  // The key parsed by the last successful Parse(), in key order. Valid until the next Parse()
  // and while the row's bytes are unchanged.
  std::span<const Datum> key() const { return key_; }

 private:
  KeyParser() = default;
  CopyFormat format_ = CopyFormat::kText;
  std::vector<int> columns_;
  std::vector<Datum> key_;
  std::vector<std::string_view> fields_;
  std::vector<DatumBuffer> buffers_;
};

}  // namespace segstream
