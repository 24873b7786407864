#include "lib/common/pg/table_filter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace segstream {
namespace {

TEST(TableFilter, EmptySelectsEverything) {
  TableFilter f;
  EXPECT_TRUE(f.empty());
  EXPECT_FALSE(f.has_includes());
  EXPECT_TRUE(f.Matches("public", "t"));
}

TEST(TableFilter, UnquotedNamesFoldToLowerCase) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("Public.Orders").ok());
  EXPECT_TRUE(f.Matches("public", "orders"));
  EXPECT_FALSE(f.Matches("public", "Orders"));
}

TEST(TableFilter, QuotedNamesKeepCaseAndSpecialCharacters) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("public.\"Order Items\"").ok());
  ASSERT_TRUE(f.AddIncludeTable("\"x\"\"; DROP TABLE y; --\"").ok());
  ASSERT_TRUE(f.AddIncludeTable("\"a.b*\"").ok());
  EXPECT_TRUE(f.Matches("public", "Order Items"));
  EXPECT_FALSE(f.Matches("public", "order items"));
  EXPECT_TRUE(f.Matches("public", "x\"; DROP TABLE y; --"));
  EXPECT_TRUE(f.Matches("s", "a.b*"));
  EXPECT_FALSE(f.Matches("s", "a.bc"));
}

TEST(TableFilter, Wildcards) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("s*.t?").ok());
  EXPECT_TRUE(f.Matches("sales", "t1"));
  EXPECT_TRUE(f.Matches("s", "tx"));
  EXPECT_FALSE(f.Matches("sales", "t12"));
  EXPECT_FALSE(f.Matches("public", "t1"));
}

TEST(TableFilter, RegexCharactersWorkOutsideQuotesLikePgDump) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("t[12]").ok());
  EXPECT_TRUE(f.Matches("public", "t1"));
  EXPECT_FALSE(f.Matches("public", "t3"));
}

TEST(TableFilter, DollarIsLiteral) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("a$b").ok());
  EXPECT_TRUE(f.Matches("public", "a$b"));
}

TEST(TableFilter, UnqualifiedTablePatternNeedsVisibility) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("t").ok());
  EXPECT_TRUE(f.Matches("other", "t", true));
  EXPECT_FALSE(f.Matches("other", "t", false));
}

TEST(TableFilter, SchemaIncludeAndExclude) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeSchema("app*").ok());
  ASSERT_TRUE(f.AddExcludeSchema("app_old").ok());
  ASSERT_TRUE(f.AddExcludeTable("app.secret").ok());
  EXPECT_TRUE(f.Matches("app", "t"));
  EXPECT_TRUE(f.Matches("app_new", "t"));
  EXPECT_FALSE(f.Matches("app_old", "t"));
  EXPECT_FALSE(f.Matches("app", "secret"));
  EXPECT_FALSE(f.Matches("public", "t"));
}

TEST(TableFilter, TableIncludeOverridesSchemaRulesLikePgDump) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("s.t").ok());
  ASSERT_TRUE(f.AddExcludeSchema("s").ok());
  ASSERT_TRUE(f.AddIncludeSchema("other").ok());
  EXPECT_TRUE(f.Matches("s", "t"));
  EXPECT_FALSE(f.Matches("other", "u"));
}

TEST(TableFilter, ExcludeTableWinsOverInclude) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("t*").ok());
  ASSERT_TRUE(f.AddExcludeTable("t2").ok());
  EXPECT_TRUE(f.Matches("public", "t1"));
  EXPECT_FALSE(f.Matches("public", "t2"));
}

TEST(TableFilter, ExactNamesAreLiteral) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeExact("Public.T*").ok());
  ASSERT_TRUE(f.AddIncludeExact("s.\"Q\".x").ok() == false);  // three parts when quoted
  EXPECT_TRUE(f.Matches("Public", "T*"));
  EXPECT_FALSE(f.Matches("public", "t1"));
  EXPECT_FALSE(f.Matches("Public", "Tx"));
}

