#include "tools/dump-stream/split.h"

#include <gtest/gtest.h>

namespace segstream::dump {
namespace {

TEST(PlanSplit, SmallTableIsOneOpenRange) {
  auto r = PlanSplit(100 << 20, 8192, 512 << 20);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].begin, 0u);
  EXPECT_EQ(r[0].end, BlockRange::kOpenEnd);
  EXPECT_EQ(CtidCondition(r[0]), "");
  EXPECT_EQ(PlanSplit(100 << 20, 8192, 0).size(), 1u);
}

TEST(PlanSplit, RangesAreContiguousAndTheLastIsOpen) {
  auto r = PlanSplit(uint64_t{1000} * 8192, 8192, uint64_t{300} * 8192);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].begin, 0u);
  for (size_t i = 1; i < r.size(); ++i) EXPECT_EQ(r[i].begin, r[i - 1].end);
  EXPECT_EQ(r.back().end, BlockRange::kOpenEnd);
  EXPECT_EQ(CtidCondition(r[0]), "ctid < '(250,0)'::tid");
  EXPECT_EQ(CtidCondition(r[1]), "ctid >= '(250,0)'::tid AND ctid < '(500,0)'::tid");
  EXPECT_EQ(CtidCondition(r[3]), "ctid >= '(750,0)'::tid");
}

TEST(PlanSplit, NeverMorePartsThanBlocks) {
  auto r = PlanSplit(uint64_t{3} * 8192, 8192, 1);
  EXPECT_EQ(r.size(), 3u);
}

TEST(AutoSplitRule, ATableOverTheThresholdKeepsEveryJobBusy) {
  // The table is most of the dump.
  const SplitRule rule = AutoSplitRule(150000, /*mpp=*/false, /*jobs=*/4, kAutoSplitLargerThan);
  // Under the threshold: one part, however many jobs.
  EXPECT_EQ(PlanSplit(kAutoSplitLargerThan, 8192, rule).size(), 1u);
  // Just over it: one part per job.
  EXPECT_EQ(PlanSplit(kAutoSplitLargerThan + 8192, 8192, rule).size(), 4u);
  // Far over it: parts of at most kAutoSplitPartBytes.
  EXPECT_EQ(PlanSplit(10 * kAutoSplitPartBytes, 8192, rule).size(), 10u);
}

TEST(AutoSplitRule, NeverSplitsWhereRangesWouldRescanTheTable) {
  // Before PostgreSQL 14 a ctid condition is a filter on a full scan; MPP ctids are per
  // segment.
  for (const SplitRule& rule :
       {AutoSplitRule(130000, false, 4, 0), AutoSplitRule(150000, /*mpp=*/true, 4, 0)})
    EXPECT_EQ(PlanSplit(10 * kAutoSplitPartBytes, 8192, rule).size(), 1u);
  // One job gains nothing from parts smaller than kAutoSplitPartBytes.
  EXPECT_EQ(PlanSplit(kAutoSplitPartBytes, 8192, AutoSplitRule(150000, false, 1, 0)).size(), 1u);
}

TEST(AutoSplitRule, OnlyATableOverItsShareOfTheJobsIsSplit) {
  // 2 jobs, 2 GiB in all: a 900 MiB table leaves no job idle, a 1.2 GiB one does.
  const SplitRule rule = AutoSplitRule(150000, false, 2, uint64_t{2} << 30);
  EXPECT_EQ(PlanSplit(uint64_t{900} << 20, 8192, rule).size(), 1u);
  EXPECT_EQ(PlanSplit(uint64_t{1200} << 20, 8192, rule).size(), 2u);
}

}  // namespace
}  // namespace segstream::dump
