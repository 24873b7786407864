// Parsing COPY output into internal values. Expected values and accept/reject decisions were
// checked against the input functions of a PostgreSQL 15.20 server.
#include "lib/common/hash/datum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace segstream {
namespace {

using namespace std::string_literals;

constexpr int64_t kUsecPerDay = 86400000000;

std::string Be16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string Be32(uint32_t v) { return Be16(static_cast<uint16_t>(v >> 16)) + Be16(v & 0xffff); }
std::string Be64(uint64_t v) { return Be32(static_cast<uint32_t>(v >> 32)) + Be32(v & 0xffffffff); }
std::string BinaryField(const std::string& bytes) { return Be32(bytes.size()) + bytes; }

struct NumericParts {
  NumericKind kind;
  bool negative;
  int32_t weight;
  int32_t dscale;
  std::vector<int16_t> digits;
};

class DatumTest : public ::testing::Test {
 protected:
  // Parses successfully or fails the test. The result may point into buffer_ until the next
  // parse.
  Datum Text(PgType type, std::string_view text) {
    Datum d;
    std::string error;
    EXPECT_TRUE(ParseTextValue(type, text, &buffer_, &d, &error))
        << PgTypeName(type) << " '" << text << "': " << error;
    EXPECT_FALSE(d.is_null);
    EXPECT_EQ(d.type, type);
    return d;
  }
  // Must be refused; returns the message.
  std::string TextError(PgType type, std::string_view text) {
    Datum d;
    std::string error;
    EXPECT_FALSE(ParseTextValue(type, text, &buffer_, &d, &error))
        << PgTypeName(type) << " '" << text << "' was accepted";
    EXPECT_FALSE(error.empty());
    return error;
  }
  Datum Copy(CopyFormat format, PgType type, std::string_view field) {
    Datum d;
    std::string error;
    EXPECT_TRUE(ParseCopyField(format, type, field, &buffer_, &d, &error))
        << "'" << field << "': " << error;
    return d;
  }
  std::string CopyError(CopyFormat format, PgType type, std::string_view field) {
    Datum d;
    std::string error;
    EXPECT_FALSE(ParseCopyField(format, type, field, &buffer_, &d, &error))
        << "'" << field << "' was accepted";
    return error;
  }
  // A binary bytea Datum points into its field, so the field outlives the call (clang's
  // ASan caught the test reading a destroyed temporary).
  Datum Binary(PgType type, const std::string& bytes) {
    binary_field_ = BinaryField(bytes);
    return Copy(CopyFormat::kBinary, type, binary_field_);
  }
  std::string BinaryError(PgType type, const std::string& bytes) {
    return CopyError(CopyFormat::kBinary, type, BinaryField(bytes));
  }
  static NumericParts Parts(const Datum& d) {
    return {d.numeric.kind, d.numeric.negative, d.numeric.weight, d.numeric.dscale,
            std::vector<int16_t>(d.numeric.digits.begin(), d.numeric.digits.end())};
  }
  NumericParts Numeric(std::string_view text) { return Parts(Text(PgType::kNumeric, text)); }

