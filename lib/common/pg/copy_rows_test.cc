// CopyRowSplitter against every way a server may cut COPY output into messages: one row per
// message (PostgreSQL), several rows per message and rows cut anywhere (a Greenplum
// coordinator), for text, csv with quoted newlines, and binary with NULLs and a header
// extension. The rows must come out the same whatever the cuts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/common/format/format.h"
#include "lib/common/pg/copy_rows.h"

namespace segstream {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Feeds `data` cut at `cuts` (sorted offsets); returns the rows, or the error text.
std::vector<std::string> Split(CopyFormat format, const std::string& data,
                               const std::vector<size_t>& cuts, std::string* error = nullptr) {
  CopyRowSplitter splitter(format);
  std::vector<std::string> rows;
  auto emit = [&](std::span<const uint8_t> row) {
    rows.emplace_back(reinterpret_cast<const char*>(row.data()), row.size());
    return Status::Ok();
  };
  size_t at = 0;
  std::vector<size_t> points = cuts;
  points.push_back(data.size());
  for (size_t cut : points) {
    Status st = splitter.Feed(Bytes(data.substr(at, cut - at)), emit);
    if (!st.ok()) {
      if (error) *error = st.message();
      return rows;
    }
    at = cut;
  }
  Status st = splitter.Finish();
  if (!st.ok() && error) *error = st.message();
  return rows;
}

std::string Joined(const std::vector<std::string>& rows) {
  std::string s;
  for (const auto& r : rows) s += r;
  return s;
}

void ExpectSameRowsAtEveryCut(CopyFormat format, const std::string& prefix,
                              const std::vector<std::string>& rows, const std::string& suffix) {
  std::string data = prefix + Joined(rows) + suffix;
  EXPECT_EQ(Split(format, data, {}), rows) << "one message";
  for (size_t a = 0; a <= data.size(); ++a) {
    EXPECT_EQ(Split(format, data, {a}), rows) << "cut at " << a;
    for (size_t b = a; b <= data.size(); b += 7) EXPECT_EQ(Split(format, data, {a, b}), rows);
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < data.size(); ++i) every.push_back(i);
  EXPECT_EQ(Split(format, data, every), rows) << "one byte per message";
}

TEST(CopyRowSplitter, TextRowsEndAtNewlines) {
  ExpectSameRowsAtEveryCut(CopyFormat::kText, "",
                           {"1\tone\n", "2\tline\\nbreak\n", "3\t\\N\n", "\n", "5\t\xc3\xa9\n"},
                           "");
}

TEST(CopyRowSplitter, CsvNewlinesInsideQuotesAreData) {
  ExpectSameRowsAtEveryCut(
      CopyFormat::kCsv, "",
      {"1,\"two\nlines\"\n", "2,\"a \"\"quoted\"\"\n word\"\n", "3,\n", "4,\"\"\n", "5,\"\n\n\"\n"},
      "");
}

std::string Be16(int16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string Be32(int32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

TEST(CopyRowSplitter, BinaryTuplesByTheirLengthsHeaderAndTrailerDropped) {
  std::string header(reinterpret_cast<const char*>(format::kPgBinaryHeader), 15);
  header += Be32(3) + "ext";  // a header extension of 3 bytes
  std::vector<std::string> rows = {
      Be16(2) + Be32(4) + Be32(1) + Be32(-1),  // 1, NULL
      Be16(2) + Be32(4) + Be32(2) + Be32(10) + "0123456789", Be16(0),
      Be16(1) + Be32(0),  // an empty value
  };
  ExpectSameRowsAtEveryCut(CopyFormat::kBinary, header, rows, Be16(-1));
}

TEST(CopyRowSplitter, UnfinishedOrForeignDataIsAServerError) {
  std::string error;
  Split(CopyFormat::kText, "1\tone\n2\ttw", {}, &error);
  EXPECT_EQ(error, "COPY data ended inside a row (4 bytes of it arrived)");
  Split(CopyFormat::kCsv, "1,\"open\n", {}, &error);
  EXPECT_EQ(error, "COPY data ended inside a row (8 bytes of it arrived)");
  std::string header(reinterpret_cast<const char*>(format::kPgBinaryHeader), 19);
  Split(CopyFormat::kBinary, header + Be16(1) + Be32(4) + "ab", {}, &error);
  EXPECT_EQ(error, "COPY data ended inside a row (8 bytes of it arrived)");
  Split(CopyFormat::kBinary, header, {}, &error);
  EXPECT_EQ(error, "binary COPY data ended without its trailer");
  Split(CopyFormat::kBinary, "", {}, &error);
  EXPECT_EQ(error, "binary COPY data ended without its header");
  Split(CopyFormat::kBinary, "NOTPGCOPY\n\xff\r\n" + std::string(9, '\0'), {}, &error);
  EXPECT_EQ(error, "binary COPY data does not start with the PGCOPY signature");
  Split(CopyFormat::kBinary, header + Be16(-1) + Be16(0), {}, &error);
  EXPECT_EQ(error, "binary COPY data continues after its trailer");
  Split(CopyFormat::kBinary, header + Be16(1) + Be32(-7), {}, &error);
  EXPECT_EQ(error, "binary COPY field has a negative length");
}

TEST(CopyRowSplitter, WholeRowsAreViewsOfTheMessageNotCopies) {
  CopyRowSplitter splitter(CopyFormat::kText);
  std::string message = "1\ta\n2\tb\n";
  std::vector<const uint8_t*> starts;
  ASSERT_TRUE(splitter
                  .Feed(Bytes(message),
                        [&](std::span<const uint8_t> row) {
                          starts.push_back(row.data());
                          return Status::Ok();
                        })
                  .ok());
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0], reinterpret_cast<const uint8_t*>(message.data()));
  EXPECT_EQ(starts[1], reinterpret_cast<const uint8_t*>(message.data()) + 4);
}

// The inline path takes whole tuples after the header; the ones after them in the same
// message must still be judged: a cut tuple gathered, a bad one refused.
TEST(CopyRowSplitter, BinaryWholeTuplesAreViewsAndWhatFollowsIsStillJudged) {
  std::string header(reinterpret_cast<const char*>(format::kPgBinaryHeader), 19);
  const std::string one = Be16(1) + Be32(2) + "ab";
  const std::string two = Be16(2) + Be32(-1) + Be32(1) + "c";
  std::vector<std::string> rows;
  std::vector<const uint8_t*> starts;
  auto emit = [&](std::span<const uint8_t> row) {
    rows.emplace_back(reinterpret_cast<const char*>(row.data()), row.size());
    starts.push_back(row.data());
    return Status::Ok();
  };
  CopyRowSplitter splitter(CopyFormat::kBinary);
  ASSERT_TRUE(splitter.Feed(Bytes(header), emit).ok());
  const std::string message = one + two + one.substr(0, 3);
  ASSERT_TRUE(splitter.Feed(Bytes(message), emit).ok());
  ASSERT_EQ(rows, (std::vector<std::string>{one, two}));
  EXPECT_EQ(starts[0], reinterpret_cast<const uint8_t*>(message.data()));
  EXPECT_EQ(starts[1], reinterpret_cast<const uint8_t*>(message.data()) + one.size());
  ASSERT_TRUE(splitter.Feed(Bytes(one.substr(3) + two + Be16(-1)), emit).ok());
  EXPECT_EQ(rows, (std::vector<std::string>{one, two, one, two}));
  EXPECT_TRUE(splitter.Finish().ok());

  std::string error;
  EXPECT_EQ(Split(CopyFormat::kBinary, header + one + Be16(1) + Be32(-7), {19}, &error),
            std::vector<std::string>{one});
  EXPECT_EQ(error, "binary COPY field has a negative length");
  EXPECT_EQ(Split(CopyFormat::kBinary, header + one + Be16(-2), {19}, &error),
            std::vector<std::string>{one});
  EXPECT_EQ(error, "binary COPY tuple has a negative field count");
  Split(CopyFormat::kBinary, header + one + Be16(-1) + one, {19}, &error);
  EXPECT_EQ(error, "binary COPY data continues after its trailer");
}

}  // namespace
}  // namespace segstream
