#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "lib/common/format/stream_summary.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

using testing::BuildStream;
using testing::TempFile;
using testing::TestTable;

struct ReadResult {
  Status status;
  std::map<std::string, std::string> contents;  // table -> concatenated rows
  int streams = 0;
};

ReadResult ReadAll(const std::vector<uint8_t>& bytes, ReaderOptions options = {}) {
  TempFile file;
  file.Write(bytes);
  int fd = ::open(file.path().c_str(), O_RDONLY);
  BufferedSource source(fd, file.path(), 4096);
  StreamReader reader(&source, options);
  ReadResult result;
  for (;;) {
    Event ev;
    result.status = reader.Next(&ev);
    if (!result.status.ok() || ev.type == EventType::kEnd) break;
    if (ev.type == EventType::kStreamBegin) result.streams++;
    if (ev.type == EventType::kRows) {
      auto& text = result.contents[ev.table->info.QualifiedName()];
      text.append(reinterpret_cast<const char*>(ev.rows.rows().data()), ev.rows.rows().size());
    }
  }
  ::close(fd);
  return result;
}

std::vector<TestTable> SampleTables() {
  TestTable a{"public", "orders", {}};
  for (int i = 0; i < 1000; ++i)
    a.rows.push_back(std::to_string(i) + "\tpaid\t" + std::string(i % 50, 'x') + "\n");
  TestTable b{"sales", "Order Items", {"1\t\\N\n", "2\ttab\\there\n"}};
  TestTable c{"public", "empty", {}};
  return {a, b, c};
}

std::string Joined(const TestTable& t) {
  std::string s;
  for (const auto& r : t.rows) s += r;
  return s;
}

TEST(StreamRoundTrip, RowsComeBackExactlyAcrossManyFrames) {
  WriterOptions options;
  options.frame_size = 512;  // many frames
  auto tables = SampleTables();
  ReadResult r = ReadAll(BuildStream(tables, options));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.contents["public.orders"], Joined(tables[0]));
  EXPECT_EQ(r.contents["sales.\"Order Items\""], Joined(tables[1]));
  EXPECT_EQ(r.streams, 1);
}

TEST(StreamRoundTrip, InterleavedTables) {
  WriterOptions options;
  options.frame_size = 300;
  auto tables = SampleTables();
  ReadResult r = ReadAll(BuildStream(tables, options, /*interleave=*/true));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.contents["public.orders"], Joined(tables[0]));
}

TEST(StreamRoundTrip, EveryCodecRoundTrips) {
  for (auto codec : {format::Codec::kZstd, format::Codec::kLz4, format::Codec::kGzip}) {
    WriterOptions options;
    options.codec = codec;
    options.level = LevelRangeFor(codec).default_level;
    options.frame_size = 4096;
    auto tables = SampleTables();
    auto bytes = BuildStream(tables, options);
    ReadResult r = ReadAll(bytes);
    ASSERT_TRUE(r.status.ok()) << format::CodecName(codec) << ": " << r.status.ToString();
    EXPECT_EQ(r.contents["public.orders"], Joined(tables[0])) << format::CodecName(codec);
    EXPECT_LT(bytes.size(), BuildStream(tables).size()) << format::CodecName(codec);
  }
}

TEST(StreamRoundTrip, RowLargerThanFrameGetsItsOwnFrame) {
  TestTable big{"public", "blobs", {std::string(100000, 'b') + "\n", "small\n"}};
  WriterOptions options;
  options.frame_size = 1024;
  ReadResult r = ReadAll(BuildStream({big}, options));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.contents["public.blobs"], Joined(big));
}

// Rows at and past the frame size go out as frames of their own, straight from the row
// (uncompressed, or compressed from one copy, or stored when compression does not pay).
TEST(StreamRoundTrip, LargeRowsAroundTheFrameSizeInEveryCodec) {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1103515245u + 12345u;
    noise += static_cast<char>('!' + (x >> 16) % 90);
  }
  TestTable t{"public",
              "blobs",
              {"a\n", std::string(1023, 'b') + "\n", std::string(1024, 'c') + "\n", "d\n",
               noise + "\n", std::string(5000, 'e') + "\n", "f\n"}};
  for (auto codec :
       {format::Codec::kNone, format::Codec::kZstd, format::Codec::kLz4, format::Codec::kGzip}) {
    WriterOptions options;
    options.codec = codec;
    options.level = LevelRangeFor(codec).default_level;
    options.frame_size = 1024;
    ReadResult r = ReadAll(BuildStream({t}, options));
    ASSERT_TRUE(r.status.ok()) << format::CodecName(codec) << ": " << r.status.ToString();
    EXPECT_EQ(r.contents["public.blobs"], Joined(t)) << format::CodecName(codec);
  }
}

TEST(StreamRoundTrip, ConcatenatedStreamsReadAsOne) {
  auto one = BuildStream(SampleTables());
  auto both = one;
  both.insert(both.end(), one.begin(), one.end());
  ReadResult r = ReadAll(both);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.streams, 2);
}

TEST(StreamIndex, SeekableFileListsFromIndexAlone) {
  WriterOptions options;
  options.write_index = true;
  auto one = BuildStream(SampleTables(), options);
  auto both = one;
  both.insert(both.end(), one.begin(), one.end());
  TempFile file;
  file.Write(both);
  int fd = ::open(file.path().c_str(), O_RDONLY);
  auto summaries = ReadIndexedSummaries(fd);
  ::close(fd);
  ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
  ASSERT_TRUE(summaries->has_value());
  ASSERT_EQ((*summaries)->size(), 2u);
  const auto& first = (**summaries)[0];
  ASSERT_EQ(first.tables.size(), 3u);
  EXPECT_EQ(first.tables[0].trailer->totals.rows, 1000u);
  // Indexed streams still read as plain streams: the index frames are optional.
  EXPECT_TRUE(ReadAll(both).status.ok());
}

TEST(StreamIndex, FileWithoutIndexFallsBackToScan) {
  TempFile file;
  WriterOptions options;
  options.write_index = false;
  file.Write(BuildStream(SampleTables(), options));
  int fd = ::open(file.path().c_str(), O_RDONLY);
  auto summaries = ReadIndexedSummaries(fd);
  ::close(fd);
  ASSERT_TRUE(summaries.ok());
  EXPECT_FALSE(summaries->has_value());
}

}  // namespace
}  // namespace segstream
