// A frame may claim up to 1 GiB. These tests prove that a small input making that claim
// costs small memory: the reader allocates for bytes that arrive, the decompressor for
// sizes the payload can really expand to.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "lib/common/format/codec.h"
#include "lib/common/format/frame_reader.h"
#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

long PeakRssKiB() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::vector<uint8_t> PreambleAndHeader(uint32_t stored_len, uint32_t raw_len, format::Codec codec,
                                       std::span<const uint8_t> payload) {
  std::vector<uint8_t> bytes(format::kPreambleSize + format::kFrameHeaderSize);
  EncodePreamble(bytes.data());
  FrameHeader h;
  h.type = static_cast<uint8_t>(format::FrameType::kData);
  h.codec = codec;
  h.table_id = 1;
  h.stored_len = stored_len;
  h.raw_len = raw_len;
  EncodeFrameHeader(&h, payload, bytes.data() + format::kPreambleSize);
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

// Regression: BufferedSource once sized its buffer to the whole claimed payload up front.
TEST(HostileLength, ClaimedHugePayloadOnTinyInputAllocatesLittle) {
  testing::TempFile file;
  file.Write(PreambleAndHeader(format::kMaxPayload, format::kMaxPayload, format::Codec::kNone, {}));
  long before = PeakRssKiB();
  int fd = ::open(file.path().c_str(), O_RDONLY);
  BufferedSource source(fd, file.path());
  FrameReader reader(&source);
  RawFrame frame;
  ASSERT_TRUE(reader.Next(&frame).ok());  // the preamble
  auto item = reader.Next(&frame);
  ::close(fd);
  ASSERT_FALSE(item.ok());
  EXPECT_NE(item.status().message().find("truncated frame payload"), std::string::npos);
  EXPECT_LT(PeakRssKiB() - before, 64 * 1024) << "KiB of peak RSS growth";
}

TEST(HostileLength, CompressedFrameClaimingHugeRawSizeIsRejectedBeforeAllocation) {
  std::vector<uint8_t> raw(1000, 'x');
  for (auto codec : {format::Codec::kZstd, format::Codec::kLz4, format::Codec::kGzip}) {
    FrameCompressor compressor(codec, LevelRangeFor(codec).default_level);
    std::vector<uint8_t> stored;
    ASSERT_TRUE(compressor.Compress(raw, &stored).ok());
    FrameDecompressor decompressor;
    std::vector<uint8_t> out;
    long before = PeakRssKiB();
    Status st = decompressor.Decompress(codec, stored, format::kMaxPayload, &out);
    EXPECT_EQ(st.kind(), ErrorKind::kCorrupt) << format::CodecName(codec);
    EXPECT_LT(PeakRssKiB() - before, 64 * 1024) << format::CodecName(codec);
    EXPECT_TRUE(decompressor.Decompress(codec, stored, 1000, &out).ok());
    EXPECT_EQ(out, raw);
  }
}

}  // namespace
}  // namespace segstream
