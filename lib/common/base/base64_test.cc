#include "lib/common/base/base64.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(Bytes("")), "");
  EXPECT_EQ(Base64Encode(Bytes("f")), "Zg==");
  EXPECT_EQ(Base64Encode(Bytes("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(Bytes("foo")), "Zm9v");
  EXPECT_EQ(Base64Encode(Bytes("foobar")), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::vector<uint8_t> all;
  for (int i = 0; i < 256 * 3 + 1; ++i) all.push_back(static_cast<uint8_t>(i * 7));
  for (size_t len = 0; len < all.size(); len += 37) {
    std::span<const uint8_t> part(all.data(), len);
    std::vector<uint8_t> back;
    ASSERT_TRUE(Base64Decode(Base64Encode(part), &back).ok());
    EXPECT_EQ(back, std::vector<uint8_t>(part.begin(), part.end()));
  }
}

TEST(Base64, RejectsBadInput) {
  std::vector<uint8_t> out;
  EXPECT_EQ(Base64Decode("Zg=", &out).kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(Base64Decode("Z!==", &out).kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(Base64Decode("Zh==", &out).kind(), ErrorKind::kCorrupt);  // stray padding bits
  EXPECT_EQ(Base64Decode("Zg==Zg==", &out).kind(), ErrorKind::kCorrupt);
}

}  // namespace
}  // namespace segstream
