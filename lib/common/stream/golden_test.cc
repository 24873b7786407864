// A tiny stream pinned byte for byte, in both directions: the writer must produce exactly
// these bytes and the reader must accept exactly them. A change made in both at once (a
// checksum seed, a header field's place) passes every round-trip test; it cannot pass this
// one, and a format change must then be a deliberate edit of segstream(5) and this file.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/stream/stream_writer.h"
#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

// Written by the code below when the format was 1.0; regenerate only for a format change.
constexpr const char* kGoldenHex =
    "895347530d0a1a0a01000000c87f2db701000000000000000701000007010000f6f3fd7301aeb068"
    "7b2270726f6475636572223a22676f6c64656e222c2273747265616d5f6964223a22303031313232"
    "3333343435353636373738383939616162626363646465656666222c22637265617465645f617422"
    "3a22323032362d30312d30315430303a30303a30305a222c227365727665725f76657273696f6e22"
    "3a2231352e30222c227365727665725f76657273696f6e5f6e756d223a3135303030302c22656e63"
    "6f64696e67223a2255544638222c226461746162617365223a226462222c22736f75726365223a22"
    "222c22736e617073686f74223a22222c22636f70795f666f726d6174223a2274657874222c227365"
    "676d656e74223a2d312c227365676d656e7473223a307d0200000001000000990000009900000090"
    "153555e1a8ad437b22736368656d61223a227075626c6963222c226e616d65223a2274222c22636f"
    "6c756d6e73223a5b7b226e616d65223a226964222c2274797065223a22696e7465676572222c226e"
    "6f745f6e756c6c223a747275657d2c7b226e616d65223a2276222c2274797065223a227465787422"
    "2c226e6f745f6e756c6c223a66616c73657d5d2c22657374696d617465645f726f7773223a2d317d"
    "03000000010000000f0000000f000000e288ec44cb527e7e0200000004053109610a32095c4e0a04"
    "000000010000003b0000003b000000b3b774a3cffee8a37b22726f7773223a322c22627974657322"
    "3a392c226672616d6573223a312c22646967657374223a2234383663383433363236373537646138"
    "227d06000000000000002a0000002a000000b8abedc79ab80cdf7b227461626c6573223a312c2272"
    "6f7773223a322c226279746573223a392c226672616d6573223a347d";

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::vector<uint8_t> Unhex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<uint8_t> WriteTinyStream() {
  testing::TempFile file;
  int fd = ::open(file.path().c_str(), O_WRONLY | O_TRUNC);
  {
    BufferedSink sink(fd, file.path());
    WriterOptions options;
    options.write_index = false;  // the pin is the stream itself; the index has tests of its own
    StreamWriter writer(&sink, options);
    StreamInfo info;
    info.producer = "golden";
    info.stream_id = "00112233445566778899aabbccddeeff";
    info.created_at = "2026-01-01T00:00:00Z";
    info.server_version = "15.0";
    info.server_version_num = 150000;
    info.encoding = "UTF8";
    info.database = "db";
    EXPECT_TRUE(writer.Begin(info).ok());
    TableInfo t;
    t.schema = "public";
    t.name = "t";
    t.columns = {{"id", "integer", true}, {"v", "text", false}};
    auto table = writer.NewTable(t);
    EXPECT_TRUE(table.ok());
    for (std::string row : {"1\ta\n", "2\t\\N\n"})
      EXPECT_TRUE(table.value()
                      ->AddRow(std::span<const uint8_t>(
                          reinterpret_cast<const uint8_t*>(row.data()), row.size()))
                      .ok());
    EXPECT_TRUE(table.value()->Finish().ok());
    EXPECT_TRUE(writer.Finish().ok());
    EXPECT_TRUE(sink.Flush().ok());
  }
  ::close(fd);
  return file.Read();
}

TEST(GoldenStream, TheWriterProducesThePinnedBytes) {
  EXPECT_EQ(Hex(WriteTinyStream()), kGoldenHex)
      << "the bytes of a stream changed: a format change must change segstream(5) and this pin";
}

TEST(GoldenStream, TheReaderAcceptsThePinnedBytes) {
  testing::TempFile file;
  file.Write(Unhex(kGoldenHex));
  int fd = ::open(file.path().c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  BufferedSource source(fd, file.path());
  StreamReader reader(&source);
  std::string rows;
  uint64_t trailer_rows = 0;
  std::string producer, table;
  for (;;) {
    Event ev;
    Status st = reader.Next(&ev);
    ASSERT_TRUE(st.ok()) << st.ToString();
    if (ev.type == EventType::kEnd) break;
    if (ev.type == EventType::kStreamBegin) producer = ev.stream->producer;
    if (ev.type == EventType::kTableBegin) table = ev.table->info.QualifiedName();
    if (ev.type == EventType::kRows)
      rows.append(reinterpret_cast<const char*>(ev.rows.rows().data()), ev.rows.rows().size());
    if (ev.type == EventType::kTableEnd) trailer_rows = ev.trailer.totals.rows;
  }
  ::close(fd);
  EXPECT_EQ(producer, "golden");
  EXPECT_EQ(table, "public.t");
  EXPECT_EQ(rows, "1\ta\n2\t\\N\n");
  EXPECT_EQ(trailer_rows, 2u);
}

}  // namespace
}  // namespace segstream
