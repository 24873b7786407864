// Every row of shared/testdata/pg-hashfn-vectors.csv (hash function outputs published or
// computed on PostgreSQL 15.20) is one test case, plus edge cases whose expected values were
// computed on a PostgreSQL 15.20 server with the SQL shown beside them.
#include "lib/common/hash/pg_hash.h"
#include "lib/common/testing/test_util.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "lib/common/hash/datum.h"
#include "lib/common/hash/distribution_hash.h"

namespace segstream {
namespace {

// ---- reading the vectors file --------------------------------------------------------------

using segstream::testing::ParseCsv;
using segstream::testing::TestDataPath;

struct VectorRow {
  int line = 0;  // 1-based line in the file; 0 when the file could not be read
  std::string error;
  std::vector<std::string> fields;
};

// So a failing case prints as its line of the file rather than as bytes.
void PrintTo(const VectorRow& row, std::ostream* os) {
  *os << "line " << row.line << ":";
  for (const std::string& f : row.fields) *os << " [" << f << "]";
}

std::vector<VectorRow> LoadRows(const std::string& file) {
  const std::string path = TestDataPath(file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {VectorRow{0,
                      "cannot read " + path +
                          " (set SEGSTREAM_TESTDATA to the directory"
                          " holding " +
                          file + ")",
                      {}}};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto records = ParseCsv(ss.str());
  std::vector<VectorRow> rows;
  for (size_t i = 1; i < records.size(); ++i) {  // record 0 is the header
    rows.push_back(VectorRow{static_cast<int>(i + 1), "", records[i]});
  }
  if (rows.empty()) rows.push_back(VectorRow{0, path + " has no data rows", {}});
  return rows;
}

std::string RowName(const ::testing::TestParamInfo<VectorRow>& info) {
  if (info.param.line == 0) return "missing_file";
  std::string name = "line" + std::to_string(info.param.line) + "_";
  for (char c : info.param.fields.empty() ? std::string() : info.param.fields[0]) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

// ---- evaluating a row ----------------------------------------------------------------------

std::string Trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// "'abc'" or "'ab   '::bpchar" -> abc / "ab   ".
std::string Unquote(const std::string& arg) {
  std::string s = Trim(arg);
  size_t open = s.find('\''), close = s.rfind('\'');
  if (open == std::string::npos || close == open) return s;
  return s.substr(open + 1, close - open - 1);
}

// Splits "a, b" at the first comma outside quotes.
std::pair<std::string, std::string> TwoArgs(const std::string& args) {
  bool quoted = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == '\'') quoted = !quoted;
    if (args[i] == ',' && !quoted) return {Trim(args.substr(0, i)), Trim(args.substr(i + 1))};
  }
  return {Trim(args), ""};
}

Datum Parse(PgType type, const std::string& text, DatumBuffer* buffer) {
  Datum d;
  std::string error;
  EXPECT_TRUE(ParseTextValue(type, text, buffer, &d, &error)) << error;
  return d;
}

int32_t AsInt32(uint32_t v) { return static_cast<int32_t>(v); }
int64_t AsInt64(uint64_t v) { return static_cast<int64_t>(v); }

// Computes the row's function on its arguments, as the signed number PostgreSQL prints.
// Fails the test for a function this evaluator does not know, so new rows cannot be skipped.
bool Evaluate(const std::string& function, const std::string& args, int64_t* result) {
  DatumBuffer buffer;
  auto [arg1, arg2] = TwoArgs(args);
  const std::string& seed_text = arg2;  // clang 14 (make lint) cannot capture a binding
  auto seed = [&seed_text] { return static_cast<uint64_t>(std::stoll(seed_text)); };
  if (function == "hashint4") {
    *result = AsInt32(HashInt4(std::stoi(args)));  // "6903 (= date ...)" reads as 6903
  } else if (function == "hashint8") {
    *result = AsInt32(HashInt8(std::stoll(args)));
  } else if (function == "hashtext") {
    *result = AsInt32(HashText(Unquote(args)));
  } else if (function == "hashbpchar") {
    *result = AsInt32(HashBpchar(Unquote(args)));
  } else if (function == "hash_numeric") {
    Datum d = Parse(PgType::kNumeric, args, &buffer);
    *result = AsInt32(DatumHash32(d));
  } else if (function == "hash_numeric_extended") {
    Datum d = Parse(PgType::kNumeric, arg1, &buffer);
    *result = AsInt64(DatumHashExtended(d, seed()));
  } else if (function == "hashfloat8") {
    *result = AsInt32(HashFloat8(std::stod(args)));
  } else if (function == "hashint4extended") {
    *result = AsInt64(HashInt4Extended(std::stoi(arg1), seed()));
  } else if (function == "hashtextextended") {
    *result = AsInt64(HashTextExtended(Unquote(arg1), seed()));
  } else if (function == "timestamp_hash") {
    Datum d = Parse(PgType::kTimestamp, Unquote(args), &buffer);
    *result = AsInt32(DatumHash32(d));
  } else if (function == "uuid_hash") {
    Datum d = Parse(PgType::kUuid, Unquote(args), &buffer);
    *result = AsInt32(DatumHash32(d));
  } else if (function == "hashchar / bool") {
    Datum d = Parse(PgType::kBool, args.substr(0, args.find(' ')), &buffer);
    *result = AsInt32(DatumHash32(d));
  } else if (function == "hash_combine64") {
    // "a=0, b=13894928895973315681"
    const uint64_t a = std::stoull(arg1.substr(arg1.find('=') + 1));
    const uint64_t b = std::stoull(arg2.substr(arg2.find('=') + 1));
    *result = AsInt64(HashCombine64(a, b));
  } else if (function == "constant" && args.rfind("HASH_PARTITION_SEED", 0) == 0) {
    *result = AsInt64(kHashPartitionSeed);
  } else if (function == "constant" && args.rfind("hash_combine64 addend", 0) == 0) {
    *result = AsInt64(HashCombine64(0, 0));
  } else if (function == "satisfies_hash_partition") {
    // "text key 'abc', modulus 4 -> remainder" or "(int4 1, text 'abc'), modulus 8 -> ..."
    const size_t modulus_at = args.rfind("modulus ");
    if (modulus_at == std::string::npos) return false;
    const uint64_t modulus = std::stoull(args.substr(modulus_at + 8));
    // Collect (type, value text) first: parsed text values point into their strings.
    std::vector<std::pair<PgType, std::string>> columns;
    std::string spec = args.substr(0, args.rfind(','));
    if (spec.rfind("text key ", 0) == 0) {
      columns.emplace_back(PgType::kText, Unquote(spec.substr(9)));
    } else {
      spec = spec.substr(spec.find('(') + 1, spec.rfind(')') - spec.find('(') - 1);
      std::stringstream parts(spec);
      std::string part;
      while (std::getline(parts, part, ',')) {
        part = Trim(part);
        auto type = PgTypeFromName(part.substr(0, part.find(' ')));
        if (!type.ok()) return false;
        columns.emplace_back(*type, Unquote(part.substr(part.find(' ') + 1)));
      }
    }
    std::vector<DatumBuffer> buffers(columns.size());
    std::vector<Datum> key;
    for (size_t i = 0; i < columns.size(); ++i) {
      key.push_back(Parse(columns[i].first, columns[i].second, &buffers[i]));
    }
    *result = static_cast<int64_t>(PartitionHashRemainder(key, modulus));
  } else {
    return false;
  }
  return true;
}

class PgHashFnVectors : public ::testing::TestWithParam<VectorRow> {};

TEST_P(PgHashFnVectors, MatchesPostgres) {
  const VectorRow& row = GetParam();
  ASSERT_TRUE(row.error.empty()) << row.error;
  ASSERT_GE(row.fields.size(), 3u) << "line " << row.line;
  const std::string& function = row.fields[0];
  const std::string& args = row.fields[1];
  const int64_t expected = std::stoll(row.fields[2]);
  int64_t actual = 0;
  ASSERT_TRUE(Evaluate(function, args, &actual))
      << "no evaluator for line " << row.line << ": " << function << "(" << args << ")";
  EXPECT_EQ(actual, expected) << "line " << row.line << ": " << function << "(" << args << ")";
}

INSTANTIATE_TEST_SUITE_P(File, PgHashFnVectors,
                         ::testing::ValuesIn(LoadRows("pg-hashfn-vectors.csv")), RowName);

TEST(PgHashFnVectorsFile, HasAllKnownRows) {
  auto rows = LoadRows("pg-hashfn-vectors.csv");
  ASSERT_TRUE(rows[0].error.empty()) << rows[0].error;
  EXPECT_GE(rows.size(), 42u);
}

// ---- primitives ----------------------------------------------------------------------------

// SELECT n, hashtext(left('abcdefghijklmnopqrstuvwxyz0123456789', n)),
//        hashtextextended(..., 8816678312871386365), hashtextextended(..., 0)
// Covers every tail length class and one, two and three full 12-byte blocks.
TEST(HashBytes, EveryTailLengthMatchesPostgres) {
  struct Case {
    size_t len;
    int32_t h32;
    int64_t seeded;
    int64_t unseeded;
  };
  const Case cases[] = {
      {0, -1477818771, -5700645584453517373, -6939563903564495251},
      {1, 1075015857, -6705225459120232837, 3591986179850072241},
      {2, 1718550461, 596009030900183869, 2833316173711343549},
      {3, -785388649, 3628778498291917250, -6747756470228489321},
      {4, -393934804, 4029384952263848046, -1038429303365892052},
      {5, -445659580, 4809259092934399961, 3076356108696143428},
      {7, 501636814, -1516236981150442578, -6158032784613548338},
      {8, -1960928205, -7754745184861941070, -8882191227074733005},
      {9, -92131489, -7860738947571725408, -3278210106038014113},
      {10, 1948051852, -8306284229451770207, -3183301415634409076},
      {11, -1483803693, -2046435308545367432, 3112909444737856467},
      {12, -1586087212, -7876791541613377658, -7556637188122330412},
      {13, 405849808, -6785754114725280077, 8871624171452417744},
      {16, -2079749669, -2963246452690924729, 878954068520307163},
      {23, -1149376136, -7324642668702903167, -1198571854151947912},
      {24, 1251586959, -10959101940276370, -1933194731779935345},
      {25, 980150893, 1383018584709609407, 5649064133428767341},
      {35, -1475196007, 5169896017269077166, -7327977299585643623},
      {36, 1318422268, -7380664822038775401, -9049552497159076100},
  };
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (const Case& c : cases) {
    const std::string s = alphabet.substr(0, c.len);
    SCOPED_TRACE("length " + std::to_string(c.len));
    EXPECT_EQ(AsInt32(HashBytes(s.data(), s.size())), c.h32);
    EXPECT_EQ(AsInt64(HashBytesExtended(s.data(), s.size(), kHashPartitionSeed)), c.seeded);
    EXPECT_EQ(AsInt64(HashBytesExtended(s.data(), s.size(), 0)), c.unseeded);
  }
}

TEST(HashBytes, LowHalfOfUnseededExtendedIsTheStandardHash) {
  std::string s;
  for (int len = 0; len < 64; ++len) {
    EXPECT_EQ(static_cast<uint32_t>(HashBytesExtended(s.data(), s.size(), 0)),
              HashBytes(s.data(), s.size()))
        << len;
    s.push_back(static_cast<char>('A' + len % 50));
  }
  for (uint32_t k : {0u, 1u, 0x80000000u, 0xFFFFFFFFu}) {
    EXPECT_EQ(static_cast<uint32_t>(HashUint32Extended(k, 0)), HashUint32(k));
    EXPECT_EQ(HashUint32(k), HashBytes(&k, sizeof k));  // hash_uint32 is hash_bytes of 4 LE bytes
  }
}

TEST(HashCombine64, AddsTheConstantToTheFirstHash) {
  EXPECT_EQ(HashCombine64(0, 0), 0x49A0F4DD15E5A8E3ULL);
  EXPECT_EQ(HashCombine64(0, 13894928895973315681ULL), 753694413698530628ULL);
}

// ---- integers ------------------------------------------------------------------------------

TEST(HashInt, ExtremesMatchPostgres) {
  // hashint8(-9223372036854775808), hashint8extended(..., seed); likewise for max.
  EXPECT_EQ(AsInt32(HashInt8(std::numeric_limits<int64_t>::min())), -96758253);
  EXPECT_EQ(AsInt64(HashInt8Extended(std::numeric_limits<int64_t>::min(), kHashPartitionSeed)),
            -6050265599104649060);
  EXPECT_EQ(AsInt32(HashInt8(std::numeric_limits<int64_t>::max())), -1524351049);
  EXPECT_EQ(AsInt64(HashInt8Extended(std::numeric_limits<int64_t>::max(), kHashPartitionSeed)),
            4938542303000433043);
  // hashint2('-32768'), hashint2extended('-32768', seed)
  EXPECT_EQ(AsInt32(HashInt4(-32768)), 193646934);
  EXPECT_EQ(AsInt64(HashInt4Extended(-32768, kHashPartitionSeed)), 5885242512097991578);
  // hashoid(4294967295), hashoidextended(4294967295, seed), hashoid(2147483648)
  EXPECT_EQ(AsInt32(HashOid(4294967295u)), 385747274);
  EXPECT_EQ(AsInt64(HashOidExtended(4294967295u, kHashPartitionSeed)), -5017072347659237694);
  EXPECT_EQ(AsInt32(HashOid(2147483648u)), -1524351049);
  // hashint4extended(6903, seed): date '2018-11-25' for partitioning
  EXPECT_EQ(AsInt64(HashInt4Extended(6903, kHashPartitionSeed)), -4789754726163082836);
}

TEST(HashInt, Int8ThatFitsInInt4HashesLikeInt4) {
  for (int32_t v : {0, 1, -1, 12345, INT32_MIN, INT32_MAX}) {
    EXPECT_EQ(HashInt8(v), HashInt4(v)) << v;
    EXPECT_EQ(HashInt8Extended(v, kHashPartitionSeed), HashInt4Extended(v, kHashPartitionSeed));
  }
  EXPECT_EQ(HashInt8(int64_t{1} << 32), HashInt4(1));  // the documented fold collision
  // hashint8extended(4294967296, seed) = hashint4extended(1, seed) on PostgreSQL 15.20
  EXPECT_EQ(AsInt64(HashInt8Extended(int64_t{1} << 32, kHashPartitionSeed)), 5968994663651403477);
}

TEST(HashChar, HighBytesAreSignExtended) {
  // hashchar('\351'::"char") = hashint4(-23) = 101673994; hashchar('a') = 463612535
  EXPECT_EQ(AsInt32(HashChar(0xE9)), 101673994);
  EXPECT_EQ(HashChar(0xE9), HashInt4(-23));
  EXPECT_EQ(AsInt32(HashChar('a')), 463612535);
  EXPECT_EQ(AsInt64(HashCharExtended(0xE9, kHashPartitionSeed)), 5775494091771935232);
  EXPECT_EQ(AsInt64(HashCharExtended('a', kHashPartitionSeed)), -7450143854264390420);
  EXPECT_EQ(AsInt32(HashChar(0)), -272711505);  // ''::"char" hashes like hashint4(0)
}

// ---- strings -------------------------------------------------------------------------------

TEST(HashText, TrailingSpacesCountButNotForBpchar) {
  EXPECT_EQ(AsInt32(HashText("ab  ")), -644147866);    // hashtext('ab  ')
  EXPECT_EQ(AsInt32(HashBpchar("ab  ")), 1718550461);  // hashbpchar('ab  ')
  EXPECT_EQ(HashBpchar("ab"), HashText("ab"));
  EXPECT_EQ(AsInt32(HashBpchar("")), -1477818771);     // hashbpchar('')
  EXPECT_EQ(AsInt32(HashBpchar("   ")), -1477818771);  // hashbpchar('   ') strips to empty
  EXPECT_EQ(HashBpchar(" a"), HashText(" a"));         // leading blanks are kept
  EXPECT_EQ(HashBpchar("a\t"), HashText("a\t"));       // only 0x20 is stripped
  // hashbpcharextended('ab   ', seed) = hashtextextended('ab', seed)
  EXPECT_EQ(AsInt64(HashBpcharExtended("ab   ", kHashPartitionSeed)), 596009030900183869);
}

// ---- floats --------------------------------------------------------------------------------

TEST(HashFloat, ZeroesHashToZeroOrTheSeed) {
  EXPECT_EQ(HashFloat8(0.0), 0u);
  EXPECT_EQ(HashFloat8(-0.0), 0u);  // hashfloat8('-0') = 0
  EXPECT_EQ(HashFloat4(-0.0f), 0u);
  EXPECT_EQ(HashFloat8Extended(-0.0, kHashPartitionSeed), kHashPartitionSeed);
  EXPECT_EQ(HashFloat4Extended(-0.0f, kHashPartitionSeed), kHashPartitionSeed);
}

TEST(HashFloat, EveryNanHashesAsTheCanonicalNan) {
  // hashfloat8('nan') = hashfloat8('-nan') = hashfloat4('nan') = -1275764840
  const double negative_nan = -std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(std::signbit(negative_nan));
  EXPECT_EQ(AsInt32(HashFloat8(std::numeric_limits<double>::quiet_NaN())), -1275764840);
  EXPECT_EQ(AsInt32(HashFloat8(negative_nan)), -1275764840);
  EXPECT_EQ(AsInt32(HashFloat4(std::numeric_limits<float>::quiet_NaN())), -1275764840);
  // hashfloat8extended('nan', 5)
  EXPECT_EQ(AsInt64(HashFloat8Extended(negative_nan, 5)), 3120264080904756184);
}

TEST(HashFloat, Float4IsWidenedToDouble) {
  EXPECT_EQ(AsInt32(HashFloat4(1.5f)), 630860146);  // hashfloat4('1.5') = hashfloat8(1.5)
  EXPECT_EQ(AsInt32(HashFloat4(std::numeric_limits<float>::infinity())), -2133226302);
  EXPECT_EQ(AsInt32(HashFloat4(-std::numeric_limits<float>::infinity())), -1377680656);
  EXPECT_EQ(AsInt32(HashFloat8(std::numeric_limits<double>::infinity())), -2133226302);
  // 0.1::float4 widens to 0.100000001490116..., not 0.1
  EXPECT_EQ(AsInt32(HashFloat4(0.1f)), -222057114);
  EXPECT_EQ(AsInt64(HashFloat4Extended(0.1f, kHashPartitionSeed)), -6747671251798447639);
  EXPECT_EQ(AsInt32(HashFloat8(0.1)), -573871567);
  EXPECT_EQ(AsInt64(HashFloat8Extended(0.1, kHashPartitionSeed)), 8245503238132018451);
  EXPECT_EQ(AsInt32(HashFloat8(5e-324)), 1656029872);  // smallest denormal
}

// ---- numeric -------------------------------------------------------------------------------

TEST(HashNumeric, SpecialValuesAndZero) {
  const int16_t none[1] = {0};
  EXPECT_EQ(HashNumeric(true, {}, 0), 0u);  // NaN, Infinity, -Infinity
  EXPECT_EQ(HashNumericExtended(true, {}, 0, kHashPartitionSeed), kHashPartitionSeed);
  EXPECT_EQ(HashNumeric(false, {}, 0), 0xFFFFFFFFu);
  EXPECT_EQ(HashNumeric(false, std::span<const int16_t>(none, 1), 3), 0xFFFFFFFFu);
  EXPECT_EQ(HashNumericExtended(false, {}, 0, kHashPartitionSeed), kHashPartitionSeed - 1);
}

TEST(HashNumeric, ZeroDigitsAtEitherEndAreIgnored) {
  const int16_t plain[] = {1, 5000};
  const int16_t padded[] = {0, 0, 1, 5000, 0};
  EXPECT_EQ(AsInt32(HashNumeric(false, plain, 0)), 692967894);  // hash_numeric(1.5)
  EXPECT_EQ(HashNumeric(false, padded, 2), HashNumeric(false, plain, 0));
  EXPECT_EQ(HashNumericExtended(false, padded, 2, kHashPartitionSeed),
            HashNumericExtended(false, plain, 0, kHashPartitionSeed));
  const int16_t one[] = {1};
  // 1 and 10000 differ only by the weight: hash_numeric(10000) = hash_numeric(1) ^ 1
  EXPECT_EQ(HashNumeric(false, one, 1), HashNumeric(false, one, 0) ^ 1u);
}

TEST(HashNumeric, NegativeWeightIsSignExtendedInTheExtendedHash) {
  const int16_t d[] = {100};                                   // 0.01: weight -1
  EXPECT_EQ(AsInt32(HashNumeric(false, d, -1)), -1186574836);  // hash_numeric(0.01)
  const uint64_t unweighted = HashBytesExtended(d, sizeof d, kHashPartitionSeed);
  EXPECT_EQ(HashNumericExtended(false, d, -1, kHashPartitionSeed), unweighted ^ ~uint64_t{0});
}

// ---- other types ---------------------------------------------------------------------------

TEST(HashInterval, MonthsAreThirtyDaysAndDaysAreTwentyFourHours) {
  // interval_hash('1 day') = interval_hash('24:00:00'); '1 mon' = '30 days'
  EXPECT_EQ(AsInt32(HashInterval(0, 1, 0)), -2053980660);
  EXPECT_EQ(AsInt32(HashInterval(86400000000, 0, 0)), -2053980660);
  EXPECT_EQ(AsInt32(HashInterval(0, 0, 1)), 1574789525);
  EXPECT_EQ(AsInt32(HashInterval(0, 30, 0)), 1574789525);
  // '24:00'::time hashes like '1 day'::interval: both are hashint8(86400000000)
  EXPECT_EQ(HashInt8(86400000000), HashInterval(0, 1, 0));
}

TEST(HashInterval, SpanWrapsInSixtyFourBits) {
  // interval_hash('178956970 years 7 mons 2147483647 days 2562047788:00:54.775807')
  EXPECT_EQ(AsInt32(HashInterval(INT64_MAX, INT32_MAX, INT32_MAX)), -523051888);
}

TEST(HashInet, FamilyAndPrefixLengthAreHashed) {
  const uint8_t v4[4] = {10, 1, 2, 3};
  uint8_t v6[16] = {};
  v6[15] = 1;
  EXPECT_EQ(AsInt32(HashInet(2, 32, v4)), 1464440404);   // hashinet('10.1.2.3')
  EXPECT_EQ(AsInt32(HashInet(2, 8, v4)), 1966931979);    // hashinet('10.1.2.3/8')
  EXPECT_EQ(AsInt32(HashInet(3, 128, v6)), 1984372031);  // hashinet('::1')
  EXPECT_EQ(AsInt64(HashInetExtended(2, 32, v4, kHashPartitionSeed)), -6525495643535463377);
  EXPECT_EQ(AsInt64(HashInetExtended(3, 128, v6, kHashPartitionSeed)), -1065249858457401445);
}

TEST(HashUuid, HashesTheSixteenBytes) {
  const uint8_t u[16] = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                         0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  EXPECT_EQ(AsInt32(HashUuid(u)), 1154666245);
  EXPECT_EQ(AsInt64(HashUuidExtended(u, kHashPartitionSeed)), 424513190990560493);
}

}  // namespace
}  // namespace segstream
