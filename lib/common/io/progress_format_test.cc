#include "lib/common/io/progress_format.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

TEST(HumanBytes, PicksTheLargestUnitBelow1024) {
  EXPECT_EQ(HumanBytes(512), "512 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(3.5 * 1024 * 1024 * 1024), "3.5 GiB");
}

TEST(FormatDuration, MinutesAndSecondsThenHours) {
  EXPECT_EQ(FormatDuration(7), "0:07");
  EXPECT_EQ(FormatDuration(725), "12:05");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  EXPECT_EQ(FormatDuration(-1), "0:00");
}

TEST(FormatSeconds, TwoDecimals) { EXPECT_EQ(FormatSeconds(0.125), "0.12 s"); }

TEST(PercentDone, UnknownTotalHasNoPercentage) {
  EXPECT_EQ(PercentDone(10, 0), std::nullopt);
  EXPECT_EQ(PercentDone(0, 200), 0);
  EXPECT_EQ(PercentDone(199, 200), 99);
  // An estimate that was low stops at 100, never more.
  EXPECT_EQ(PercentDone(300, 200), 100);
}

TEST(EtaSeconds, AtTheAverageRateSoFar) {
  // 100 of 400 bytes in 2 s: 300 more at 50 B/s.
  ASSERT_TRUE(EtaSeconds(100, 400, 2).has_value());
  EXPECT_DOUBLE_EQ(*EtaSeconds(100, 400, 2), 6);
  EXPECT_EQ(EtaSeconds(100, 0, 2), std::nullopt);    // total unknown
  EXPECT_EQ(EtaSeconds(0, 400, 2), std::nullopt);    // nothing measured yet
  EXPECT_EQ(EtaSeconds(500, 400, 2), std::nullopt);  // estimate passed
}

ProgressSnapshot Loading() {
  ProgressSnapshot s;
  s.tool = "load-stream";
  s.phase = "data";
  s.tables = {"public.orders", "public.items"};
  s.bytes = uint64_t{1024} * 1024;
  s.rows = 1000;
  s.expected_bytes = uint64_t{4} * 1024 * 1024;
  s.seconds = 2;
  return s;
}

TEST(ProgressLine, ShowsPhaseTablesPercentRateAndEta) {
  EXPECT_EQ(ProgressLine(Loading(), 0),
            "load-stream: data public.orders +1 | 1.0 MiB of ~4.0 MiB 25% | 1000 rows | "
            "512.0 KiB/s | ETA 0:06");
}

TEST(ProgressLine, WithoutATotalNoPercentOrEta) {
  ProgressSnapshot s = Loading();
  s.expected_bytes = 0;
  s.tables.clear();
  s.phase.clear();
  EXPECT_EQ(ProgressLine(s, 0), "load-stream: | 1.0 MiB | 1000 rows | 512.0 KiB/s");
}

TEST(ProgressLine, AfterTheDataNoPercentOrEtaOfTheRows) {
  ProgressSnapshot s = Loading();
  s.phase = "indexes";
  s.tables.clear();
  EXPECT_EQ(ProgressLine(s, 0), "load-stream: indexes | 1.0 MiB | 1000 rows | 512.0 KiB/s");
}

TEST(ProgressLine, NeverWiderThanTheTerminalAndTheNameGivesWayFirst) {
  ProgressSnapshot s = Loading();
  s.tables = {"public.a_table_with_a_very_long_name_indeed_that_goes_on"};
  const std::string line = ProgressLine(s, 100);
  EXPECT_LE(line.size(), 100u);
  EXPECT_NE(line.find("..."), std::string::npos);
  EXPECT_NE(line.find("ETA 0:06"), std::string::npos);
  EXPECT_LE(ProgressLine(s, 30).size(), 30u);
}

}  // namespace
}  // namespace segstream
