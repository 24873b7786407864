#include "tools/zpipe/plugin_blob.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/testing/test_util.h"

namespace segstream::plugin {
namespace {

using testing::TempFile;

std::vector<uint8_t> Stored(const std::string& bytes, const std::string& key,
                            format::Codec codec = format::Codec::kZstd) {
  TempFile in, out;
  in.Write(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  int in_fd = ::open(in.path().c_str(), O_RDONLY);
  int out_fd = ::open(out.path().c_str(), O_WRONLY | O_TRUNC);
  {
    BufferedSink sink(out_fd, "out");
    Status st = WriteBlob(in_fd, "in", {"data", key}, {codec, 1}, &sink);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  ::close(in_fd);
  ::close(out_fd);
  return out.Read();
}

Result<std::string> Restored(const std::vector<uint8_t>& stored, const std::string& key,
                             const std::vector<ByteRange>* ranges = nullptr) {
  TempFile in, out;
  in.Write(stored);
  int in_fd = ::open(in.path().c_str(), O_RDONLY);
  int out_fd = ::open(out.path().c_str(), O_WRONLY | O_TRUNC);
  Status st;
  {
    BufferedSource source(in_fd, "stored");
    BufferedSink sink(out_fd, "out");
    st = ReadBlob(&source, key, &sink, ranges);
  }
  ::close(in_fd);
  ::close(out_fd);
  if (!st.ok()) return st;
  auto bytes = out.Read();
  return std::string(bytes.begin(), bytes.end());
}

std::string Sample(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += std::to_string(i * 7919) + "\tvalue\n";
  s.resize(n);
  return s;
}

TEST(PluginBlob, RoundTripsAnyBytesInEveryCodec) {
  for (auto codec :
       {format::Codec::kZstd, format::Codec::kLz4, format::Codec::kGzip, format::Codec::kNone}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{131072}, size_t{3 << 20}}) {
      std::string bytes = Sample(n);
      if (n > 0) bytes[n / 2] = '\0';  // not text: any byte goes
      auto back = Restored(Stored(bytes, "k", codec), "k");
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, bytes) << "codec " << int(codec) << " size " << n;
    }
  }
}

TEST(PluginBlob, ChecksumMismatchIsCorrupt) {
  auto stored = Stored(Sample(500000), "k");
  stored[stored.size() / 2] ^= 0x40;
  auto back = Restored(stored, "k");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().kind(), ErrorKind::kCorrupt);
}

TEST(PluginBlob, TruncatedObjectIsCorruptAtEveryLength) {
  auto stored = Stored(Sample(300000), "k");
  for (size_t cut : {size_t{0}, size_t{10}, size_t{100}, stored.size() / 2, stored.size() - 200}) {
    std::vector<uint8_t> part(stored.begin(), stored.begin() + static_cast<long>(cut));
    auto back = Restored(part, "k");
    ASSERT_FALSE(back.ok()) << "cut at " << cut;
    EXPECT_EQ(back.status().kind(), ErrorKind::kCorrupt) << back.status().ToString();
  }
}

TEST(PluginBlob, AnotherKeysObjectIsRefused) {
  auto back = Restored(Stored("abc", "/a/one"), "/a/two");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("names another key"), std::string::npos);
}

TEST(PluginBlob, TwoObjectsConcatenatedAreRefused) {
  auto a = Stored("abc", "k"), b = Stored("def", "k");
  a.insert(a.end(), b.begin(), b.end());
  auto back = Restored(a, "k");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("more than one stream"), std::string::npos);
}

TEST(PluginBlob, RangesAcrossChunkAndFrameBoundaries) {
  std::string bytes = Sample(3 << 20);
  auto stored = Stored(bytes, "k");
  std::vector<ByteRange> ranges = {
      {0, 5}, {131070, 131080}, {1048570, 2097160}, {3145727, 3145728}, {3145728, 3145728}};
  auto back = Restored(stored, "k", &ranges);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  std::string want;
  for (auto r : ranges) want += bytes.substr(r.begin, r.end - r.begin);
  EXPECT_EQ(*back, want);
  std::vector<ByteRange> past = {{10, 3145729}};
  auto bad = Restored(stored, "k", &past);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("past the end"), std::string::npos);
}

TEST(PluginBlob, RangePassesRestartWhenOffsetsGoBack) {
  std::vector<ByteRange> ranges = {{0, 10}, {20, 30}, {5, 8}, {30, 40}, {35, 36}};
  auto passes = RangePasses(ranges);
  ASSERT_EQ(passes.size(), 3u);
  EXPECT_EQ(passes[0].size(), 2u);
  EXPECT_EQ(passes[1].size(), 2u);
  EXPECT_EQ(passes[2].size(), 1u);
}

}  // namespace
}  // namespace segstream::plugin