  DatumBuffer buffer_;
  std::string binary_field_;
};

// ---- type names ----------------------------------------------------------------------------

TEST(PgTypeName, AcceptsTypnamesAndFormatTypeSpellings) {
  const std::pair<const char*, PgType> cases[] = {
      {"int8", PgType::kInt8},
      {"bigint", PgType::kInt8},
      {"BIGINT", PgType::kInt8},
      {" integer ", PgType::kInt4},
      {"pg_catalog.int4", PgType::kInt4},
      {"smallint", PgType::kInt2},
      {"character varying(20)", PgType::kVarchar},
      {"varchar", PgType::kVarchar},
      {"character(5)", PgType::kBpchar},
      {"char(5)", PgType::kBpchar},
      {"bpchar", PgType::kBpchar},
      {"char", PgType::kChar},
      {"\"char\"", PgType::kChar},
      {"numeric(10,2)", PgType::kNumeric},
      {"decimal(5)", PgType::kNumeric},
      {"double precision", PgType::kFloat8},
      {"real", PgType::kFloat4},
      {"timestamp(3) with time zone", PgType::kTimestamptz},
      {"timestamp  without   time zone", PgType::kTimestamp},
      {"time(6) without time zone", PgType::kTime},
      {"interval year to month", PgType::kInterval},
      {"interval(3)", PgType::kInterval},
      {"boolean", PgType::kBool},
      {"bytea", PgType::kBytea},
      {"uuid", PgType::kUuid},
      {"cidr", PgType::kCidr},
      {"oid", PgType::kOid},
  };
  for (const auto& [name, type] : cases) {
    auto result = PgTypeFromName(name);
    ASSERT_TRUE(result.ok()) << name << ": " << result.status().message();
    EXPECT_EQ(*result, type) << name;
  }
}

TEST(PgTypeName, RefusesOtherTypesNamingThem) {
  for (const char* name : {"money", "integer[]", "_int4", "timetz", "my_enum", "", "jsonb"}) {
    auto result = PgTypeFromName(name);
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_EQ(result.status().kind(), ErrorKind::kUsage);
    EXPECT_NE(result.status().message().find("\""s + name + "\""), std::string::npos)
        << result.status().message();
  }
}

TEST(PgTypeName, CanonicalNamesRoundTrip) {
  for (int t = 0; t <= static_cast<int>(PgType::kCidr); ++t) {
    const PgType type = static_cast<PgType>(t);
    auto back = PgTypeFromName(PgTypeName(type));
    ASSERT_TRUE(back.ok()) << PgTypeName(type);
    EXPECT_EQ(*back, type);
  }
}

// ---- integers, oid, bool, "char" -----------------------------------------------------------

TEST_F(DatumTest, IntegersAllowBlanksAndSign) {
  EXPECT_EQ(Text(PgType::kInt8, "  -12  ").integer, -12);
  EXPECT_EQ(Text(PgType::kInt2, "+7").integer, 7);
  EXPECT_EQ(Text(PgType::kInt4, "0").integer, 0);
  EXPECT_EQ(Text(PgType::kInt4, "-0").integer, 0);
  EXPECT_EQ(Text(PgType::kInt8, "9223372036854775807").integer, INT64_MAX);
  EXPECT_EQ(Text(PgType::kInt8, "-9223372036854775808").integer, INT64_MIN);
  EXPECT_EQ(Text(PgType::kInt4, "-2147483648").integer, INT32_MIN);
  EXPECT_EQ(Text(PgType::kInt2, "-32768").integer, -32768);
  EXPECT_EQ(Text(PgType::kInt8, "000000000000000000000000042").integer, 42);
}

TEST_F(DatumTest, IntegerSyntaxErrorsNameTypeAndValue) {
  EXPECT_EQ(TextError(PgType::kInt8, "12x"), "invalid input syntax for type bigint: \"12x\"");
  EXPECT_EQ(TextError(PgType::kInt4, "1 2"), "invalid input syntax for type integer: \"1 2\"");
  for (const char* bad : {"", " ", "-", "+", "0x10", "1.0", "1e3", "1_000", "--1", "\\N"}) {
    TextError(PgType::kInt8, bad);
  }
}

TEST_F(DatumTest, IntegerOverflowIsOutOfRange) {
  EXPECT_EQ(TextError(PgType::kInt8, "9223372036854775808"),
            "value \"9223372036854775808\" is out of range for type bigint");
  EXPECT_EQ(TextError(PgType::kInt4, "2147483648"),
            "value \"2147483648\" is out of range for type integer");
  EXPECT_EQ(TextError(PgType::kInt2, "-32769"),
            "value \"-32769\" is out of range for type smallint");
  TextError(PgType::kInt8, "-9223372036854775809");
  TextError(PgType::kInt8, "99999999999999999999999999999");
}

TEST_F(DatumTest, OidWrapsNegativeValuesLikeStrtoul) {
  EXPECT_EQ(Text(PgType::kOid, "-1").integer, 4294967295);
  EXPECT_EQ(Text(PgType::kOid, " 12 ").integer, 12);
  EXPECT_EQ(Text(PgType::kOid, "4294967295").integer, 4294967295);
  EXPECT_EQ(Text(PgType::kOid, "-2147483648").integer, 2147483648);
  TextError(PgType::kOid, "4294967296");
  TextError(PgType::kOid, "-2147483649");
  TextError(PgType::kOid, "");
}

TEST_F(DatumTest, BoolAcceptsWhatBoolinAccepts) {
  for (const char* t : {"t", "true", "TRUE", "tr", "y", "yes", "on", "ON", "1", " t "}) {
    EXPECT_EQ(Text(PgType::kBool, t).integer, 1) << t;
  }
  for (const char* f : {"f", "false", "fa", "n", "no", "off", "of", "0", "False"}) {
    EXPECT_EQ(Text(PgType::kBool, f).integer, 0) << f;
  }
  for (const char* bad : {"o", "tx", "2", "", "yess", "-1"}) TextError(PgType::kBool, bad);
}

TEST_F(DatumTest, CharTakesFirstByteOrOctalEscape) {
  EXPECT_EQ(Text(PgType::kChar, "a").integer, 'a');
  EXPECT_EQ(Text(PgType::kChar, "abc").integer, 'a');
  EXPECT_EQ(Text(PgType::kChar, "").integer, 0);
  EXPECT_EQ(Text(PgType::kChar, "\\351").integer, 0xE9);  // how PostgreSQL 15 prints 0xE9
  EXPECT_EQ(Text(PgType::kChar, "\\").integer, '\\');
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kChar, "\\\\351").integer, 0xE9);
}

// ---- floats --------------------------------------------------------------------------------

TEST_F(DatumTest, Float8ParsesLikeStrtod) {
  EXPECT_EQ(Text(PgType::kFloat8, " 1.5 ").real, 1.5);
  EXPECT_EQ(Text(PgType::kFloat8, "1.").real, 1.0);
  EXPECT_EQ(Text(PgType::kFloat8, ".5").real, 0.5);
  EXPECT_EQ(Text(PgType::kFloat8, "0x10").real, 16.0);  // glibc hex floats, as the server
  EXPECT_EQ(Text(PgType::kFloat8, "1.7976931348623157e308").real,
            std::numeric_limits<double>::max());
  EXPECT_TRUE(std::signbit(Text(PgType::kFloat8, "-0").real));
  EXPECT_EQ(Text(PgType::kFloat8, "1e-310").real, 1e-310);  // denormals are accepted
  EXPECT_EQ(Text(PgType::kFloat8, "2.5e-324").real, std::numeric_limits<double>::denorm_min());
}

TEST_F(DatumTest, Float8SpecialWords) {
  EXPECT_TRUE(std::isnan(Text(PgType::kFloat8, "NaN").real));
  EXPECT_TRUE(std::isnan(Text(PgType::kFloat8, "-nan").real));
  EXPECT_EQ(Text(PgType::kFloat8, "Infinity").real, INFINITY);
  EXPECT_EQ(Text(PgType::kFloat8, "-Infinity").real, -INFINITY);
  EXPECT_EQ(Text(PgType::kFloat8, "inf").real, INFINITY);
  EXPECT_EQ(Text(PgType::kFloat8, "+inf").real, INFINITY);
  EXPECT_EQ(Text(PgType::kFloat8, "INFINITY").real, INFINITY);
}

TEST_F(DatumTest, Float8RangeAndSyntaxErrors) {
  EXPECT_EQ(TextError(PgType::kFloat8, "1e-400"),
            "\"1e-400\" is out of range for type double precision");
  TextError(PgType::kFloat8, "1e309");
  TextError(PgType::kFloat8, "2.4e-324");  // rounds to zero
  TextError(PgType::kFloat8, "1.7976931348623159e308");
  EXPECT_EQ(TextError(PgType::kFloat8, "1e"),
            "invalid input syntax for type double precision: \"1e\"");
  for (const char* bad : {"", "  ", "infinityx", "abc", "1.5 x", "1,5"}) {
    TextError(PgType::kFloat8, bad);
  }
  TextError(PgType::kFloat8, "1\0"s);
}

