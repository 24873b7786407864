#include "tools/load-stream/sql_split.h"

#include <gtest/gtest.h>

namespace segstream::load {
namespace {

using Stmts = std::vector<std::string>;

TEST(SqlSplit, SplitsAtSemicolonsAndDropsComments) {
  EXPECT_EQ(SplitSqlStatements("-- head\nSET a = 1;\n\n/* x; */ CREATE ROLE r;\n-- tail\n"),
            (Stmts{"SET a = 1;", "CREATE ROLE r;"}));
}

TEST(SqlSplit, SemicolonsInsideQuotesDoNotSplit) {
  EXPECT_EQ(SplitSqlStatements("ALTER ROLE r SET search_path = 'a;b', \"x;\"\"y\";"
                               "COMMENT ON ROLE r IS E'it\\'s; fine';"),
            (Stmts{"ALTER ROLE r SET search_path = 'a;b', \"x;\"\"y\";",
                   "COMMENT ON ROLE r IS E'it\\'s; fine';"}));
}

TEST(SqlSplit, DollarQuotes) {
  EXPECT_EQ(SplitSqlStatements("DO $x$ BEGIN PERFORM 1; END $x$; SELECT $$;$$;"),
            (Stmts{"DO $x$ BEGIN PERFORM 1; END $x$;", "SELECT $$;$$;"}));
}

TEST(SqlSplit, SkipsPsqlMetaCommands) {
  EXPECT_EQ(SplitSqlStatements("\\restrict abc\nCREATE ROLE a;\n\\unrestrict abc\n"),
            (Stmts{"CREATE ROLE a;"}));
}

TEST(SqlSplit, KeepsAnUnterminatedLastStatement) {
  EXPECT_EQ(SplitSqlStatements("SELECT 1;\nSELECT 2"), (Stmts{"SELECT 1;", "SELECT 2"}));
}

}  // namespace
}  // namespace segstream::load
