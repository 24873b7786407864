#include "lib/common/base/size_suffix.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

uint64_t Parsed(const std::string& s) {
  auto r = ParseSize(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? r.value() : 0;
}

TEST(ParseSize, PlainBytes) {
  EXPECT_EQ(Parsed("0"), 0u);
  EXPECT_EQ(Parsed("4096"), 4096u);
  EXPECT_EQ(Parsed("10B"), 10u);
}

TEST(ParseSize, BinarySuffixesAnyCase) {
  EXPECT_EQ(Parsed("64k"), 64u * 1024);
  EXPECT_EQ(Parsed("64KB"), 64u * 1024);
  EXPECT_EQ(Parsed("512MB"), 512ull << 20);
  EXPECT_EQ(Parsed("1GB"), 1ull << 30);
  EXPECT_EQ(Parsed("1gib"), 1ull << 30);
  EXPECT_EQ(Parsed("2T"), 2ull << 40);
}

TEST(ParseSize, Fractions) { EXPECT_EQ(Parsed("1.5G"), 3ull << 29); }

TEST(ParseSize, RejectsGarbage) {
  for (const char* s : {"", "GB", "-1", "1x", "1.2.3", "1 GB", "99999999999999P"}) {
    auto r = ParseSize(s);
    EXPECT_FALSE(r.ok()) << s;
    if (!r.ok()) {
      EXPECT_EQ(r.status().kind(), ErrorKind::kUsage);
    }
  }
}

}  // namespace
}  // namespace segstream
