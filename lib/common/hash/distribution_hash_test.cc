// Row placement. Every row of shared/testdata/gp-hash-vectors.csv (placements observed on
// real Greenplum, Cloudberry and PostgreSQL clusters) is one test case. The embedded tables
// below were produced by a PostgreSQL 15.20 server: per-type hash values of COPY output, and
// the partitions real hash-partitioned tables put rows in.
#include "lib/common/hash/distribution_hash.h"
#include "lib/common/testing/test_util.h"

#include <gtest/gtest.h>

#include <bit>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/common/hash/datum.h"
#include "lib/common/hash/pg_hash.h"

namespace segstream {
namespace {

using namespace std::string_literals;

// ---- reading the vectors file --------------------------------------------------------------

using segstream::testing::ParseCsv;
using segstream::testing::TestDataPath;

struct PlacementRow {
  int line = 0;  // 1-based line in the file; 0 when the file could not be read
  std::string error;
  std::string system, version, key_types, key_values;
  int num_segments = 0;
  int segment = 0;
};

PlacementRow Unreadable(std::string error) {
  PlacementRow row;
  row.error = std::move(error);
  return row;
}

void PrintTo(const PlacementRow& row, std::ostream* os) {
  *os << "line " << row.line << ": " << row.system << " " << row.key_types << " (" << row.key_values
      << ") on " << row.num_segments << " -> " << row.segment;
}

std::vector<PlacementRow> LoadPlacements() {
  const std::string path = TestDataPath("gp-hash-vectors.csv");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {Unreadable("cannot read " + path +
                       " (set SEGSTREAM_TESTDATA to the directory holding gp-hash-vectors.csv)")};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto records = ParseCsv(ss.str());
  std::vector<PlacementRow> rows;
  for (size_t i = 1; i < records.size(); ++i) {  // record 0 is the header
    const auto& r = records[i];
    PlacementRow row;
    row.line = static_cast<int>(i + 1);
    if (r.size() < 6) {
      row.error = "line " + std::to_string(row.line) + " has fewer than 6 fields";
    } else {
      row.system = r[0];
      row.version = r[1];
      row.num_segments = std::stoi(r[2]);
      row.key_types = r[3];
      row.key_values = r[4];
      row.segment = std::stoi(r[5]);
    }
    rows.push_back(row);
  }
  if (rows.empty()) rows.push_back(Unreadable(path + " has no data rows"));
  return rows;
}

std::string PlacementName(const ::testing::TestParamInfo<PlacementRow>& info) {
  if (info.param.line == 0) return "missing_file";
  std::string name = "line" + std::to_string(info.param.line) + "_";
  for (char c : info.param.system + "_" + info.param.key_types) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) parts.push_back(part);
  if (!s.empty() && s.back() == sep) parts.push_back("");
  return parts;
}

// Parses "int4|int4" / "5|NULL" into a key, which points into *texts and *buffers.
bool ParseKey(const std::string& types, const std::string& values,
              std::vector<std::string>* texts_out, std::vector<DatumBuffer>* buffers,
              std::vector<Datum>* key, std::string* error) {
  const auto type_names = Split(types, '|');
  std::vector<std::string>& texts = *texts_out;
  texts = Split(values, '|');
  if (type_names.size() != texts.size()) {
    *error = "key has " + std::to_string(type_names.size()) + " types but " +
             std::to_string(texts.size()) + " values";
    return false;
  }
  buffers->resize(type_names.size());
  key->clear();
  for (size_t i = 0; i < type_names.size(); ++i) {
    auto type = PgTypeFromName(type_names[i]);
    if (!type.ok()) {
      *error = type.status().message();
      return false;
    }
    Datum d = Datum::Null(*type);
    if (texts[i] != "NULL" && !ParseTextValue(*type, texts[i], &(*buffers)[i], &d, error)) {
      return false;
    }
    key->push_back(d);
  }
  return true;
}

class GpHashVectors : public ::testing::TestWithParam<PlacementRow> {};

TEST_P(GpHashVectors, PlacesRowWhereTheClusterDid) {
  const PlacementRow& row = GetParam();
  ASSERT_TRUE(row.error.empty()) << row.error;
  if (row.system == "jump-consistent-hash") {
    EXPECT_EQ(JumpConsistentHash(std::stoull(row.key_values), row.num_segments), row.segment);
    return;
  }
  std::vector<std::string> texts;
  std::vector<DatumBuffer> buffers;
  std::vector<Datum> key;
  std::string error;
  ASSERT_TRUE(ParseKey(row.key_types, row.key_values, &texts, &buffers, &key, &error)) << error;
  if (row.system == "greenplum") {
    EXPECT_EQ(GreenplumSegment(key, row.num_segments), row.segment);
  } else if (row.system == "greenplum-legacy" || row.system == "cloudberry-legacy" ||
             row.system == "greenplum5") {
    EXPECT_EQ(GreenplumLegacySegment(key, row.num_segments), row.segment);
  } else if (row.system == "postgresql-hashpart") {
    EXPECT_EQ(PartitionHashRemainder(key, static_cast<uint64_t>(row.num_segments)),
              static_cast<uint64_t>(row.segment));
  } else {
    FAIL() << "no placement method for system \"" << row.system << "\" on line " << row.line;
  }
}

INSTANTIATE_TEST_SUITE_P(File, GpHashVectors, ::testing::ValuesIn(LoadPlacements()), PlacementName);

TEST(GpHashVectorsFile, HasAllKnownRows) {
  auto rows = LoadPlacements();
  ASSERT_TRUE(rows[0].error.empty()) << rows[0].error;
  EXPECT_GE(rows.size(), 198u);
}

// ---- per-type hashes of parsed COPY output, as PostgreSQL computes them ---------------------

// type, COPY text field, COPY binary field (hex, with its length word),
// hash_array(ARRAY[v]) - 31 (the default opclass 32-bit hash),
// hash_array_extended(ARRAY[v], 8816678312871386365) - 31 (the partitioning hash).
// Timestamptz rows were dumped with several session TimeZones; the hash must not care.
struct HashVector {
  const char* type;
  const char* text;
  const char* binary_hex;
  uint32_t hash32;
  uint64_t hash_extended;
};

const HashVector kHashVectors[] = {
    {"bool", "t", "0000000101", 2389907270u, 5968994663651403477ull},
    {"bool", "f", "0000000100", 4022255791u, 14043151463718383821ull},
    {"\"char\"", "a", "0000000161", 463612535u, 10996600219445161196ull},
    {"\"char\"", "\\\\351", "00000001e9", 101673994u, 5775494091771935232ull},
    {"\"char\"", "", "0000000100", 4022255791u, 14043151463718383821ull},
    {"\"char\"", "\\\\", "000000015c", 2810323767u, 3799122590960561490ull},
    {"\"char\"", "\\t", "0000000109", 1672378334u, 7502909572240043706ull},
    {"\"char\"", ",", "000000012c", 2064016188u, 10473466207044531185ull},
    {"\"char\"", "\"", "0000000122", 800709825u, 13888445371280777885ull},
    {"int2", "0", "000000020000", 4022255791u, 14043151463718383821ull},
    {"int2", "1", "000000020001", 2389907270u, 5968994663651403477ull},
    {"int2", "-1", "00000002ffff", 385747274u, 13429671726050313922ull},
    {"int2", "32767", "000000027fff", 1289782602u, 12010047844423284203ull},
    {"int2", "-32768", "000000028000", 193646934u, 5885242512097991578ull},
    {"int2", "12", "00000002000c", 1938269380u, 7377740364220916745ull},
    {"int4", "0", "0000000400000000", 4022255791u, 14043151463718383821ull},
    {"int4", "1", "0000000400000001", 2389907270u, 5968994663651403477ull},
    {"int4", "-1", "00000004ffffffff", 385747274u, 13429671726050313922ull},
    {"int4", "2147483647", "000000047fffffff", 4198209043u, 12396478474604902556ull},
    {"int4", "-2147483648", "0000000480000000", 2770616247u, 4938542303000433043ull},
    {"int4", "12345", "0000000400003039", 4216869469u, 3476363059597467753ull},
    {"int4", "455264070", "000000041b22c746", 2805711863u, 3323705777986309589ull},
    {"int4", "1530767341", "000000045b3da7ed", 379853744u, 11594347256783769851ull},
    {"int8", "0", "000000080000000000000000", 4022255791u, 14043151463718383821ull},
    {"int8", "-1", "00000008ffffffffffffffff", 385747274u, 13429671726050313922ull},
    {"int8", "4294967296", "000000080000000100000000", 2389907270u, 5968994663651403477ull},
    {"int8", "9223372036854775807", "000000087fffffffffffffff", 2770616247u,
     4938542303000433043ull},
    {"int8", "-9223372036854775808", "000000088000000000000000", 4198209043u,
     12396478474604902556ull},
    {"int8", "123456789012345", "0000000800007048860ddf79", 297539683u, 1245190300417211467ull},
    {"int8", "-4294967296", "00000008ffffffff00000000", 4022255791u, 14043151463718383821ull},
    {"int8", "84242488533875300", "00000008012b4a18d40e7a64", 3559496967u, 15709299726832554802ull},
    {"int8", "-3030801428294690000", "00000008d5f06e28a9bf9b30", 693167998u,
     14447362851942377865ull},
    {"int8", "-5609567233274320000", "00000008b226d05275036b80", 2396280412u,
     4497695250769729799ull},
    {"oid", "0", "0000000400000000", 4022255791u, 14043151463718383821ull},
    {"oid", "1", "0000000400000001", 2389907270u, 5968994663651403477ull},
    {"oid", "2147483648", "0000000480000000", 2770616247u, 4938542303000433043ull},
    {"oid", "4294967295", "00000004ffffffff", 385747274u, 13429671726050313922ull},
    {"oid", "4294967295", "00000004ffffffff", 385747274u, 13429671726050313922ull},
    {"float4", "0", "0000000400000000", 0u, 8816678312871386365ull},
    {"float4", "-0", "0000000480000000", 0u, 8816678312871386365ull},
    {"float4", "1.5", "000000043fc00000", 630860146u, 15620360752663668638ull},
    {"float4", "NaN", "000000047fc00000", 3019202456u, 11970874218912763781ull},
    {"float4", "Infinity", "000000047f800000", 2161740994u, 13476307190055453180ull},
    {"float4", "-Infinity", "00000004ff800000", 2917286640u, 7927086137625499499ull},
    {"float4", "1e-40", "00000004000116c2", 3855816430u, 9697896707261009640ull},
    {"float4", "3.4028235e+38", "000000047f7fffff", 3093536642u, 5333628030290755591ull},
    {"float4", "0.1", "000000043dcccccd", 4072910182u, 11699072821911103977ull},
    {"float4", "-1e-45", "0000000480000001", 1249401031u, 1092285538262438ull},
    {"float4", "1.6777216e+07", "000000044b800000", 818950451u, 11899844421115113457ull},
    {"float4", "-7.1542062e+28", "00000004ef672a35", 2063163504u, 13669565969812909981ull},
    {"float4", "-3.0418372e+07", "00000004cbe812e2", 1823772390u, 10097428590118003693ull},
    {"float4", "-2.8414357e-31", "000000048cb86b73", 2001793188u, 9890088025656041031ull},
    {"float8", "0", "000000080000000000000000", 0u, 8816678312871386365ull},
    {"float8", "-0", "000000088000000000000000", 0u, 8816678312871386365ull},
    {"float8", "1.5", "000000083ff8000000000000", 630860146u, 15620360752663668638ull},
    {"float8", "NaN", "000000087ff8000000000000", 3019202456u, 11970874218912763781ull},
    {"float8", "Infinity", "000000087ff0000000000000", 2161740994u, 13476307190055453180ull},
    {"float8", "-Infinity", "00000008fff0000000000000", 2917286640u, 7927086137625499499ull},
    {"float8", "1e-310", "00000008000012688b70e62b", 2576508733u, 9137877812210368710ull},
    {"float8", "5e-324", "000000080000000000000001", 1656029872u, 2268351864360085331ull},
    {"float8", "1.7976931348623157e+308", "000000087fefffffffffffff", 3342379053u,
     16402317524217934616ull},
    {"float8", "0.1", "000000083fb999999999999a", 3721095729u, 8245503238132018451ull},
    {"float8", "123456.789", "0000000840fe240c9fbe76c9", 3000081882u, 12753706160916203028ull},
    {"float8", "NaN", "00000008fff8000000000000", 3019202456u, 11970874218912763781ull},
    {"float8", "-1.0555927801705572e+240", "00000008f1c44366a2dc0c21", 3101240593u,
     5204768708815840693ull},
    {"float8", "1.820963626680466e-18", "000000083c40cba0f8f19a21", 3668810966u,
     5350359085256287364ull},
    {"float8", "-1.0974496676675057e+95", "00000008d3aa4e5a8eb53880", 298881046u,
     7973201077799437169ull},
    {"float8", "3.1048891917735358e+193", "00000008681b38a72883d921", 1673749254u,
     3589529185532370324ull},
    {"numeric", "0", "000000080000000000000000", 4294967295u, 8816678312871386364ull},
    {"numeric", "0.000", "000000080000000000000003", 4294967295u, 8816678312871386364ull},
    {"numeric", "1", "0000000a00010000000000000001", 1324868424u, 15215188980581610078ull},
    {"numeric", "1.5", "0000000c000200000000000100011388", 692967894u, 1234047083305210387ull},
    {"numeric", "1.50", "0000000c000200000000000200011388", 692967894u, 1234047083305210387ull},
    {"numeric", "-1.5", "0000000c000200004000000100011388", 692967894u, 1234047083305210387ull},
    {"numeric", "10000", "0000000a00010001000000000001", 1324868425u, 15215188980581610079ull},
    {"numeric", "0.01", "0000000a0001ffff000000020064", 3108392460u, 3879215986038224533ull},
    {"numeric", "12345.678", "0000000e0003000100000003000109291a7c", 573919094u,
     14430395188750647688ull},
    {"numeric", "0.0001", "0000000a0001ffff000000040001", 2970098871u, 3231555093127941537ull},
    {"numeric", "0.00000000000000000001", "0000000a0001fffb000000140001", 2970098867u,
     3231555093127941541ull},
    {"numeric", "123456789012345678901234567890.123456789",
     "0000001e000b000700000009000c0d801ed204d2162e23340d801ed204d2162e2328", 3503431475u,
     12981554222463138873ull},
    {"numeric", "NaN", "0000000800000000c0000000", 0u, 8816678312871386365ull},
    {"numeric", "Infinity", "0000000800000000d0000020", 0u, 8816678312871386365ull},
    {"numeric", "-Infinity", "0000000800000000f0000020", 0u, 8816678312871386365ull},
    {"numeric", "0.000000001234", "0000000a0001fffd0000000c04d2", 1263484005u,
     15671855370041528758ull},
    {"numeric", "9999.9999", "0000000c0002000000000004270f270f", 566385399u,
     4865561266155461127ull},
    {"numeric", "99999999", "0000000c0002000100000000270f270f", 566385398u, 4865561266155461126ull},
    {"numeric", "-0.00001", "0000000a0001fffe4000000503e8", 1951971036u, 10577260972659616693ull},
    {"numeric", "1000000000000", "0000000a00010003000000000001", 1324868427u,
     15215188980581610077ull},
    {"numeric", "0.1000", "0000000a0001ffff0000000403e8", 1951971037u, 10577260972659616692ull},
    {"numeric", "100.001", "0000000c00020000000000030064000a", 2226504406u, 6692229557050748137ull},
    {"numeric", "-0.00000000000000000142", "0000000a0001fffb40000014008e", 2084942762u,
     4811061876583187027ull},
    {"numeric", "246300013376.7900000000", "00000010000400020000000a099f00010d301edc", 2741332822u,
     7983500321385930095ull},
    {"numeric", "2738344942756.9100000", "00000012000500030000000700021cd7118e0ac4238c", 77526939u,
     14321849651280124189ull},
    {"numeric", "0.000010555", "0000000c0002fffe00000009041f1388", 330732807u,
     2384209509066102642ull},
    {"numeric", "-37037529906232.20000000000000000000000000",
     "00000012000500034000001a002501770bae185807d0", 1238812932u, 4567960132124121578ull},
    {"numeric", "-521946700060792000000000.0000000000000000",
     "0000001000040005400000101463123e003c1ef0", 3260711138u, 4121791396745524362ull},
    {"text", "", "00000000", 2817148525u, 12746098489256034243ull},
    {"text", "a", "0000000161", 1075015857u, 11741518614589318779ull},
    {"text", "ab  ", "0000000461622020", 3650819430u, 11687647246519669664ull},
    {"text", " ", "0000000120", 1206411442u, 10826278360502288674ull},
    {"text", "a\\tb", "00000003610962", 1941204303u, 2179288017062651629ull},
    {"text", "a\\\\b", "00000003615c62", 3377399075u, 4839691317477003401ull},
    {"text", "line\\nbreak", "0000000a6c696e650a627265616b", 1672779297u, 12355286659644334154ull},
    {"text", "cr\\rx", "0000000463720d78", 2899257075u, 2231779545571095990ull},
    {"text", "quote\"s", "0000000771756f74652273", 1393559225u, 7687549504809898982ull},
    {"text", "comma,here", "0000000a636f6d6d612c68657265", 3257301591u, 13033136354530009572ull},
    {"text", "h\303\251llo w\303\266rld", "0000000d68c3a96c6c6f2077c3b6726c64", 1823351448u,
     18301424694551883966ull},
    {"text", "\\\\N", "000000025c4e", 3826197115u, 15529227985131129603ull},
    {"text", "\\\\.", "000000025c2e", 3085263874u, 851797371420714968ull},
    {"text", "\001\177", "00000002017f", 3241145223u, 16656468007738093975ull},
    {"text", "abc", "00000003616263", 3509578647u, 3628778498291917250ull},
    {"text", "012", "00000003303132", 2136876228u, 403315980077333697ull},
    {"text", "Hello", "0000000548656c6c6f", 820977155u, 6789868900582335710ull},
    {"text", "resource1", "000000097265736f7572636531", 991601810u, 11118658413403834297ull},
    {"varchar", "abc ", "0000000461626320", 1599362634u, 8298625014942979947ull},
    {"varchar", "", "00000000", 2817148525u, 12746098489256034243ull},
    {"varchar", "  x  ", "000000052020782020", 3168516844u, 17424564945949259964ull},
    {"bpchar(5)", "ab   ", "000000056162202020", 1718550461u, 596009030900183869ull},
    {"bpchar(5)", "     ", "000000052020202020", 2817148525u, 12746098489256034243ull},
    {"bpchar(5)", "abcde", "000000056162636465", 3849307716u, 4809259092934399961ull},
    {"bpchar(5)", " a   ", "000000052061202020", 353978202u, 13532260187968102374ull},
    {"bpchar", "x", "0000000178", 1074944137u, 862710693865977740ull},
    {"bpchar", "x  ", "00000003782020", 1074944137u, 862710693865977740ull},
    {"bpchar", "", "00000000", 2817148525u, 12746098489256034243ull},
    {"bytea", "\\\\x", "00000000", 2817148525u, 12746098489256034243ull},
    {"bytea", "\\\\x00ff10", "0000000300ff10", 2951846706u, 3279340875289139998ull},
    {"bytea", "\\\\x616263", "00000003616263", 3509578647u, 3628778498291917250ull},
    {"bytea", "\\\\x00", "0000000100", 3232439397u, 9863422644180032727ull},
    {"bytea", "\\\\x5c", "000000015c", 3448796412u, 16042667025396804577ull},
    {"bytea", "\\\\x6109620a63", "000000056109620a63", 1382885815u, 10903599587677157004ull},
    {"bytea", "\\\\x32656136623835662d636439622d343934652d393535352d623162663864393862336565",
     "0000002432656136623835662d636439622d343934652d393535352d623162663864393862336565", 940586526u,
     3373830119986260702ull},
    {"bytea", "\\\\x66373332626163342d363161622d343664612d616463322d376262356661306437663466",
     "0000002466373332626163342d363161622d343664612d616463322d376262356661306437663466",
     4078289131u, 7576560548986376721ull},
    {"date", "2000-01-01", "0000000400000000", 4022255791u, 14043151463718383821ull},
    {"date", "2018-11-25", "0000000400001af7", 1137646974u, 13656989347546468780ull},
    {"date", "1999-12-31", "00000004ffffffff", 385747274u, 13429671726050313922ull},
    {"date", "0001-01-01 BC", "00000004fff4da8b", 2191539017u, 6091924658975114430ull},
    {"date", "4714-11-24 BC", "00000004ffda97a7", 3087803358u, 16439415762080070513ull},
    {"date", "5874897-12-31", "000000047fda970c", 3021239500u, 5515330421375935455ull},
    {"date", "infinity", "000000047fffffff", 4198209043u, 12396478474604902556ull},
    {"date", "-infinity", "0000000480000000", 2770616247u, 4938542303000433043ull},
    {"date", "2000-02-29", "000000040000003b", 1760653005u, 3504855118492726037ull},
    {"date", "1600-02-29", "00000004fffdc58a", 3598739580u, 6915602412096828139ull},
    {"date", "0005-02-29 BC", "00000004fff4d511", 446213450u, 10006633340537548640ull},
    {"date", "0772-08-31", "00000004fff928ed", 711898708u, 5049999749640584566ull},
    {"date", "4339-11-11", "00000004000d0a58", 1116478433u, 4345875222404178412ull},
    {"date", "4361-02-08", "00000004000d28a8", 847350358u, 5588058455506371151ull},
    {"time", "00:00:00", "000000080000000000000000", 4022255791u, 14043151463718383821ull},
    {"time", "24:00:00", "00000008000000141dd76000", 2240986636u, 1510475873825010920ull},
    {"time", "12:34:56.789012", "000000080000000a8be62614", 1510200789u, 18258375080406597128ull},
    {"time", "23:59:59.999999", "00000008000000141dd75fff", 38296624u, 9209345884917619299ull},
    {"time", "00:00:00.000001", "000000080000000000000001", 2389907270u, 5968994663651403477ull},
    {"time", "10:00:39.71815", "000000080000000864227506", 1536330148u, 13008128672154679332ull},
    {"time", "00:24:24.608742", "0000000800000000574c27e6", 21141276u, 8747201696529011710ull},
    {"time(2)", "12:34:56.79", "000000080000000a8be629f0", 2349954459u, 7977263477102010277ull},
    {"timestamp", "2018-11-25 01:23:45", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamp", "2000-01-01 00:00:00", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamp", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"timestamp", "-infinity", "000000088000000000000000", 4198209043u, 12396478474604902556ull},
    {"timestamp", "0044-03-15 12:00:00 BC", "00000008ff1af9e8fb46d000", 2541784389u,
     15949573016842370708ull},
    {"timestamp", "294276-12-31 23:59:59.999999", "000000087fffff5bb3b29fff", 987163972u,
     241566219004694629ull},
    {"timestamp", "1970-01-01 00:00:00.5", "00000008fffca2fec4cfc120", 3778262169u,
     6024760118751682228ull},
    {"timestamp", "4714-11-24 00:00:00 BC", "00000008fd0f7cc1411fa000", 3193028431u,
     4141221076536955239ull},
    {"timestamp", "0322-12-25 14:25:52.686985 BC", "00000008fefbe58050ccb789", 3867170164u,
     1382522725411805423ull},
    {"timestamp", "5141-02-27 11:52:39.410497", "0000000801602a021c8c5341", 574095071u,
     7798343390640888022ull},
    {"timestamp", "1820-04-29 14:13:22.32992 BC", "00000008fe53e0be2d774d40", 1128959542u,
     13117738662486878207ull},
    {"timestamptz", "2018-11-25 01:23:45+00", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamptz", "2000-01-01 00:00:00+00", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamptz", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"timestamptz", "-infinity", "000000088000000000000000", 4198209043u, 12396478474604902556ull},
    {"timestamptz", "0044-03-15 12:00:00+00 BC", "00000008ff1af9e8fb46d000", 2541784389u,
     15949573016842370708ull},
    {"timestamptz", "1800-01-01 00:00:00+00", "00000008ffe993dcf8170000", 1233492047u,
     14935402065564382615ull},
    {"timestamptz", "1900-06-01 12:00:00.123456+00", "00000008fff4d5d62502b240", 2524168062u,
     1982308508445427658ull},
    {"timestamptz", "294276-12-31 23:59:59.999999+00", "000000087fffff5bb3b29fff", 987163972u,
     241566219004694629ull},
    {"timestamptz", "4714-11-24 12:00:00+00 BC", "00000008fd0f7ccb500b5000", 10355859u,
     7719728626233919082ull},
    {"timestamptz", "2825-09-11 19:06:47.035452+00", "00000008005c923e5d392a3c", 793889940u,
     357297315718542015ull},
    {"timestamptz", "2018-11-25 06:53:45+05:30", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamptz", "2000-01-01 05:30:00+05:30", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamptz", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"timestamptz", "-infinity", "000000088000000000000000", 4198209043u, 12396478474604902556ull},
    {"timestamptz", "0044-03-15 17:53:28+05:53:28 BC", "00000008ff1af9e8fb46d000", 2541784389u,
     15949573016842370708ull},
    {"timestamptz", "1800-01-01 05:53:28+05:53:28", "00000008ffe993dcf8170000", 1233492047u,
     14935402065564382615ull},
    {"timestamptz", "1900-06-01 17:21:10.123456+05:21:10", "00000008fff4d5d62502b240", 2524168062u,
     1982308508445427658ull},
    {"timestamptz", "294277-01-01 05:29:59.999999+05:30", "000000087fffff5bb3b29fff", 987163972u,
     241566219004694629ull},
    {"timestamptz", "4714-11-24 17:53:28+05:53:28 BC", "00000008fd0f7ccb500b5000", 10355859u,
     7719728626233919082ull},
    {"timestamptz", "2793-11-04 09:06:01.910664+05:30", "000000080058fffd36cf6f88", 3161312664u,
     13415496044504728338ull},
    {"timestamptz", "2018-11-24 21:53:45-03:30", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamptz", "1999-12-31 20:30:00-03:30", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamptz", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"timestamptz", "-infinity", "000000088000000000000000", 4198209043u, 12396478474604902556ull},
    {"timestamptz", "0044-03-15 08:29:08-03:30:52 BC", "00000008ff1af9e8fb46d000", 2541784389u,
     15949573016842370708ull},
    {"timestamptz", "1799-12-31 20:29:08-03:30:52", "00000008ffe993dcf8170000", 1233492047u,
     14935402065564382615ull},
    {"timestamptz", "1900-06-01 08:29:08.123456-03:30:52", "00000008fff4d5d62502b240", 2524168062u,
     1982308508445427658ull},
    {"timestamptz", "294276-12-31 20:29:59.999999-03:30", "000000087fffff5bb3b29fff", 987163972u,
     241566219004694629ull},
    {"timestamptz", "4714-11-24 08:29:08-03:30:52 BC", "00000008fd0f7ccb500b5000", 10355859u,
     7719728626233919082ull},
    {"timestamptz", "2839-07-21 20:45:55.268283-02:30", "00000008005e1ff3cb11f8bb", 3494199325u,
     2737383177152382686ull},
    {"timestamptz", "2018-11-25 02:23:45+01", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamptz", "2000-01-01 01:00:00+01", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamptz", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"timestamptz", "-infinity", "000000088000000000000000", 4198209043u, 12396478474604902556ull},
    {"timestamptz", "0044-03-15 12:19:32+00:19:32 BC", "00000008ff1af9e8fb46d000", 2541784389u,
     15949573016842370708ull},
    {"timestamptz", "1800-01-01 00:19:32+00:19:32", "00000008ffe993dcf8170000", 1233492047u,
     14935402065564382615ull},
    {"timestamptz", "1900-06-01 12:19:32.123456+00:19:32", "00000008fff4d5d62502b240", 2524168062u,
     1982308508445427658ull},
    {"timestamptz", "294277-01-01 00:59:59.999999+01", "000000087fffff5bb3b29fff", 987163972u,
     241566219004694629ull},
    {"timestamptz", "4714-11-24 12:19:32+00:19:32 BC", "00000008fd0f7ccb500b5000", 10355859u,
     7719728626233919082ull},
    {"timestamptz", "0635-07-16 19:57:13.547899+00:19:32", "00000008ff6706c3d134a77b", 82815152u,
     12927554326446684615ull},
    {"timestamptz", "2018-11-25 15:08:45+13:45", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamptz", "2000-01-01 13:45:00+13:45", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamptz", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"timestamptz", "2018-11-24 20:23:45-05", "0000000800021e71d6110a40", 555575476u,
     1199499134792242971ull},
    {"timestamptz", "1999-12-31 19:00:00-05", "000000080000000000000000", 4022255791u,
     14043151463718383821ull},
    {"timestamptz", "infinity", "000000087fffffffffffffff", 2770616247u, 4938542303000433043ull},
    {"interval", "1 year 2 mons 3 days 04:05:06.789", "00000010000000036c97ca88000000030000000e",
     3455180347u, 12911703845834582592ull},
    {"interval", "-1 days +02:03:00", "0000001000000001b7e1dd00ffffffff00000000", 3557102370u,
     11377101647950010264ull},
    {"interval", "00:00:00", "0000001000000000000000000000000000000000", 4022255791u,
     14043151463718383821ull},
    {"interval", "-1 mons", "00000010000000000000000000000000ffffffff", 2669547295u,
     2838852221299403020ull},
    {"interval", "-00:00:01", "00000010fffffffffff0bdc00000000000000000", 3404326899u,
     3831587772431092047ull},
    {"interval", "2562047788:00:54.775807", "000000107fffffffffffffff0000000000000000", 2770616247u,
     4938542303000433043ull},
    {"interval", "1 day -00:00:01", "00000010fffffffffff0bdc00000000100000000", 792327199u,
     14713857403325031109ull},
    {"interval", "-1 years +1 day", "00000010000000000000000000000001fffffff4", 3814120321u,
     16816851145000884271ull},
    {"interval", "-178956970 years -8 mons", "0000001000000000000000000000000080000000", 545726794u,
     7805221709404499062ull},
    {"interval", "-2147483648 days", "0000001000000000000000008000000000000000", 1076216007u,
     18188136526473863128ull},
    {"interval", "1 mon", "0000001000000000000000000000000000000001", 1574789525u,
     14621556398900618968ull},
    {"interval", "30 days", "0000001000000000000000000000001e00000000", 1574789525u,
     14621556398900618968ull},
    {"interval", "24:00:00", "00000010000000141dd760000000000000000000", 2240986636u,
     1510475873825010920ull},
    {"interval", "1 day", "0000001000000000000000000000000100000000", 2240986636u,
     1510475873825010920ull},
    {"interval", "178956970 years 7 mons 2147483647 days 2562047788:00:54.775807",
     "000000107fffffffffffffff7fffffff7fffffff", 3771915408u, 5746409742142248859ull},
    {"interval", "-00:00:00.5", "00000010fffffffffff85ee00000000000000000", 2470355445u,
     6390024372019561871ull},
    {"interval", "11 mons", "000000100000000000000000000000000000000b", 521959235u,
     14832759379801689144ull},
    {"interval", "79 years 9 mons -9958 days -67924:51:21.601934",
     "00000010ffff219a0b1cac72ffffd91a000003bd", 2633411211u, 7042335414822944502ull},
    {"interval", "36 years -9502 days -2354:50:59.003866",
     "00000010fffff84a30114626ffffdae2000001b0", 3457292786u, 1506518953555736858ull},
    {"interval", "76 years 4 mons -17829 days -35752:49:41.335051",
     "00000010ffff8af0535ccff5ffffba5b00000394", 3607780255u, 4227467293848248722ull},
    {"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000010a0eebc999c0b4ef8bb6d6bb9bd380a11",
     1154666245u, 424513190990560493ull},
    {"uuid", "00000000-0000-0000-0000-000000000000", "0000001000000000000000000000000000000000",
     1353656403u, 13165661927312822978ull},
    {"uuid", "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000010ffffffffffffffffffffffffffffffff",
     3612584041u, 18297757609368245406ull},
    {"uuid", "81e460c3-ae48-461e-a51e-e9d5025a735b", "0000001081e460c3ae48461ea51ee9d5025a735b",
     2547536398u, 16142204859853819956ull},
    {"uuid", "072eca59-0d4f-4613-8351-5b360a9c4d4d", "00000010072eca590d4f461383515b360a9c4d4d",
     1501858858u, 10179970480346091984ull},
    {"inet", "10.1.2.3", "00000008022000040a010203", 1464440404u, 11921248430174088239ull},
    {"inet", "10.1.2.3/8", "00000008020800040a010203", 1966931979u, 14009793912631097615ull},
    {"inet", "::1", "000000140380001000000000000000000000000000000001", 1984372031u,
     17381494215252150171ull},
    {"inet", "::ffff:1.2.3.4", "000000140380001000000000000000000000ffff01020304", 2462447733u,
     3596322950160739182ull},
    {"inet", "2001:db8::1/64", "000000140340001020010db8000000000000000000000001", 1717432752u,
     1314942664671737448ull},
    {"inet", "0.0.0.0/0", "000000080200000400000000", 3241061324u, 14616426835592226302ull},
    {"inet", "::", "000000140380001000000000000000000000000000000000", 3078950204u,
     15109682731428782304ull},
    {"inet", "1:2:3:4:5:6:7:8", "000000140380001000010002000300040005000600070008", 1650734617u,
     5175168062296021902ull},
    {"inet", "fe80::1:2/10", "00000014030a0010fe800000000000000000000000010002", 2404779986u,
     5508522840083902813ull},
    {"inet", "1::", "000000140380001000010000000000000000000000000000", 2048744233u,
     13294943502300476159ull},
    {"inet", "1:0:0:2::3", "000000140380001000010000000000020000000000000003", 3701722195u,
     10818227719341601913ull},
    {"inet", "1:0:0:2::3", "000000140380001000010000000000020000000000000003", 3701722195u,
     10818227719341601913ull},
    {"inet", "0:2:3:4:5:6:7:8", "000000140380001000000002000300040005000600070008", 3968820062u,
     10563601126446398909ull},
    {"inet", "255.255.255.255", "0000000802200004ffffffff", 3281630528u, 3677939642038617618ull},
    {"inet", "::1.2.3.4", "000000140380001000000000000000000000000001020304", 3451391261u,
     15937293985204743219ull},
    {"inet", "213.150.224.191/15", "00000008020f0004d596e0bf", 3930546063u,
     14264866167858125927ull},
    {"inet", "151.52.34.126/26", "00000008021a00049734227e", 3886004195u, 5330866617129988960ull},
    {"inet", "18.141.15.171/11", "00000008020b0004128d0fab", 586237147u, 10321507931572900930ull},
    {"cidr", "10.0.0.0/8", "00000008020801040a000000", 853331015u, 1378947278977587383ull},
    {"cidr", "10.1.2.0/24", "00000008021801040a010200", 4236974750u, 1275097474972971310ull},
    {"cidr", "2001:db8::/32", "000000140320011020010db8000000000000000000000000", 616351084u,
     1293225884648610890ull},
    {"cidr", "0.0.0.0/0", "000000080200010400000000", 3241061324u, 14616426835592226302ull},
    {"cidr", "::/0", "000000140300011000000000000000000000000000000000", 2457639984u,
     4507897591104291288ull},
    {"cidr", "192.168.1.5/32", "0000000802200104c0a80105", 685513216u, 14388754516639287785ull},
    {"cidr", "::ffff:1.2.3.4/128", "000000140380011000000000000000000000ffff01020304", 2462447733u,
     3596322950160739182ull},
    {"cidr", "10.1.0.0/16", "00000008021001040a010000", 3414840994u, 5309478831144738363ull},
};

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(DatumHash, ParsedCopyOutputHashesLikePostgres) {
  for (const HashVector& v : kHashVectors) {
    SCOPED_TRACE(std::string(v.type) + " '" + v.text + "'");
    auto type = PgTypeFromName(v.type);
    ASSERT_TRUE(type.ok());
    for (CopyFormat format : {CopyFormat::kText, CopyFormat::kBinary}) {
      const std::string field = format == CopyFormat::kText ? v.text : Unhex(v.binary_hex);
      DatumBuffer buffer;
      Datum d;
      std::string error;
      ASSERT_TRUE(ParseCopyField(format, *type, field, &buffer, &d, &error)) << error;
      EXPECT_EQ(DatumHash32(d), v.hash32) << "format " << static_cast<int>(format);
      EXPECT_EQ(DatumHashExtended(d, kHashPartitionSeed), v.hash_extended)
          << "format " << static_cast<int>(format);
    }
  }
}

// ---- PostgreSQL hash partitions ------------------------------------------------------------

// Key column types, the key as COPY text (tab-separated), the modulus, and the remainder of
// the partition PostgreSQL 15.20 stored the row in.
struct PartitionVector {
  const char* types;
  const char* row;
  uint64_t modulus;
  uint64_t remainder;
};

const PartitionVector kPartitionVectors[] = {
    {"int4|text", "\\N\t\\N", 7, 0},
    {"int4|text", "-378242265\t7f664fcc2f1b7e592a0a1c838dc1765c  ", 7, 0},
    {"int4|text", "509124653\tb5395c36ebd69ed20afeebee7099d743   ", 7, 0},
    {"int4|text", "1\tabc", 7, 1},
    {"int4|text", "735261532\t\\N", 7, 1},
    {"int4|text", "\\N\t8f54c7703e5a47aa57680699ad53036e  ", 7, 1},
    {"int4|text", "-389963107\t3744d9a538695226c4201e77cb205b71 ", 7, 1},
    {"int4|text", "952276181\t794cae7a7d5c14a3575614b37f5ada44", 7, 1},
    {"int4|text", "-239816662\t\\N", 7, 2},
    {"int4|text", "\\N\t8405aef7ccaf497ebc1ece37a5636b2e  ", 7, 2},
    {"int4|text", "-83292400\t9bb53353e77422b4361f08d05e274a8d", 7, 2},
    {"int4|text", "756223477\t4c3fd1c2219e3e0d052f1a9762404463", 7, 2},
    {"int4|text", "\\N\tabc", 7, 3},
    {"int4|text", "\\N\t3eb6633b1eec6e39c12d5ca1d26c23a7 ", 7, 3},
    {"int4|text", "-837914901\t\\N", 7, 3},
    {"int4|text", "-727019004\t2b8f9cf0b30ed155bb6a50db30592fb4 ", 7, 3},
    {"int4|text", "-14963177\tdc5c3c94b7c6f90317b15dce337d61ed  ", 7, 3},
    {"int4|text", "\\N\t1070df8d8582b766989ea0bdaa168619", 7, 4},
    {"int4|text", "\\N\t57fd30a2f494d753661be93a94d5b5b1", 7, 4},
    {"int4|text", "620277811\t0060842f6bf0d65d5b77a10c05925d1b   ", 7, 4},
    {"int4|text", "-32033275\tadc3f280e5cf7fdb39fe695711de09a6   ", 7, 4},
    {"int4|text", "\\N\t7fcc20f7c37f7f94af2dd35f4d82104b", 7, 5},
    {"int4|text", "\\N\t7e252cf11dae259a96da94fe88a0e1ad", 7, 5},
    {"int4|text", "-505930648\t104dee0ddb887c9a188225e273febb28", 7, 5},
    {"int4|text", "449387401\t30239f3dec2424be37e6081dfdb133b4 ", 7, 5},
    {"int4|text", "\\N\t8eff7ce47d9dee35a59141ab0a65cf0a ", 7, 6},
    {"int4|text", "-947538399\t\\N", 7, 6},
    {"int4|text", "-578592688\t82a0f47dd3e65e3be9ad4547e213051e   ", 7, 6},
    {"int4|text", "95806002\tb919b8b7448c50c3b3563f64960cdd44  ", 7, 6},
    {"numeric", "1.50", 5, 0},
    {"numeric", "\\N", 5, 0},
    {"numeric", "0.2081786665714", 5, 0},
    {"numeric", "0.30539717", 5, 0},
    {"numeric", "-782005198.758442", 5, 1},
    {"numeric", "327602.83955332600000", 5, 1},
    {"numeric", "0", 5, 2},
    {"numeric", "-90431.506059", 5, 2},
    {"numeric", "-39255672061875400000.0000000", 5, 2},
    {"numeric", "-101280699.2", 5, 2},
    {"numeric", "NaN", 5, 3},
    {"numeric", "Infinity", 5, 3},
    {"numeric", "-Infinity", 5, 3},
    {"numeric", "1374823463568.7500000000000000", 5, 3},
    {"numeric", "-275217.91713931100", 5, 3},
    {"numeric", "5414909944633860.0", 5, 4},
    {"numeric", "-8085712997412060000000000000.00000000", 5, 4},
    {"timestamptz|uuid|bool",
     "1976-04-07 06:46:31.509273-03:30\t1ab1ad4c-9b18-474c-aa8a-ae926b005586\t\\N", 4, 0},
    {"timestamptz|uuid|bool", "\\N\t\\N\t\\N", 4, 0},
    {"timestamptz|uuid|bool", "2084-02-28 11:29:07.166567-03:30\t\\N\t\\N", 4, 0},
    {"timestamptz|uuid|bool", "\\N\t\\N\tt", 4, 0},
    {"timestamptz|uuid|bool",
     "2070-04-24 07:10:01.504075-02:30\t0e7266f0-e038-4d59-9b3e-2170db607ded\tf", 4, 0},
    {"timestamptz|uuid|bool", "1895-11-30 15:20:22.411221-03:30:52\t\\N\t\\N", 4, 0},
    {"timestamptz|uuid|bool", "\\N\t\\N\tf", 4, 0},
    {"timestamptz|uuid|bool", "1967-03-27 00:28:51.025928-03:30\t\\N\t\\N", 4, 0},
    {"timestamptz|uuid|bool", "2011-10-03 16:36:11.086587-02:30\t\\N\t\\N", 4, 0},
    {"timestamptz|uuid|bool", "\\N\tf0185fda-d103-43f9-be4f-9911dc4b02d7\tt", 4, 0},
    {"timestamptz|uuid|bool", "\\N\tb13bad63-5a9c-4246-9ad0-ea1b6bac5dad\tt", 4, 0},
    {"timestamptz|uuid|bool",
     "2126-04-01 01:20:40.848185-02:30\tf90dd857-1a09-4d9d-80cf-2c871f57987c\tf", 4, 0},
    {"timestamptz|uuid|bool",
     "1952-04-29 05:49:45.073327-02:30\t68b4e8f5-bc79-4435-a557-a6d286dac653\tf", 4, 0},
    {"timestamptz|uuid|bool", "1970-09-10 17:26:30.528059-02:30\t\\N\t\\N", 4, 1},
    {"timestamptz|uuid|bool",
     "1886-09-14 10:20:01.502943-03:30:52\tc205df7b-5538-446e-9f22-f38d71035c92\tf", 4, 1},
    {"timestamptz|uuid|bool", "2090-05-02 13:19:56.971593-02:30\t\\N\t\\N", 4, 1},
    {"timestamptz|uuid|bool", "1881-07-10 08:26:58.951481-03:30:52\t\\N\t\\N", 4, 1},
    {"timestamptz|uuid|bool", "2051-03-27 03:03:14.556933-02:30\t\\N\t\\N", 4, 1},
    {"timestamptz|uuid|bool",
     "1876-09-27 20:31:52.609026-03:30:52\t4e4fbe5b-82d0-4c50-8eca-46092c60aa8b\t\\N", 4, 1},
    {"timestamptz|uuid|bool", "2067-04-01 12:47:16.511608-02:30\t\\N\tt", 4, 1},
    {"timestamptz|uuid|bool",
     "2110-05-26 06:40:10.558462-02:30\t0261c03f-7e06-488d-8404-40792980323d\tt", 4, 1},
    {"timestamptz|uuid|bool",
     "2040-10-04 12:11:43.786734-02:30\te3f07bb4-cd3f-4304-aba1-70bbd4b1be41\tt", 4, 1},
    {"timestamptz|uuid|bool", "2023-07-26 00:05:38.631335-02:30\t\\N\t\\N", 4, 2},
    {"timestamptz|uuid|bool", "2097-09-20 05:27:38.348005-02:30\t\\N\t\\N", 4, 2},
    {"timestamptz|uuid|bool", "2004-07-13 16:38:38.139138-02:30\t\\N\tt", 4, 2},
    {"timestamptz|uuid|bool",
     "1964-12-06 13:59:48.489349-03:30\t2a483fec-06aa-4176-8b17-8c582e67a462\t\\N", 4, 2},
    {"timestamptz|uuid|bool",
     "1970-08-21 10:14:13.026174-02:30\t114d74b0-a7cd-48b1-82e3-074d57a66278\tf", 4, 2},
    {"timestamptz|uuid|bool",
     "2014-09-29 13:22:46.777825-02:30\t8d68107a-7f91-4669-b4f6-0fca7781a00e\tf", 4, 2},
    {"timestamptz|uuid|bool", "1866-03-18 15:31:26.537909-03:30:52\t\\N\t\\N", 4, 3},
    {"timestamptz|uuid|bool", "1920-11-30 09:02:16.973844-03:30:52\t\\N\t\\N", 4, 3},
    {"timestamptz|uuid|bool", "2117-05-08 13:35:10.890529-02:30\t\\N\t\\N", 4, 3},
    {"timestamptz|uuid|bool", "1959-12-30 22:37:22.663499-03:30\t\\N\t\\N", 4, 3},
    {"timestamptz|uuid|bool", "1992-11-24 02:24:26.742803-03:30\t\\N\tf", 4, 3},
    {"timestamptz|uuid|bool", "2061-08-25 01:09:39.434024-02:30\t\\N\tt", 4, 3},
    {"timestamptz|uuid|bool",
     "1959-09-14 02:03:31.309437-02:30\td2a2fb15-28c4-48b0-96db-231d7a31876c\tt", 4, 3},
    {"timestamptz|uuid|bool",
     "2100-08-12 00:21:20.876567-02:30\t71ceac9d-06cc-4843-932f-2d92a19ec6ed\tf", 4, 3},
    {"bytea|date|float8|inet", "\\\\x72b0b75cf328a771023990e13573cc95\t\\N\t\\N\t10.152.152.1/26",
     3, 0},
    {"bytea|date|float8|inet", "\\\\x390756d0e0992fdeb92d3c9c62accb0b\t\\N\t\\N\t10.254.38.1/3", 3,
     0},
    {"bytea|date|float8|inet", "\\\\x9cb7661c018a75dd94023cdb6cf72d39\t\\N\t\\N\t10.235.76.1/23", 3,
     0},
    {"bytea|date|float8|inet", "\\\\x90017bcb0e940f31fcab2a30e376e5f8\t1979-11-17\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\N\t\\N\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\N\t\\N\t-2170.324103949297\t10.173.175.1/11", 3, 0},
    {"bytea|date|float8|inet", "\\\\x41fdc0b1bbaf5bd14ba5031e1c164955\t1915-09-15\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\\\xfa52b75e6c72c0a0b5f58874f56987c7\t\\N\t\\N\t10.9.17.1/31", 3,
     0},
    {"bytea|date|float8|inet", "\\\\x1bfb478109af878df1f63cf67af2db9d\t\\N\t\\N\t10.22.167.1/28", 3,
     0},
    {"bytea|date|float8|inet", "\\N\t2071-04-22\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\\\x8e2a6afb02e994d40fb9ab1989d3f9f5\t1996-03-03\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\\\xb186cda87e5b77aa0047f13068d010d1\t2104-03-07\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\\\x8591f5c5ce969c1b75b8b0688f86980f\t\\N\t\\N\t10.150.189.1/2", 3,
     0},
    {"bytea|date|float8|inet", "\\N\t1913-06-02\t\\N\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\\\x36cea5a2e91445f06c4cd89c0d645c30\t\\N\t\\N\t10.63.216.1/21", 3,
     0},
    {"bytea|date|float8|inet", "\\N\t\\N\t-1.0180669523059666e+15\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\N\t\\N\t\\N\t10.112.60.1/18", 3, 0},
    {"bytea|date|float8|inet", "\\N\t\\N\t-0\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\N\t\\N\t0\t\\N", 3, 0},
    {"bytea|date|float8|inet", "\\N\t\\N\tInfinity\t::1", 3, 0},
    {"bytea|date|float8|inet",
     "\\\\x4f89ccced25aa5468503ad369f59ba12\t1917-08-30\t23683.552882420296\t\\N", 3, 0},
    {"bytea|date|float8|inet",
     "\\\\x87e5924a0de0c3f2df07fb7fbd75d782\t1905-08-12\t-12.8388711197435\t10.215.241.1/4", 3, 0},
    {"bytea|date|float8|inet",
     "\\\\xb667426046130174df0b72a9a3a315be\t2092-11-06\t6.5354752560177624e+16\t10.99.124.1/9", 3,
     0},
    {"bytea|date|float8|inet", "\\N\t\\N\t-74318.47954375097\t\\N", 3, 1},
    {"bytea|date|float8|inet", "\\\\xbfe8839de2f176525be5b625e547b6a2\t\\N\t\\N\t10.109.195.1/6", 3,
     1},
    {"bytea|date|float8|inet",
     "\\\\x6a50c219eb5b86a59c4424b55487c3eb\t1955-02-25\t68.78632642453199\t10.151.50.1/7", 3, 1},
    {"bytea|date|float8|inet", "\\\\x64e441462864ad399c93b9f9ef81575c\t1931-04-20\t\\N\t\\N", 3, 1},
    {"bytea|date|float8|inet", "\\\\x9eed1baa0c876e18fb41bcb297e29bd0\t\\N\t\\N\t10.9.26.1/11", 3,
     1},
    {"bytea|date|float8|inet", "\\N\t\\N\t-11780957.01960223\t10.232.85.1/29", 3, 1},
    {"bytea|date|float8|inet", "\\N\t\\N\t597.7800869054946\t10.141.77.1/27", 3, 1},
    {"bytea|date|float8|inet", "\\N\t\\N\t5.116276709646369e+15\t10.49.207.1/10", 3, 1},
    {"bytea|date|float8|inet", "\\\\x02f2ff5fa35c0ffe744c9f9ee148da22\t\\N\t\\N\t10.134.84.1/20", 3,
     1},
    {"bytea|date|float8|inet", "\\N\t\\N\tNaN\t\\N", 3, 1},
    {"bytea|date|float8|inet",
     "\\\\xc39329eca882edbbfb32766b774d181f\t\\N\t6118863135290.854\t10.79.29.1/16", 3, 1},
    {"bytea|date|float8|inet",
     "\\\\x096af9d03cb6019eeadbcc000fe814cd\t2026-09-24\t-94443531378.11836\t\\N", 3, 1},
    {"bytea|date|float8|inet",
     "\\\\x76a2351804c5facb79454ac63a6443dc\t1886-04-23\t0.6365002134722298\t10.217.253.1/15", 3,
     1},
    {"bytea|date|float8|inet",
     "\\\\x2c7abbd3c25d7e1689f7ce534cff8950\t1916-07-13\t-5976.199891826658\t10.16.176.1/14", 3, 1},
    {"bytea|date|float8|inet", "\\\\x41e3b1263755c00e5ee96b8df45d9300\t2035-01-05\t\\N\t\\N", 3, 2},
    {"bytea|date|float8|inet", "\\N\t\\N\t5108.085363879223\t\\N", 3, 2},
    {"bytea|date|float8|inet", "\\N\t\\N\t995762.5239078157\t10.117.163.1/13", 3, 2},
    {"bytea|date|float8|inet", "\\\\x7e5e7d1b3d8feba3374c5a6e1c625c11\t\\N\t\\N\t10.153.113.1/15",
     3, 2},
    {"bytea|date|float8|inet", "\\\\x1297f57e39086fab271211da1874ea1e\t\\N\t\\N\t10.200.235.1/28",
     3, 2},
    {"bytea|date|float8|inet", "\\\\xb8417701b9b88d8e31a1498f59c53c77\t\\N\t\\N\t10.183.11.1/15", 3,
     2},
    {"bytea|date|float8|inet", "\\\\xe48993ae52eedc3bbef0ee2bc22d933f\t2135-03-14\t\\N\t\\N", 3, 2},
    {"bytea|date|float8|inet", "\\\\xd1b5ecfece08020200ab6b17e289001a\t\\N\t\\N\t10.187.47.1/6", 3,
     2},
    {"bytea|date|float8|inet", "\\N\t\\N\t76585165123.60574\t10.72.85.1/10", 3, 2},
    {"bytea|date|float8|inet", "\\N\t1963-03-19\t1.2087246520465832e+17\t10.187.112.1/12", 3, 2},
    {"bytea|date|float8|inet",
     "\\\\x83c8f4d8ddffedc597e995113e88b233\t2033-03-11\t256090011420338.84\t\\N", 3, 2},
    {"bytea|date|float8|inet",
     "\\\\xa357e2626a52a62db4d3efa2e129b9d0\t2092-09-08\t388713748423.20245\t10.139.212.1/24", 3,
     2},
    {"bytea|date|float8|inet",
     "\\\\x027a59844e9b506345deaa8859390fba\t2118-10-05\t10.181237561715582\t10.58.45.1/24", 3, 2},
    {"int8", "0", 16, 0},
    {"int8", "\\N", 16, 0},
    {"int8", "-1271461383202850000", 16, 0},
    {"int8", "1822633372492420000", 16, 1},
    {"int8", "-2431125023596120000", 16, 2},
    {"int8", "3406854714363940000", 16, 3},
    {"int8", "1556180033161500000", 16, 4},
    {"int8", "2396644170941800000", 16, 5},
    {"int8", "648186439269739000", 16, 6},
    {"int8", "5246574032887550000", 16, 7},
    {"int8", "-2307101286359980000", 16, 8},
    {"int8", "6879394663366410000", 16, 9},
    {"int8", "-767800169778849000", 16, 10},
    {"int8", "8947787557127000000", 16, 11},
    {"int8", "5142792563880720000", 16, 12},
    {"int8", "-1305342781392810000", 16, 13},
    {"int8", "123456789012345", 16, 14},
    {"int8", "4329308378464910000", 16, 14},
    {"int8", "3939891466148500000", 16, 15},
};

TEST(PartitionHashRemainder, MatchesRealPartitionedTables) {
  for (const PartitionVector& v : kPartitionVectors) {
    SCOPED_TRACE(std::string(v.types) + " [" + v.row + "]");
    std::vector<PgType> types;
    std::vector<int> columns;
    for (const std::string& name : Split(v.types, '|')) {
      auto type = PgTypeFromName(name);
      ASSERT_TRUE(type.ok());
      columns.push_back(static_cast<int>(types.size()));
      types.push_back(*type);
    }
    auto parser = KeyParser::Create(CopyFormat::kText, columns, types);
    ASSERT_TRUE(parser.ok());
    std::string error;
    ASSERT_TRUE(parser->Parse(v.row, &error)) << error;
    EXPECT_EQ(PartitionHashRemainder(parser->key(), v.modulus), v.remainder);
    auto placer =
        RowPlacer::Create(DistributionMethod::kPgPartition, types, static_cast<int32_t>(v.modulus));
    ASSERT_TRUE(placer.ok());
    EXPECT_EQ(placer->Place(parser->key()), static_cast<int32_t>(v.remainder));
  }
}

TEST(PartitionHashRemainder, NullColumnsAreSkipped) {
  Datum one = Datum::Null(PgType::kInt4);
  one.is_null = false;
  one.integer = 1;
  const Datum null_int = Datum::Null(PgType::kInt4);
  const Datum null_text = Datum::Null(PgType::kText);
  const Datum with_null[] = {null_text, one, null_int};
  const Datum alone[] = {one};
  EXPECT_EQ(PartitionRowHash(with_null), PartitionRowHash(alone));
  EXPECT_EQ(PartitionRowHash(alone), HashCombine64(0, HashInt4Extended(1, kHashPartitionSeed)));
  const Datum all_null[] = {null_text, null_int};
  EXPECT_EQ(PartitionRowHash(all_null), 0u);
  for (uint64_t modulus : {1u, 2u, 3u, 7u, 64u}) {
    EXPECT_EQ(PartitionHashRemainder(all_null, modulus), 0u);
  }
}

TEST(PartitionHashRemainder, MixedModuliAgreeWithTheGreatest) {
  Datum v = Datum::Null(PgType::kInt8);
  v.is_null = false;
  for (int64_t i = -50; i < 50; ++i) {
    v.integer = i * 7919;
    const Datum key[] = {v};
    const uint64_t r16 = PartitionHashRemainder(key, 16);
    EXPECT_EQ(PartitionHashRemainder(key, 4), r16 % 4);
    EXPECT_EQ(PartitionHashRemainder(key, 8), r16 % 8);
  }
}

// ---- Greenplum modern -----------------------------------------------------------------------

Datum Int4(int32_t v) {
  Datum d = Datum::Null(PgType::kInt4);
  d.is_null = false;
  d.integer = v;
  return d;
}

TEST(GreenplumRowHash, RotatesAndXorsColumnHashes) {
  const Datum one[] = {Int4(5)};
  EXPECT_EQ(GreenplumRowHash(one), HashInt4(5));
  const Datum two[] = {Int4(5), Int4(6)};
  EXPECT_EQ(GreenplumRowHash(two), std::rotl(HashInt4(5), 1) ^ HashInt4(6));
  // A NULL contributes only the rotation.
  const Datum null_first[] = {Datum::Null(PgType::kInt4), Int4(6)};
  EXPECT_EQ(GreenplumRowHash(null_first), HashInt4(6));
  const Datum null_last[] = {Int4(5), Datum::Null(PgType::kText)};
  EXPECT_EQ(GreenplumRowHash(null_last), std::rotl(HashInt4(5), 1));
  const Datum all_null[] = {Datum::Null(PgType::kInt4), Datum::Null(PgType::kInt4)};
  EXPECT_EQ(GreenplumRowHash(all_null), 0u);
  EXPECT_EQ(GreenplumSegment(all_null, 7), 0);
}

TEST(GreenplumRowHash, EqualValuesOfIntegerTypesAgree) {
  Datum i8 = Datum::Null(PgType::kInt8);
  i8.is_null = false;
  i8.integer = 42;
  Datum i2 = Datum::Null(PgType::kInt2);
  i2.is_null = false;
  i2.integer = 42;
  const Datum a[] = {i8}, b[] = {i2}, c[] = {Int4(42)};
  EXPECT_EQ(GreenplumRowHash(a), GreenplumRowHash(c));
  EXPECT_EQ(GreenplumRowHash(b), GreenplumRowHash(c));
}

// Expansion facts from the GPDB 7 test suite (expand_table.out), reproduced by the reference:
// int4 1..100 on 2 segments is 53/47, and after expansion to 3 it is 38/37/25.
TEST(GreenplumSegment, ReproducesExpansionCounts) {
  int on2[2] = {}, on3[3] = {};
  for (int32_t i = 1; i <= 100; ++i) {
    const Datum key[] = {Int4(i)};
    ++on2[GreenplumSegment(key, 2)];
    ++on3[GreenplumSegment(key, 3)];
  }
  EXPECT_EQ(on2[0], 53);
  EXPECT_EQ(on2[1], 47);
  EXPECT_EQ(on3[0], 38);
  EXPECT_EQ(on3[1], 37);
  EXPECT_EQ(on3[2], 25);
  // key (i, i) for 1..100 on 3 segments: 33/30/37
  int pairs[3] = {};
  for (int32_t i = 1; i <= 100; ++i) {
    const Datum key[] = {Int4(i), Int4(i)};
    ++pairs[GreenplumSegment(key, 3)];
  }
  EXPECT_EQ(pairs[0], 33);
  EXPECT_EQ(pairs[1], 30);
  EXPECT_EQ(pairs[2], 37);
}

// GPDB 7 qp_misc_jiras.out L3974-4001: one million inet values
// (i%201).(i%11).(i%11).(i%100) on 3 segments land 335246 / 333028 / 331726.
TEST(GreenplumSegment, ReproducesInetAggregate) {
  Datum v = Datum::Null(PgType::kInet);
  v.is_null = false;
  v.inet.family = 2;
  v.inet.bits = 32;
  int counts[3] = {};
  for (int i = 1; i <= 1000000; ++i) {
    v.inet.address = {static_cast<uint8_t>(i % 201), static_cast<uint8_t>(i % 11),
                      static_cast<uint8_t>(i % 11), static_cast<uint8_t>(i % 100)};
    const Datum key[] = {v};
    ++counts[GreenplumSegment(key, 3)];
  }
  EXPECT_EQ(counts[0], 335246);
  EXPECT_EQ(counts[1], 333028);
  EXPECT_EQ(counts[2], 331726);
}

TEST(JumpConsistentHash, OneBucketAndMonotoneGrowth) {
  for (uint64_t key = 0; key < 2000; ++key) {
    const uint64_t k = key * 0x9E3779B97F4A7C15ULL;
    EXPECT_EQ(JumpConsistentHash(k, 1), 0);
    int32_t previous = 0;
    for (int32_t n = 2; n <= 40; ++n) {
      const int32_t b = JumpConsistentHash(k, n);
      ASSERT_GE(b, 0);
      ASSERT_LT(b, n);
      // Growing the cluster only ever moves a key to a new bucket.
      if (b != previous) {
        EXPECT_EQ(b, n - 1) << "key " << k << " n " << n;
      }
      previous = b;
    }
  }
}

// ---- Greenplum legacy ----------------------------------------------------------------------

uint32_t Fnv1(std::string_view bytes, uint32_t h = kCdbHashLegacyInit) {
  for (unsigned char c : bytes) h = (h * 0x01000193u) ^ c;
  return h;
}

Datum Bytes(PgType type, std::string_view bytes) {
  Datum d = Datum::Null(type);
  d.is_null = false;
  d.bytes = bytes;
  return d;
}

TEST(CdbHashLegacy, IsFnv1OverTheByteImages) {
  EXPECT_EQ(Fnv1("a"), 0x050C5D7Eu);  // the published FNV-1 32-bit test vector
  const Datum a[] = {Bytes(PgType::kText, "a")};
  EXPECT_EQ(CdbHashLegacy(a), 0x050C5D7Eu);
  const Datum empty[] = {Bytes(PgType::kText, "")};
  EXPECT_EQ(CdbHashLegacy(empty), kCdbHashLegacyInit);
  // Integers are widened to int64, little-endian; columns continue one stream.
  const Datum two[] = {Int4(1), Int4(2)};
  const std::string image = "\x01\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0"s;
  EXPECT_EQ(CdbHashLegacy(two), Fnv1(image));
  // NULL feeds 0xF0F0F0F1 little-endian.
  const Datum null_key[] = {Datum::Null(PgType::kInt4)};
  EXPECT_EQ(CdbHashLegacy(null_key), Fnv1("\xF1\xF0\xF0\xF0"s));
}

TEST(CdbHashLegacy, TextLosesTrailingBlanksButKeepsOneByte) {
  auto hash = [](PgType type, std::string_view s) {
    const Datum key[] = {Bytes(type, s)};
    return CdbHashLegacy(key);
  };
  EXPECT_EQ(hash(PgType::kText, "ab  "), Fnv1("ab"));
  EXPECT_EQ(hash(PgType::kVarchar, "ab "), Fnv1("ab"));
  EXPECT_EQ(hash(PgType::kBpchar, "ab   "), Fnv1("ab"));
  EXPECT_EQ(hash(PgType::kText, "   "), Fnv1(" "));
  EXPECT_EQ(hash(PgType::kText, " "), Fnv1(" "));
  EXPECT_NE(hash(PgType::kText, " "), hash(PgType::kText, ""));
  EXPECT_EQ(hash(PgType::kBytea, "ab  "), Fnv1("ab  "));  // bytea is not trimmed
}

TEST(CdbHashLegacy, TypeImages) {
  auto hash = [](const Datum& d) {
    const Datum key[] = {d};
    return CdbHashLegacy(key);
  };
  Datum oid = Datum::Null(PgType::kOid);
  oid.is_null = false;
  oid.integer = 4294967295;  // sign-extended like Greenplum 6/7's cdblegacyhash_oid
  EXPECT_EQ(hash(oid), Fnv1(std::string(8, '\xff')));
  Datum f8 = Datum::Null(PgType::kFloat8);
  f8.is_null = false;
  f8.real = -0.0;
  EXPECT_EQ(hash(f8), Fnv1(std::string(8, '\0')));
  Datum f4 = Datum::Null(PgType::kFloat4);
  f4.is_null = false;
  f4.real = 1.5;
  EXPECT_EQ(hash(f4), Fnv1("\x00\x00\xc0\x3f"s));  // 4-byte float, not widened
  Datum date = Datum::Null(PgType::kDate);
  date.is_null = false;
  date.integer = 6903;
  EXPECT_EQ(hash(date), Fnv1("\xf7\x1a\x00\x00"s));  // 4 bytes
  Datum b = Datum::Null(PgType::kBool);
  b.is_null = false;
  b.integer = 1;
  EXPECT_EQ(hash(b), Fnv1("\x01"s));
  Datum iv = Datum::Null(PgType::kInterval);
  iv.is_null = false;
  iv.interval = IntervalValue{1, 2, 3};
  Datum iv_other_month = iv;
  iv_other_month.interval.month = 99;
  EXPECT_EQ(hash(iv), hash(iv_other_month));  // the month is not hashed
  EXPECT_EQ(hash(iv), Fnv1("\x01\0\0\0\0\0\0\0\x02\0\0\0"s));
  Datum inet = Datum::Null(PgType::kInet);
  inet.is_null = false;
  inet.inet.family = 2;
  inet.inet.bits = 24;
  inet.inet.address = {10, 1, 2, 0};
  EXPECT_EQ(hash(inet), Fnv1("\x02\x18\x0a\x01\x02\x00"s));
}

TEST(CdbHashLegacy, NumericHashesOnlyTheDigits) {
  DatumBuffer b1, b2;
  Datum d1, d2;
  std::string error;
  auto hash = [](const Datum& d) {
    const Datum key[] = {d};
    return CdbHashLegacy(key);
  };
  // 1, -1, 10000 and 0.0001 have the digit array {1}: they collide, as in Greenplum.
  ASSERT_TRUE(ParseTextValue(PgType::kNumeric, "1", &b1, &d1, &error));
  for (const char* same : {"-1", "10000", "0.0001", "1.000"}) {
    ASSERT_TRUE(ParseTextValue(PgType::kNumeric, same, &b2, &d2, &error));
    EXPECT_EQ(hash(d2), hash(d1)) << same;
  }
  EXPECT_EQ(hash(d1), Fnv1("\x01\x00"s));
  ASSERT_TRUE(ParseTextValue(PgType::kNumeric, "0", &b2, &d2, &error));
  EXPECT_EQ(hash(d2), kCdbHashLegacyInit);  // zero feeds no bytes
  ASSERT_TRUE(ParseTextValue(PgType::kNumeric, "NaN", &b2, &d2, &error));
  EXPECT_EQ(hash(d2), Fnv1("\xe1\xe0\xe0\xe0"s));
}

// Greenplum 3.x/4.0 on 4 segments (androidyou blog): int 1..59 lands 15 / 14 / 15 / 15.
TEST(GreenplumLegacySegment, ReproducesFourSegmentCounts) {
  int counts[4] = {};
  for (int32_t i = 1; i <= 59; ++i) {
    const Datum key[] = {Int4(i)};
    ++counts[GreenplumLegacySegment(key, 4)];
  }
  EXPECT_EQ(counts[0], 15);
  EXPECT_EQ(counts[1], 14);
  EXPECT_EQ(counts[2], 15);
  EXPECT_EQ(counts[3], 15);
}

TEST(CdbHashLegacyReduce, BitmaskForPowersOfTwoElseModulo) {
  EXPECT_EQ(CdbHashLegacyReduce(0xFFFFFFFFu, 1), 0);
  EXPECT_EQ(CdbHashLegacyReduce(0xFFFFFFFFu, 4), 3);
  EXPECT_EQ(CdbHashLegacyReduce(0xFFFFFFFFu, 3), static_cast<int32_t>(0xFFFFFFFFu % 3));
  EXPECT_EQ(CdbHashLegacyReduce(10, 8), 2);
  EXPECT_EQ(CdbHashLegacyReduce(10, 6), 4);
}

// ---- RowPlacer -----------------------------------------------------------------------------

TEST(RowPlacer, DispatchesToTheMethod) {
  const Datum key[] = {Int4(7), Datum::Null(PgType::kText)};
  const std::vector<PgType> types = {PgType::kInt4, PgType::kText};
  auto gp = RowPlacer::Create(DistributionMethod::kGreenplum, types, 5);
  auto legacy = RowPlacer::Create(DistributionMethod::kGreenplumLegacy, types, 5);
  auto partition = RowPlacer::Create(DistributionMethod::kPgPartition, types, 5);
  ASSERT_TRUE(gp.ok() && legacy.ok() && partition.ok());
  EXPECT_EQ(gp->Place(key), GreenplumSegment(key, 5));
  EXPECT_EQ(legacy->Place(key), GreenplumLegacySegment(key, 5));
  EXPECT_EQ(partition->Place(key), static_cast<int32_t>(PartitionHashRemainder(key, 5)));
  EXPECT_EQ(gp->num_targets(), 5);
  EXPECT_EQ(gp->key_types(), types);
}

TEST(RowPlacer, CreateRefusesEmptyKeysAndTargetCounts) {
  EXPECT_FALSE(RowPlacer::Create(DistributionMethod::kGreenplum, {}, 3).ok());
  auto zero = RowPlacer::Create(DistributionMethod::kGreenplum, {PgType::kInt4}, 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().kind(), ErrorKind::kUsage);
}

TEST(DistributionMethod, NamesRoundTrip) {
  for (auto m : {DistributionMethod::kGreenplum, DistributionMethod::kGreenplumLegacy,
                 DistributionMethod::kPgPartition}) {
    auto back = DistributionMethodFromName(DistributionMethodName(m));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, m);
  }
  auto bad = DistributionMethodFromName("random");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"random\""), std::string::npos);
}

}  // namespace
}  // namespace segstream
