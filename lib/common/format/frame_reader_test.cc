// FrameReader's contract, on streams built by the real writer: preambles and frames in
// order with their offsets and numbers, concatenated streams as one input, and each way an
// input can end badly named with its offset.
#include "lib/common/format/frame_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

struct Read {
  std::vector<FrameReader::Item> items;
  std::vector<RawFrame> frames;  // offsets, numbers and headers (payload views not kept)
  Status status;
};

Read ReadAll(const std::vector<uint8_t>& bytes, bool defer_data = false) {
  testing::TempFile file;
  file.Write(bytes);
  int fd = ::open(file.path().c_str(), O_RDONLY);
  BufferedSource source(fd, file.path());
  FrameReader reader(&source);
  if (defer_data) reader.DeferDataChecksums();
  Read out;
  for (;;) {
    RawFrame frame;
    auto item = reader.Next(&frame);
    if (!item.ok()) {
      out.status = item.take_status();
      break;
    }
    out.items.push_back(*item);
    if (*item == FrameReader::Item::kEnd) break;
    if (*item == FrameReader::Item::kFrame) {
      frame.stored = {};
      frame.header_bytes = {};
      out.frames.push_back(frame);
    }
  }
  ::close(fd);
  return out;
}

std::vector<uint8_t> TwoTables() {
  return testing::BuildStream({{"public", "a", {"1\n", "2\n"}}, {"public", "b", {"3\n"}}});
}

TEST(FrameReader, APreambleThenFramesInOrderWithOffsetsAndNumbers) {
  Read r = ReadAll(TwoTables());
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_GE(r.items.size(), 3u);
  EXPECT_EQ(r.items.front(), FrameReader::Item::kPreamble);
  EXPECT_EQ(r.items.back(), FrameReader::Item::kEnd);
  ASSERT_FALSE(r.frames.empty());
  EXPECT_EQ(r.frames.front().offset, format::kPreambleSize);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    EXPECT_EQ(r.frames[i].number, i + 1);
    EXPECT_TRUE(r.frames[i].checksum_checked);
    if (i > 0) {
      EXPECT_EQ(r.frames[i].offset, r.frames[i - 1].offset + format::kFrameHeaderSize +
                                        r.frames[i - 1].header.stored_len);
    }
  }
}

TEST(FrameReader, ConcatenatedStreamsAreOneInputWithASecondPreamble) {
  std::vector<uint8_t> one = TwoTables();
  std::vector<uint8_t> both = one;
  both.insert(both.end(), one.begin(), one.end());
  Read single = ReadAll(one);
  Read r = ReadAll(both);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  size_t preambles = 0;
  for (auto item : r.items) preambles += item == FrameReader::Item::kPreamble;
  EXPECT_EQ(preambles, 2u);
  EXPECT_EQ(r.frames.size(), 2 * single.frames.size());
  EXPECT_EQ(r.frames.back().number, r.frames.size());  // numbered across the whole input
}

// A dump that died before its first byte must not read as an empty, valid stream.
TEST(FrameReader, AnEmptyInputIsNotAStream) {
  Read r = ReadAll({});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(r.status.message(), "empty input: not a segstream");
}

TEST(FrameReader, InputThatIsNotAStreamIsCorruptAtOffsetZero) {
  std::vector<uint8_t> text(100, 'x');
  Read r = ReadAll(text);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), ErrorKind::kCorrupt);
}

TEST(FrameReader, EveryCutInsideAFrameIsCorruptNeverAShortSuccess) {
  std::vector<uint8_t> full = TwoTables();
  Read whole = ReadAll(full);
  ASSERT_TRUE(whole.status.ok());
  // Cuts inside the preamble, a header and a payload; a cut on a frame boundary is a
  // valid frame sequence here (the stream layer notices the missing trailer).
  for (size_t cut : {size_t{3}, format::kPreambleSize + 5,
                     format::kPreambleSize + format::kFrameHeaderSize + 1, full.size() - 1}) {
    std::vector<uint8_t> bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    Read r = ReadAll(bytes);
    ASSERT_FALSE(r.status.ok()) << "cut at " << cut << " was read as complete";
    EXPECT_EQ(r.status.kind(), ErrorKind::kCorrupt) << r.status.message();
  }
}

TEST(FrameReader, AFlippedPayloadByteFailsItsChecksum) {
  std::vector<uint8_t> bytes = TwoTables();
  Read whole = ReadAll(bytes);
  ASSERT_TRUE(whole.status.ok());
  // The last byte belongs to the last frame's payload (the trailer).
  bytes.back() ^= 0x01;
  Read r = ReadAll(bytes);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), ErrorKind::kCorrupt);
  EXPECT_NE(r.status.message().find("checksum"), std::string::npos) << r.status.message();
}

}  // namespace
}  // namespace segstream
