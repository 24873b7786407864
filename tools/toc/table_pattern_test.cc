#include "tools/toc/table_pattern.h"

#include <gtest/gtest.h>

namespace segstream::toc {
namespace {

bool Match(const std::string& pattern, const std::string& schema, const std::string& name) {
  auto p = TablePattern::Parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern;
  return p.ok() && p->Matches(schema, name);
}

TEST(TablePattern, PlainSchemaAndName) {
  EXPECT_TRUE(Match("public.orders", "public", "orders"));
  EXPECT_FALSE(Match("public.orders", "sales", "orders"));
  EXPECT_FALSE(Match("public.orders", "public", "order"));
}

TEST(TablePattern, QuotedPartsMatchExactly) {
  EXPECT_TRUE(Match("sales.\"Order Items\"", "sales", "Order Items"));
  EXPECT_TRUE(Match("\"sales\".\"Order Items\"", "sales", "Order Items"));
  EXPECT_FALSE(Match("\"Sales\".x", "sales", "x"));
  EXPECT_TRUE(Match("s.\"a\"\"b\"", "s", "a\"b"));
  EXPECT_TRUE(Match("s.\"a.b\"", "s", "a.b"));
}

TEST(TablePattern, PlainPartsMatchAsTypedOrFolded) {
  EXPECT_TRUE(Match("sales.Order Items", "sales", "Order Items"));
  EXPECT_TRUE(Match("PUBLIC.ORDERS", "public", "orders"));
  EXPECT_FALSE(Match("public.orders", "public", "Orders"));
}

TEST(TablePattern, NoSchemaMatchesAnySchema) {
  EXPECT_TRUE(Match("orders", "public", "orders"));
  EXPECT_TRUE(Match("orders", "sales", "orders"));
}

TEST(TablePattern, MalformedNamesAreUsageErrors) {
  for (const char* bad : {"", ".", "a.", ".b", "a.b.c", "\"open", "a\"b\"", "\"a\"b"}) {
    auto p = TablePattern::Parse(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().kind(), ErrorKind::kUsage) << bad;
  }
}

}  // namespace
}  // namespace segstream::toc