TEST_F(DatumTest, Float4RoundsOnceToFloat) {
  EXPECT_EQ(Text(PgType::kFloat4, "1.5").real, 1.5);
  EXPECT_EQ(Text(PgType::kFloat4, "0.1").real, static_cast<double>(0.1f));
  EXPECT_EQ(Text(PgType::kFloat4, "3.4028235e38").real, std::numeric_limits<float>::max());
  EXPECT_EQ(Text(PgType::kFloat4, "1.4e-45").real, std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(Text(PgType::kFloat4, "8e-46").real, std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(Text(PgType::kFloat4, "16777217").real, 16777216.0);
  TextError(PgType::kFloat4, "3.4028236e38");
  TextError(PgType::kFloat4, "1e-46");
  TextError(PgType::kFloat4, "7e-46");
}

// ---- numeric -------------------------------------------------------------------------------

TEST_F(DatumTest, NumericDecomposesIntoBase10000Digits) {
  struct Case {
    const char* text;
    std::vector<int16_t> digits;
    int32_t weight;
    int32_t dscale;
    bool negative;
  };
  const Case cases[] = {
      {"1", {1}, 0, 0, false},
      {"12345", {1, 2345}, 1, 0, false},
      {"1.5", {1, 5000}, 0, 1, false},
      {"1.50", {1, 5000}, 0, 2, false},
      {"-1.5", {1, 5000}, 0, 1, true},
      {"0.01", {100}, -1, 2, false},
      {"10000", {1}, 1, 0, false},
      {"0.0001", {1}, -1, 4, false},
      {"00012.3400", {12, 3400}, 0, 4, false},
      {"1e-20", {1}, -5, 20, false},
      {"1.5e3", {1500}, 0, 0, false},
      {"1.5E+5", {15}, 1, 0, false},
      {"-12.5e-3", {125}, -1, 4, true},
      {" +.5 ", {5000}, -1, 1, false},
      {"5.", {5}, 0, 0, false},
      {"123456789012345678901234567890.123456789",
       {12, 3456, 7890, 1234, 5678, 9012, 3456, 7890, 1234, 5678, 9000},
       7,
       9,
       false},
      {"0.000000001234", {1234}, -3, 12, false},
      {"1e-16383", {10}, -4096, 16383, false},
      {"1e131071", {1000}, 32767, 0, false},
  };
  for (const Case& c : cases) {
    NumericParts p = Numeric(c.text);
    EXPECT_EQ(p.kind, NumericKind::kFinite) << c.text;
    EXPECT_EQ(p.digits, c.digits) << c.text;
    EXPECT_EQ(p.weight, c.weight) << c.text;
    EXPECT_EQ(p.dscale, c.dscale) << c.text;
    EXPECT_EQ(p.negative, c.negative) << c.text;
  }
}

TEST_F(DatumTest, NumericZeroIsPositiveWithNoDigits) {
  for (const char* zero : {"0", "-0", "-0.000", "0e200000", "000.000"}) {
    NumericParts p = Numeric(zero);
    EXPECT_TRUE(p.digits.empty()) << zero;
    EXPECT_EQ(p.weight, 0) << zero;
    EXPECT_FALSE(p.negative) << zero;
  }
  EXPECT_EQ(Numeric("-0.000").dscale, 3);
}

TEST_F(DatumTest, NumericSpecialValues) {
  EXPECT_EQ(Numeric("NaN").kind, NumericKind::kNaN);
  EXPECT_EQ(Numeric(" nan ").kind, NumericKind::kNaN);
  EXPECT_EQ(Numeric("Infinity").kind, NumericKind::kPlusInfinity);
  EXPECT_EQ(Numeric("+inf").kind, NumericKind::kPlusInfinity);
  EXPECT_EQ(Numeric("-Infinity").kind, NumericKind::kMinusInfinity);
  EXPECT_EQ(Numeric("-INF").kind, NumericKind::kMinusInfinity);
  TextError(PgType::kNumeric, "-NaN");
  TextError(PgType::kNumeric, "+NaN");
}

TEST_F(DatumTest, NumericLimitsOverflow) {
  EXPECT_EQ(TextError(PgType::kNumeric, "1e-16384"),
            "value overflows numeric format: \"1e-16384\"");
  TextError(PgType::kNumeric, "1e131072");
  TextError(PgType::kNumeric, "0e-20000");  // display scale too large, even for zero
  TextError(PgType::kNumeric, "1e2147483647");
  TextError(PgType::kNumeric, "1e1073741823");
}

TEST_F(DatumTest, NumericSyntaxErrors) {
  for (const char* bad : {"", ".", "1.5e", "e5", "1_000", "0x10", "1 2", "--1", "1.2.3", "1e+",
                          "Infinityx", "1e5.5"}) {
    EXPECT_NE(TextError(PgType::kNumeric, bad).find("invalid input syntax for type numeric"),
              std::string::npos)
        << bad;
  }
}

std::string NumericBinary(uint16_t ndigits, int16_t weight, uint16_t sign, uint16_t dscale,
                          const std::vector<int16_t>& digits) {
  std::string s = Be16(ndigits) + Be16(static_cast<uint16_t>(weight)) + Be16(sign) + Be16(dscale);
  for (int16_t d : digits) s += Be16(static_cast<uint16_t>(d));
  return s;
}

TEST_F(DatumTest, NumericBinaryMatchesText) {
  NumericParts p = Parts(Binary(PgType::kNumeric, NumericBinary(2, 0, 0x4000, 1, {1, 5000})));
  EXPECT_EQ(p.digits, (std::vector<int16_t>{1, 5000}));
  EXPECT_EQ(p.weight, 0);
  EXPECT_EQ(p.dscale, 1);
  EXPECT_TRUE(p.negative);
  EXPECT_EQ(Parts(Binary(PgType::kNumeric, NumericBinary(0, 0, 0xC000, 0, {}))).kind,
            NumericKind::kNaN);
  EXPECT_EQ(Parts(Binary(PgType::kNumeric, NumericBinary(0, 0, 0xD000, 0, {}))).kind,
            NumericKind::kPlusInfinity);
  EXPECT_EQ(Parts(Binary(PgType::kNumeric, NumericBinary(0, 0, 0xF000, 0, {}))).kind,
            NumericKind::kMinusInfinity);
}

TEST_F(DatumTest, NumericBinaryTruncatesDigitsHiddenByScale) {
  // numeric_recv applies trunc_var(dscale): 1.5678 sent with dscale 2 is 1.56.
  NumericParts p = Parts(Binary(PgType::kNumeric, NumericBinary(2, 0, 0, 2, {1, 5678})));
  EXPECT_EQ(p.digits, (std::vector<int16_t>{1, 5600}));
  p = Parts(Binary(PgType::kNumeric, NumericBinary(2, 0, 0, 0, {1, 5678})));
  EXPECT_EQ(p.digits, (std::vector<int16_t>{1}));
  p = Parts(Binary(PgType::kNumeric, NumericBinary(1, -1, 0x4000, 0, {5000})));
  EXPECT_TRUE(p.digits.empty());  // -0.5 at scale 0 is zero
  EXPECT_FALSE(p.negative);
  p = Parts(Binary(PgType::kNumeric, NumericBinary(3, 1, 0, 0, {0, 7, 0})));
  EXPECT_EQ(p.digits, (std::vector<int16_t>{7}));  // leading and trailing zeros stripped
  EXPECT_EQ(p.weight, 0);
}

TEST_F(DatumTest, NumericBinaryRejectsMalformedInput) {
  BinaryError(PgType::kNumeric, NumericBinary(1, 0, 0, 0, {10000}));  // digit out of range
  BinaryError(PgType::kNumeric, NumericBinary(1, 0, 0, 0, {-1}));
  BinaryError(PgType::kNumeric, NumericBinary(1, 0, 0x8000, 0, {1}));  // bad sign
  BinaryError(PgType::kNumeric, NumericBinary(1, 0, 0, 0x4000, {1}));  // bad scale
  BinaryError(PgType::kNumeric, NumericBinary(2, 0, 0, 0, {1}));       // too few digits
  BinaryError(PgType::kNumeric, "\x00\x01"s);
}

// ---- text types and COPY escaping ----------------------------------------------------------

TEST_F(DatumTest, TextKeepsBytesAndTrailingSpaces) {
  EXPECT_EQ(Text(PgType::kText, "ab  ").bytes, "ab  ");
  EXPECT_EQ(Text(PgType::kBpchar, "ab   ").bytes, "ab   ");  // padding is the hash's business
  EXPECT_EQ(Text(PgType::kVarchar, "").bytes, "");
}

TEST_F(DatumTest, CopyTextFieldWithoutEscapesIsParsedInPlace) {
  const std::string row = "some text";
  Datum d = Copy(CopyFormat::kText, PgType::kText, row);
  EXPECT_EQ(d.bytes.data(), row.data());
}

TEST_F(DatumTest, CopyTextBackslashEscapes) {
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "a\\tb").bytes, "a\tb");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "\\b\\f\\n\\r\\v").bytes, "\b\f\n\r\v");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "a\\\\b").bytes, "a\\b");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "\\101\\60x").bytes, "A0x");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "\\x41\\x4").bytes, "A\x04");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "\\xg").bytes, "xg");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "\\q\\.").bytes, "q.");
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kText, "end\\").bytes, "end\\");
}

