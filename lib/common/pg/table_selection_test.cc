#include "lib/common/pg/table_selection.h"

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include "lib/common/testing/test_util.h"

namespace segstream {
namespace {

TEST(TableSelection, ExcludesAloneGoToTheSecondFilter) {
  TableSelection s;
  s.include_tables = {"public.a*"};
  s.exclude_tables = {"public.ab"};
  s.exclude_schemas = {"old"};
  testing::TempFile file;
  std::string line = "public.ac\n";
  file.Write(std::vector<uint8_t>(line.begin(), line.end()));
  s.exclude_table_files = {file.path()};
  TableFilter filter, excludes;
  ASSERT_TRUE(s.AddTo(&filter, &excludes).ok());
  EXPECT_TRUE(filter.Matches("public", "aa"));
  EXPECT_FALSE(filter.Matches("public", "ab"));
  EXPECT_FALSE(filter.Matches("public", "ac"));
  EXPECT_FALSE(filter.Matches("public", "b"));
  EXPECT_FALSE(excludes.has_includes());
  EXPECT_TRUE(excludes.Matches("public", "b"));
  EXPECT_FALSE(excludes.Matches("public", "ab"));
  EXPECT_FALSE(excludes.Matches("public", "ac"));
  EXPECT_FALSE(excludes.Matches("old", "x"));
}

// Regression: load-stream took an empty include file as no include rule and loaded every
// table; dump-stream refused it. Both refuse it now.
TEST(TableSelection, AnEmptyIncludeFileIsRefused) {
  testing::TempFile file;
  file.Write({});
  TableSelection s;
  s.include_table_files = {file.path()};
  TableFilter filter;
  Status st = s.AddTo(&filter);
  EXPECT_EQ(st.kind(), ErrorKind::kUsage);
  EXPECT_NE(st.message().find("lists no tables"), std::string::npos);
}

TEST(TableSelection, OneValueEachLeavesAPositionalForTheProgram) {
  for (bool one_value_each : {true, false}) {
    CLI::App app;
    TableSelection s;
    std::string input;
    s.AddOptions(app, "load", one_value_each);
    app.add_option("FILE", input);
    const char* argv[] = {"prog", "-t", "a", "file.sgs"};
    app.parse(4, const_cast<char**>(argv));
    if (one_value_each) {
      EXPECT_EQ(s.include_tables, std::vector<std::string>{"a"});
      EXPECT_EQ(input, "file.sgs");
    } else {
      EXPECT_EQ(s.include_tables, (std::vector<std::string>{"a", "file.sgs"}));
    }
  }
}

}  // namespace
}  // namespace segstream
