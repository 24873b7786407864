#include "lib/common/cli/args.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

using Args = std::vector<std::string>;

bool ZpipeTakesValue(const std::string& arg) {
  return arg == "-l" || arg == "--level" || arg == "-o" || arg == "-T" || arg == "-c";
}

TEST(RewriteNumericLevels, ZstdStyleLevelsBecomeLevelOptions) {
  EXPECT_EQ(RewriteNumericLevels({"-19", "-T2", "in.sgs"}, ZpipeTakesValue),
            (Args{"--level=19", "-T2", "in.sgs"}));
  EXPECT_EQ(RewriteNumericLevels({"-1"}, ZpipeTakesValue), (Args{"--level=1"}));
  EXPECT_EQ(RewriteNumericLevels({"--ultra", "-22"}, ZpipeTakesValue),
            (Args{"--ultra", "--level=22"}));
}

TEST(RewriteNumericLevels, ValueOfAnOptionIsLeftAlone) {
  // A negative zstd level after -l, an output file named -3.
  EXPECT_EQ(RewriteNumericLevels({"-l", "-5"}, ZpipeTakesValue), (Args{"-l", "-5"}));
  EXPECT_EQ(RewriteNumericLevels({"--level", "-5"}, ZpipeTakesValue), (Args{"--level", "-5"}));
  EXPECT_EQ(RewriteNumericLevels({"-o", "-3", "-3"}, ZpipeTakesValue),
            (Args{"-o", "-3", "--level=3"}));
  // The value is attached: the next argument is free again.
  EXPECT_EQ(RewriteNumericLevels({"-l5", "-9"}, ZpipeTakesValue), (Args{"-l5", "--level=9"}));
  EXPECT_EQ(RewriteNumericLevels({"--level=5", "-9"}, ZpipeTakesValue),
            (Args{"--level=5", "--level=9"}));
}

TEST(RewriteNumericLevels, NothingAfterDoubleDashAndNoLookalikes) {
  EXPECT_EQ(RewriteNumericLevels({"--", "-19"}, ZpipeTakesValue), (Args{"--", "-19"}));
  EXPECT_EQ(RewriteNumericLevels({"-0", "-1x", "-123", "-", "-d"}, ZpipeTakesValue),
            (Args{"-0", "-1x", "-123", "-", "-d"}));
}

bool TocIsOption(const std::string& name) {
  return name == "-o" || name == "--output" || name == "-x" || name == "-q";
}
bool TocTakesValue(const std::string& name) { return name == "-o" || name == "-x"; }

TEST(FirstUnknownOption, FindsTheTypoNotTheValues) {
  EXPECT_EQ(FirstUnknownOption({"-q", "--bogus=1", "f"}, TocIsOption, TocTakesValue), "--bogus");
  EXPECT_EQ(FirstUnknownOption({"-h", "x"}, TocIsOption, TocTakesValue), "-h");
  EXPECT_EQ(FirstUnknownOption({"-Zq"}, TocIsOption, TocTakesValue), "-Z");
  // An option's value and anything after -- may look like options.
  EXPECT_EQ(FirstUnknownOption({"-o", "-h", "-x", "--t", "--", "-h"}, TocIsOption, TocTakesValue),
            "");
  EXPECT_EQ(FirstUnknownOption({"-ofile", "-h"}, TocIsOption, TocTakesValue), "-h");
  EXPECT_EQ(FirstUnknownOption({"-5", "-", "f"}, TocIsOption, TocTakesValue), "");
}

TEST(DescribeExtras, NamesTheOptionNotTheArgumentAfterIt) {
  EXPECT_EQ(DescribeExtras({"--bogus", "file.sgs"}), "unknown option '--bogus'");
  EXPECT_EQ(DescribeExtras({"file.sgs", "-Z"}), "unknown option '-Z'");
  EXPECT_EQ(DescribeExtras({"second.sgs"}), "unexpected argument 'second.sgs'");
  EXPECT_EQ(DescribeExtras({"-"}), "unexpected argument '-'");
}

TEST(DescribeExtras, DashHSaysWhatItIsNot) {
  EXPECT_NE(DescribeExtras({"-h"}).find("-h is not an option"), std::string::npos);
  EXPECT_NE(DescribeExtras({"-h"}).find("--help"), std::string::npos);
}

}  // namespace
}  // namespace segstream