TEST_F(DatumTest, CopyTextNullIsExactlyBackslashN) {
  EXPECT_TRUE(Copy(CopyFormat::kText, PgType::kInt8, "\\N").is_null);
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kInt8, "\\N").type, PgType::kInt8);
  Datum text = Copy(CopyFormat::kText, PgType::kText, "\\\\N");  // the two-byte string \N
  EXPECT_FALSE(text.is_null);
  EXPECT_EQ(text.bytes, "\\N");
  EXPECT_FALSE(Copy(CopyFormat::kText, PgType::kText, "").is_null);
  EXPECT_FALSE(Copy(CopyFormat::kText, PgType::kText, "\\N ").is_null);
}

TEST_F(DatumTest, CsvQuoting) {
  EXPECT_TRUE(Copy(CopyFormat::kCsv, PgType::kText, "").is_null);
  Datum empty = Copy(CopyFormat::kCsv, PgType::kText, "\"\"");
  EXPECT_FALSE(empty.is_null);
  EXPECT_EQ(empty.bytes, "");
  EXPECT_EQ(Copy(CopyFormat::kCsv, PgType::kText, "\"a\"\"b\"").bytes, "a\"b");
  EXPECT_EQ(Copy(CopyFormat::kCsv, PgType::kText, "\"a,b\nc\"").bytes, "a,b\nc");
  EXPECT_EQ(Copy(CopyFormat::kCsv, PgType::kText, "ab\"c,d\"e").bytes, "abc,de");
  EXPECT_EQ(Copy(CopyFormat::kCsv, PgType::kText, "\\N").bytes, "\\N");  // no escapes in CSV
  EXPECT_EQ(Copy(CopyFormat::kCsv, PgType::kInt4, "\"42\"").integer, 42);
  EXPECT_NE(CopyError(CopyFormat::kCsv, PgType::kText, "\"abc").find("unterminated"),
            std::string::npos);
}

// ---- bytea ---------------------------------------------------------------------------------

TEST_F(DatumTest, ByteaHexFormat) {
  EXPECT_EQ(Text(PgType::kBytea, "\\x0102ff").bytes, "\x01\x02\xff"s);
  EXPECT_EQ(Text(PgType::kBytea, "\\x01 02\n0A").bytes, "\x01\x02\x0a"s);
  EXPECT_EQ(Text(PgType::kBytea, "\\x").bytes, "");
  EXPECT_NE(TextError(PgType::kBytea, "\\x0").find("odd number of digits"), std::string::npos);
  EXPECT_NE(TextError(PgType::kBytea, "\\xzz").find("invalid hexadecimal digit"),
            std::string::npos);
  TextError(PgType::kBytea, "\\x0 1");  // no blank inside a pair
}