TEST(TableFilter, ExactNameWithQuotes) {
  TableFilter f;
  ASSERT_TRUE(f.AddExcludeExact("public.\"Mixed\"").ok());
  EXPECT_FALSE(f.Matches("public", "Mixed"));
  EXPECT_TRUE(f.Matches("public", "mixed"));
}

TEST(TableFilter, BadPatternsAreUsageErrors) {
  TableFilter f;
  for (const char* p : {"", "a.b.c", "\"open", "t[", "a.b"}) {
    Status st = std::string(p) == "a.b" ? f.AddIncludeSchema(p) : f.AddIncludeTable(p);
    EXPECT_FALSE(st.ok()) << p;
    EXPECT_EQ(st.kind(), ErrorKind::kUsage) << p;
  }
}

TEST(SplitQualifiedName, FoldsAndUnquotes) {
  std::string s;
  std::string n;
  ASSERT_TRUE(SplitQualifiedName("Public.\"Order\"\"s\"", &s, &n).ok());
  EXPECT_EQ(s, "public");
  EXPECT_EQ(n, "Order\"s");
  ASSERT_TRUE(SplitQualifiedName("T", &s, &n).ok());
  EXPECT_EQ(s, "");
  EXPECT_EQ(n, "t");
}

TEST(LoadTableFile, SkipsBlanksAndComments) {
  std::string path = ::testing::TempDir() + "/tables.txt";
  {
    std::ofstream out(path);
    out << "# comment\n  public.a  \n\nsales.\"B\"\n";
  }
  std::vector<std::string> names;
  ASSERT_TRUE(LoadTableFile(path, &names).ok());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], "public.a");
  EXPECT_EQ(names[1], "sales.\"B\"");
  std::remove(path.c_str());
  EXPECT_EQ(LoadTableFile(path, &names).kind(), ErrorKind::kUsage);
}

}  // namespace
}  // namespace segstream

namespace segstream {
namespace {

TEST(TableFilterStrictNames, NamesEachIncludeRuleThatMatchesNothing) {
  TableFilter f;
  ASSERT_TRUE(f.AddIncludeTable("public.orders").ok());
  ASSERT_TRUE(f.AddIncludeTable("nosuch.*").ok());
  ASSERT_TRUE(f.AddIncludeExact("sales.items").ok());
  ASSERT_TRUE(f.AddIncludeSchema("ignored_with_t").ok());
  std::vector<std::pair<std::string, std::string>> tables = {{"public", "orders"}, {"sales", "x"}};
  EXPECT_EQ(f.UnmatchedIncludes(tables), (std::vector<std::string>{"nosuch.*", "sales.items"}));
  TableFilter schemas;
  ASSERT_TRUE(schemas.AddIncludeSchema("sales").ok());
  ASSERT_TRUE(schemas.AddIncludeSchema("gone*").ok());
  EXPECT_EQ(schemas.UnmatchedIncludes(tables), (std::vector<std::string>{"gone*"}));
  EXPECT_TRUE(TableFilter().UnmatchedIncludes({}).empty());
}

}  // namespace
}  // namespace segstream

namespace segstream {
namespace {

// One reading of a table-file line for the rows and for pg_dump: a bare name has no schema
// (the visible table), never an implied "public".
TEST(ParseExactName, SplitsAtTheFirstDotOrReadsQuotes) {
  auto bare = ParseExactName("orders");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->schema, "");
  EXPECT_EQ(bare->name, "orders");
  auto plain = ParseExactName("Sales.Order.Items");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->schema, "Sales");
  EXPECT_EQ(plain->name, "Order.Items");
  auto quoted = ParseExactName("\"Mixed Case\".\"a\"\"b\"");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->schema, "Mixed Case");
  EXPECT_EQ(quoted->name, "a\"b");
  EXPECT_FALSE(ParseExactName("public.").ok());
}

}  // namespace
}  // namespace segstream