TEST_F(DatumTest, ByteaEscapeFormat) {
  EXPECT_EQ(Text(PgType::kBytea, "abc").bytes, "abc");
  EXPECT_EQ(Text(PgType::kBytea, "a\\\\b").bytes, "a\\b");
  EXPECT_EQ(Text(PgType::kBytea, "\\000\\377").bytes, "\x00\xff"s);
  TextError(PgType::kBytea, "\\400");
  TextError(PgType::kBytea, "\\9");
  TextError(PgType::kBytea, "a\\");
}

TEST_F(DatumTest, ByteaThroughEachCopyFormat) {
  EXPECT_EQ(Copy(CopyFormat::kText, PgType::kBytea, "\\\\x0102").bytes, "\x01\x02"s);
  EXPECT_EQ(Copy(CopyFormat::kCsv, PgType::kBytea, "\\x0102").bytes, "\x01\x02"s);
  EXPECT_EQ(Binary(PgType::kBytea, "\x01\x02"s).bytes, "\x01\x02"s);
}

// ---- dates and times -----------------------------------------------------------------------

TEST_F(DatumTest, DateIsDaysSince2000) {
  EXPECT_EQ(Text(PgType::kDate, "2000-01-01").integer, 0);
  EXPECT_EQ(Text(PgType::kDate, "2018-11-25").integer, 6903);
  EXPECT_EQ(Text(PgType::kDate, "1999-12-31").integer, -1);
  EXPECT_EQ(Text(PgType::kDate, "2000-02-29").integer, 59);
  EXPECT_EQ(Text(PgType::kDate, "0001-01-01 BC").integer, -730485);
  EXPECT_EQ(Text(PgType::kDate, "2018-11-25 bc").integer,
            Text(PgType::kDate, "2018-11-25 BC").integer);
  EXPECT_EQ(Text(PgType::kDate, "4714-11-24 BC").integer, -2451545);
  EXPECT_EQ(Text(PgType::kDate, "5874897-12-31").integer, 2145031948);
  EXPECT_EQ(Text(PgType::kDate, "infinity").integer, INT32_MAX);
  EXPECT_EQ(Text(PgType::kDate, "-infinity").integer, INT32_MIN);
  EXPECT_EQ(Text(PgType::kDate, " 2018-11-25 ").integer, 6903);
}

TEST_F(DatumTest, DateLeapYearsUseAstronomicalNumbering) {
  EXPECT_EQ(Text(PgType::kDate, "0005-02-29 BC").integer, -731887);  // 5 BC is year -4
  TextError(PgType::kDate, "0004-02-29 BC");
  TextError(PgType::kDate, "1900-02-29");
  EXPECT_EQ(Text(PgType::kDate, "1600-02-29").type, PgType::kDate);
}

TEST_F(DatumTest, DateRejectsWhatItCannotReadWithCertainty) {
  for (const char* bad :
       {"0000-01-01", "2018-02-30", "2018-13-01", "4714-11-23 BC", "5874898-01-01", "18-11-25",
        "2018/11/25", "11-25-2018", "2018-11-25x", "epoch", "today", ""}) {
    TextError(PgType::kDate, bad);
  }
}

TEST_F(DatumTest, TimeOfDay) {
  EXPECT_EQ(Text(PgType::kTime, "00:00:00").integer, 0);
  EXPECT_EQ(Text(PgType::kTime, "24:00:00").integer, kUsecPerDay);
  EXPECT_EQ(Text(PgType::kTime, "12:34:56.789012").integer, 45296789012);
  EXPECT_EQ(Text(PgType::kTime, "12:00").integer, 43200000000);
  EXPECT_EQ(Text(PgType::kTime, "12:00:00.").integer, 43200000000);
  EXPECT_EQ(Text(PgType::kTime, "12:00+05").integer, 43200000000);  // time ignores an offset
  // More than six fractional digits round like rint(): half to even.
  EXPECT_EQ(Text(PgType::kTime, "12:00:00.0000005").integer, 43200000000);
  EXPECT_EQ(Text(PgType::kTime, "12:00:00.0000015").integer, 43200000002);
  for (const char* bad : {"24:00:01", "12:60:00", "25:00", "noon", "12", "12:5"}) {
    TextError(PgType::kTime, bad);
  }
}

TEST_F(DatumTest, TimestampIsMicrosecondsSince2000) {
  EXPECT_EQ(Text(PgType::kTimestamp, "2018-11-25 01:23:45").integer, 596424225000000);
  EXPECT_EQ(Text(PgType::kTimestamp, "2018-11-25T01:23:45").integer, 596424225000000);
  EXPECT_EQ(Text(PgType::kTimestamp, "2018-11-25 01:23:45.5").integer, 596424225500000);
  EXPECT_EQ(Text(PgType::kTimestamp, "2018-11-25").integer, 6903 * kUsecPerDay);
  EXPECT_EQ(Text(PgType::kTimestamp, "0001-01-01 BC").integer, -730485 * kUsecPerDay);
  EXPECT_EQ(Text(PgType::kTimestamp, "0044-03-15 12:00:00 BC").integer, -64464465600000000);
  EXPECT_EQ(Text(PgType::kTimestamp, "294276-12-31 23:59:59.999999").integer, 9223371331199999999);
  EXPECT_EQ(Text(PgType::kTimestamp, "4714-11-24 00:00:00 BC").integer, -211813488000000000);
  EXPECT_EQ(Text(PgType::kTimestamp, "2000-01-01 23:59:59.9999999").integer, kUsecPerDay);
  EXPECT_EQ(Text(PgType::kTimestamp, "infinity").integer, INT64_MAX);
  EXPECT_EQ(Text(PgType::kTimestamp, "-infinity").integer, INT64_MIN);
  // timestamp without time zone ignores an offset, as timestamp_in does.
  EXPECT_EQ(Text(PgType::kTimestamp, "2018-11-25 01:23:45+05").integer, 596424225000000);
  EXPECT_EQ(Text(PgType::kTimestamp, "2018-11-25 01:23").integer, 596424180000000);
  for (const char* bad : {"294277-01-01 00:00:00", "4714-11-23 23:59:59 BC", "2018-11-25 25:00:00",
                          "2018-11-25 1:2:3", "2018-11-25 01:23:45 PST", "now", "epoch"}) {
    TextError(PgType::kTimestamp, bad);
  }
}

TEST_F(DatumTest, TimestamptzConvertsTheOffsetToUtc) {
  const int64_t utc = 596424225000000;  // 2018-11-25 01:23:45 UTC
  EXPECT_EQ(Text(PgType::kTimestamptz, "2018-11-25 01:23:45+00").integer, utc);
  EXPECT_EQ(Text(PgType::kTimestamptz, "2018-11-25 06:53:45+05:30").integer, utc);
  EXPECT_EQ(Text(PgType::kTimestamptz, "2018-11-25 06:53:45+0530").integer, utc);
  EXPECT_EQ(Text(PgType::kTimestamptz, "2018-11-24 21:53:45-03:30").integer, utc);
  EXPECT_EQ(Text(PgType::kTimestamptz, "2018-11-25 14:08:45+12:45").integer, utc);
  // Local mean time offsets carry seconds; BC follows the offset.
  EXPECT_EQ(Text(PgType::kTimestamptz, "1800-01-01 00:00:00-03:30:52").integer, -6311334548000000);
  EXPECT_EQ(Text(PgType::kTimestamptz, "0044-03-15 12:00:00-03:30:52 BC").integer,
            -64464452948000000);
  EXPECT_EQ(Text(PgType::kTimestamptz, "infinity").integer, INT64_MAX);
}

TEST_F(DatumTest, TimestamptzWithoutOffsetIsRefused) {
  EXPECT_NE(TextError(PgType::kTimestamptz, "2018-11-25 01:23:45").find("TimeZone"),
            std::string::npos);
  TextError(PgType::kTimestamptz, "2018-11-25");
  TextError(PgType::kTimestamptz, "2018-11-25 01:23:45+16");  // beyond PostgreSQL's limit
  TextError(PgType::kTimestamptz, "2018-11-25 01:23:45+05:60");
  TextError(PgType::kTimestamptz, "2018-11-25 01:23:45+123");
}

TEST_F(DatumTest, IntervalInPostgresStyle) {
  struct Case {
    const char* text;
    int64_t time;
    int32_t day;
    int32_t month;
  };
  const Case cases[] = {
      {"1 year 2 mons 3 days 04:05:06.789", 14706789000, 3, 14},
      {"-1 days +02:03:00", 7380000000, -1, 0},
      {"00:00:00", 0, 0, 0},
      {"-1 mons", 0, 0, -1},
      {"1 mon", 0, 0, 1},
      {"-00:00:01", -1000000, 0, 0},
      {"1 day -00:00:01", -1000000, 1, 0},
      {"-1 years +1 day", 0, 1, -12},
      {"1 year -1 mons", 0, 0, 11},
      {"2562047788:00:54.775807", INT64_MAX, 0, 0},
      {"-178956970 years -8 mons", 0, 0, INT32_MIN},
      {"-2147483648 days", 0, INT32_MIN, 0},
      {"178956970 years 7 mons 2147483647 days 2562047788:00:54.775807", INT64_MAX, INT32_MAX,
       INT32_MAX},
      {"-00:00:00.5", -500000, 0, 0},
  };
  for (const Case& c : cases) {
    Datum d = Text(PgType::kInterval, c.text);
    EXPECT_EQ(d.interval.time_us, c.time) << c.text;
    EXPECT_EQ(d.interval.day, c.day) << c.text;
    EXPECT_EQ(d.interval.month, c.month) << c.text;
  }
}

TEST_F(DatumTest, IntervalRefusesOtherStylesAndOverflow) {
  for (const char* bad : {"P1Y2M", "@ 1 hour", "1-2", "1.5 years", "1 hour", "1 year 1 year", "",
                          "5", "1 day 01:60:00", "ago", "1 day ago", "infinity"}) {
    TextError(PgType::kInterval, bad);
  }
  EXPECT_NE(TextError(PgType::kInterval, "178956971 years").find("out of range"),
            std::string::npos);
  TextError(PgType::kInterval, "2147483648 days");
  TextError(PgType::kInterval, "2562047788:00:54.775808");
}

// ---- uuid and network types ----------------------------------------------------------------

TEST_F(DatumTest, UuidSpellings) {
  const std::array<uint8_t, 16> want = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                                        0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  for (const char* s :
       {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "A0EEBC999C0B4EF8BB6D6BB9BD380A11", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"}) {
    EXPECT_EQ(Text(PgType::kUuid, s).uuid, want) << s;
  }
  for (const char* bad :
       {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc999c0b4ef8bb6d6bb9bd380a11x",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "a0e-ebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ""}) {
    TextError(PgType::kUuid, bad);
  }
  EXPECT_EQ(Binary(PgType::kUuid, std::string(want.begin(), want.end())).uuid, want);
}

TEST_F(DatumTest, InetIpv4) {
  Datum d = Text(PgType::kInet, "10.1.2.3/8");
  EXPECT_EQ(d.inet.family, 2);
  EXPECT_EQ(d.inet.bits, 8);
  EXPECT_EQ(d.inet.address[0], 10);
  EXPECT_EQ(d.inet.address[3], 3);  // host bits are kept for inet
  EXPECT_EQ(Text(PgType::kInet, "10.1.2.3").inet.bits, 32);
  EXPECT_EQ(Text(PgType::kInet, "010.001.002.003").inet.address[1], 1);
  EXPECT_EQ(Text(PgType::kInet, "1.2.3.4/032").inet.bits, 32);
  EXPECT_EQ(Text(PgType::kInet, "1.2.3.4/0").inet.bits, 0);
}

TEST_F(DatumTest, InetIpv6) {
  Datum d = Text(PgType::kInet, "::ffff:1.2.3.4");
  EXPECT_EQ(d.inet.family, 3);
  EXPECT_EQ(d.inet.bits, 128);
  const std::array<uint8_t, 16> mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
  EXPECT_EQ(d.inet.address, mapped);
  const std::array<uint8_t, 16> doc = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(Text(PgType::kInet, "2001:DB8::1/64").inet.address, doc);
  EXPECT_EQ(Text(PgType::kInet, "2001:DB8::1/64").inet.bits, 64);
  EXPECT_EQ(Text(PgType::kInet, "::").inet.address, (std::array<uint8_t, 16>{}));
  EXPECT_EQ(Text(PgType::kInet, "1:2:3:4:5:6:7:8").inet.address[15], 8);
  EXPECT_EQ(Text(PgType::kInet, "1::").inet.address[1], 1);
  EXPECT_EQ(Text(PgType::kInet, "1:2:3:4:5:6:1.2.3.4").inet.address[12], 1);
}

TEST_F(DatumTest, InetRefusesAbbreviationsAndNonsense) {
  for (const char* bad :
       {"10.1", "10/8", "1.2.3.256", "1.2.3.4/33", " 10.1.2.3", "1.2.3.4/", "1::2::3", ":1",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "::1/0128", "::1/129", "12345::", "::1.2.3.4:5",
        "1:2:3:4:5:6:7:1.2.3.4", "1:", "", "0x0a.1.2.3"}) {
    TextError(PgType::kInet, bad);
  }
}

TEST_F(DatumTest, CidrRequiresClearHostBits) {
  EXPECT_EQ(Text(PgType::kCidr, "10.1.2.0/24").inet.bits, 24);
  EXPECT_EQ(Text(PgType::kCidr, "10.1.2.3").inet.bits, 32);
  EXPECT_EQ(Text(PgType::kCidr, "::/0").inet.bits, 0);
  EXPECT_NE(TextError(PgType::kCidr, "10.1.2.3/24").find("bits set to right of mask"),
            std::string::npos);
  TextError(PgType::kCidr, "2001:db8::1/32");
  Text(PgType::kInet, "10.1.2.3/24");  // fine for inet
}

// ---- binary format -------------------------------------------------------------------------

TEST_F(DatumTest, BinaryFixedSizeTypesAreBigEndian) {
  EXPECT_EQ(Binary(PgType::kInt2, Be16(0xFFFE)).integer, -2);
  EXPECT_EQ(Binary(PgType::kInt4, Be32(0x80000000)).integer, INT32_MIN);
  EXPECT_EQ(Binary(PgType::kInt8, Be64(0x0102030405060708)).integer, 0x0102030405060708);
  EXPECT_EQ(Binary(PgType::kOid, Be32(0xFFFFFFFF)).integer, 4294967295);
  EXPECT_EQ(Binary(PgType::kFloat8, Be64(0x3FF8000000000000)).real, 1.5);
  EXPECT_EQ(Binary(PgType::kFloat4, Be32(0x3FC00000)).real, 1.5);
  EXPECT_EQ(Binary(PgType::kBool, "\x01"s).integer, 1);
  EXPECT_EQ(Binary(PgType::kBool, "\x00"s).integer, 0);
  EXPECT_EQ(Binary(PgType::kChar, "\xe9"s).integer, 0xE9);
  EXPECT_EQ(Binary(PgType::kDate, Be32(6903)).integer, 6903);
  EXPECT_EQ(Binary(PgType::kTime, Be64(kUsecPerDay)).integer, kUsecPerDay);
  EXPECT_EQ(Binary(PgType::kTimestamptz, Be64(0x7FFFFFFFFFFFFFFF)).integer, INT64_MAX);
  Datum iv = Binary(PgType::kInterval, Be64(7380000000) + Be32(0xFFFFFFFF) + Be32(14));
  EXPECT_EQ(iv.interval.time_us, 7380000000);
  EXPECT_EQ(iv.interval.day, -1);
  EXPECT_EQ(iv.interval.month, 14);
}

TEST_F(DatumTest, BinaryRejectsWrongSizesAndRanges) {
  EXPECT_NE(BinaryError(PgType::kInt8, Be32(1)).find("expected 8 bytes, got 4"), std::string::npos);
  BinaryError(PgType::kInt4, Be64(1));
  BinaryError(PgType::kBool, "");
  BinaryError(PgType::kTime, Be64(kUsecPerDay + 1));
  BinaryError(PgType::kDate, Be32(2145031949));
  BinaryError(PgType::kTimestamp, Be64(9223371331200000000ULL));
  BinaryError(PgType::kInterval, Be64(1));
}

TEST_F(DatumTest, BinaryInet) {
  Datum d = Binary(PgType::kCidr, "\x02\x18\x01\x04\x0a\x01\x02\x00"s);
  EXPECT_EQ(d.inet.family, 2);
  EXPECT_EQ(d.inet.bits, 24);
  EXPECT_EQ(d.inet.address[2], 2);
  BinaryError(PgType::kCidr, "\x02\x18\x01\x04\x0a\x01\x02\x03"s);  // host bits set
  BinaryError(PgType::kInet, "\x07\x18\x00\x04\x0a\x01\x02\x03"s);  // unknown family
  BinaryError(PgType::kInet, "\x02\x21\x00\x04\x0a\x01\x02\x03"s);  // 33 bits
  BinaryError(PgType::kInet, "\x02\x18\x00\x10\x0a\x01\x02\x03"s);  // length mismatch
  EXPECT_EQ(Binary(PgType::kInet, "\x03\x80\x00\x10"s + std::string(15, '\0') + "\x01").inet.family,
            3);
}

TEST_F(DatumTest, BinaryNullAndLengthWord) {
  Datum d = Copy(CopyFormat::kBinary, PgType::kInt8, Be32(0xFFFFFFFF));
  EXPECT_TRUE(d.is_null);
  CopyError(CopyFormat::kBinary, PgType::kInt8, Be32(0xFFFFFFFF) + "x");
  CopyError(CopyFormat::kBinary, PgType::kInt8, Be32(9) + Be64(1));
  CopyError(CopyFormat::kBinary, PgType::kInt8, "\x00\x00"s);
}

// ---- finding fields in rows ----------------------------------------------------------------

TEST(FindCopyFields, TextRowsSplitOnUnescapedTabs) {
  std::string error;
  std::string_view fields[2];
  const int columns[] = {2, 0};
  ASSERT_TRUE(FindCopyFields(CopyFormat::kText, "a\tb\tc\td", columns, fields, &error)) << error;
  EXPECT_EQ(fields[0], "c");
  EXPECT_EQ(fields[1], "a");
  // A backslash-escaped tab is data; an escaped backslash before a tab is not.
  const int first_two[] = {1, 0};
  ASSERT_TRUE(FindCopyFields(CopyFormat::kText, "a\\\tb\tc", first_two, fields, &error)) << error;
  EXPECT_EQ(fields[0], "c");
  EXPECT_EQ(fields[1], "a\\\tb");
  ASSERT_TRUE(FindCopyFields(CopyFormat::kText, "a\\\\\tb", first_two, fields, &error)) << error;
  EXPECT_EQ(fields[0], "b");
  EXPECT_EQ(fields[1], "a\\\\");
}

TEST(FindCopyFields, TextRowWithTooFewFields) {
  std::string error;
  std::string_view field;
  const int column[] = {3};
  EXPECT_FALSE(FindCopyFields(CopyFormat::kText, "a\tb", column, {&field, 1}, &error));
  EXPECT_EQ(error, "row has 2 fields, key column 4 is missing");
  const int first[] = {0};
  ASSERT_TRUE(FindCopyFields(CopyFormat::kText, "", first, {&field, 1}, &error));
  EXPECT_EQ(field, "");
  EXPECT_FALSE(FindCopyFields(CopyFormat::kText, "a", {}, {}, &error));
}

TEST(FindCopyFields, CsvRowsSplitOnUnquotedCommas) {
  std::string error;
  std::string_view fields[2];
  const int columns[] = {1, 2};
  ASSERT_TRUE(FindCopyFields(CopyFormat::kCsv, "1,\"a,\"\"b\nc\",,4", columns, fields, &error))
      << error;
  EXPECT_EQ(fields[0], "\"a,\"\"b\nc\"");
  EXPECT_EQ(fields[1], "");
}

TEST(FindCopyFields, BinaryTuples) {
  const std::string tuple = Be16(3) + Be32(8) + Be64(42) + Be32(0xFFFFFFFF) + Be32(2) + "hi";
  std::string error;
  std::string_view fields[3];
  const int columns[] = {2, 1, 0};
  ASSERT_TRUE(FindCopyFields(CopyFormat::kBinary, tuple, columns, fields, &error)) << error;
  EXPECT_EQ(fields[0], Be32(2) + "hi");
  EXPECT_EQ(fields[1], Be32(0xFFFFFFFF));
  EXPECT_EQ(fields[2], Be32(8) + Be64(42));
  const int fourth[] = {3};
  EXPECT_FALSE(FindCopyFields(CopyFormat::kBinary, tuple, fourth, {fields, 1}, &error));
  EXPECT_EQ(error, "row has 3 fields, key column 4 is missing");
  EXPECT_FALSE(FindCopyFields(CopyFormat::kBinary, tuple.substr(0, tuple.size() - 1), columns,
                              fields, &error));
  EXPECT_EQ(error, "binary COPY tuple is truncated");
}

// ---- KeyParser -----------------------------------------------------------------------------

TEST(KeyParser, ParsesMultiColumnKeysWithNulls) {
  auto parser = KeyParser::Create(CopyFormat::kText, {3, 1}, {PgType::kNumeric, PgType::kText});
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  std::string error;
  ASSERT_TRUE(parser->Parse("x\tab\\tc\ty\t1.50\tz", &error)) << error;
  ASSERT_EQ(parser->key().size(), 2u);
  EXPECT_EQ(parser->key()[0].type, PgType::kNumeric);
  EXPECT_EQ(parser->key()[0].numeric.dscale, 2);
  EXPECT_EQ(parser->key()[1].bytes, "ab\tc");
  ASSERT_TRUE(parser->Parse("x\t\\N\ty\t\\N", &error)) << error;
  EXPECT_TRUE(parser->key()[0].is_null);
  EXPECT_TRUE(parser->key()[1].is_null);
}

TEST(KeyParser, ErrorsNameTheColumn) {
  auto parser = KeyParser::Create(CopyFormat::kCsv, {0, 1}, {PgType::kInt4, PgType::kDate});
  ASSERT_TRUE(parser.ok());
  std::string error;
  EXPECT_FALSE(parser->Parse("1,2018-02-30", &error));
  EXPECT_EQ(error, "key column 2: value \"2018-02-30\" is out of range for type date");
  EXPECT_FALSE(parser->Parse("1", &error));
  EXPECT_EQ(error, "row has 1 fields, key column 2 is missing");
}

TEST(KeyParser, CreateRefusesInconsistentKeys) {
  EXPECT_FALSE(KeyParser::Create(CopyFormat::kText, {}, {}).ok());
  EXPECT_FALSE(KeyParser::Create(CopyFormat::kText, {0}, {PgType::kInt4, PgType::kInt4}).ok());
  EXPECT_FALSE(KeyParser::Create(CopyFormat::kText, {1, 1}, {PgType::kInt4, PgType::kInt4}).ok());
  EXPECT_FALSE(KeyParser::Create(CopyFormat::kText, {-1}, {PgType::kInt4}).ok());
}

}  // namespace
}  // namespace segstream
