#include "tools/segsplit/placement.h"

#include <gtest/gtest.h>

#include "lib/common/cluster/segment_outputs.h"

namespace segstream::segsplit {
namespace {

TableInfo Table(std::vector<ColumnInfo> cols) {
  TableInfo t;
  t.schema = "public";
  t.name = "t";
  t.columns = std::move(cols);
  return t;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(PlacementRules, KeySpecDefaultsToPublicAndFoldsCase) {
  PlacementRules r;
  ASSERT_TRUE(r.AddKeySpec("t=ID, \"Name\"").ok());
  auto it = r.keys.find({"public", "t"});
  ASSERT_NE(it, r.keys.end());
  EXPECT_EQ(it->second, (std::vector<std::string>{"id", "Name"}));
  EXPECT_EQ(r.AddKeySpec("t=").kind(), ErrorKind::kUsage);
  EXPECT_EQ(r.AddKeySpec("nokey").kind(), ErrorKind::kUsage);
}

TEST(TablePlacement, NoKeyIsAnErrorNotRoundRobin) {
  PlacementRules r;
  r.targets = 3;
  auto p = TablePlacement::Create(r, Table({{"id", "bigint", false}}), CopyFormat::kText);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kUsage);
}

TEST(TablePlacement, RecordedPolicies) {
  PlacementRules r;
  r.targets = 3;
  TableInfo t = Table({{"id", "bigint", false}});
  t.distribution_policy = "random";
  EXPECT_EQ(TablePlacement::Create(r, t, CopyFormat::kText)->kind(), PlacementKind::kRoundRobin);
  t.distribution_policy = "replicated";
  EXPECT_EQ(TablePlacement::Create(r, t, CopyFormat::kText)->kind(), PlacementKind::kReplicate);
  t.distribution_policy = "hash";
  t.distribution_key = {"id"};
  t.distribution_opclasses = {"cdbhash_int8_ops"};
  auto p = TablePlacement::Create(r, t, CopyFormat::kText);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Describe(), "greenplum-legacy by (id)");
  t.distribution_opclasses = {"int8_ops"};
  EXPECT_EQ(TablePlacement::Create(r, t, CopyFormat::kText)->Describe(), "greenplum by (id)");
}

TEST(TablePlacement, UnsupportedTypeIsUsage) {
  PlacementRules r;
  r.method = DistributionMethod::kGreenplum;
  ASSERT_TRUE(r.AddKeySpec("t=doc").ok());
  auto p = TablePlacement::Create(r, Table({{"doc", "jsonb", false}}), CopyFormat::kText);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kUsage);
}

TEST(TablePlacement, PlacesTextRowsAndNamesTheBadColumn) {
  PlacementRules r;
  r.method = DistributionMethod::kGreenplum;
  r.targets = 3;
  ASSERT_TRUE(r.AddKeySpec("t=id").ok());
  auto p = TablePlacement::Create(r, Table({{"v", "text", false}, {"id", "integer", false}}),
                                  CopyFormat::kText);
  ASSERT_TRUE(p.ok());
  int32_t target = -1;
  std::string error;
  // Greenplum 7 placements on 3 segments (shared/testdata/gp-hash-vectors.csv): int4 1 ->
  // segment 1, 2 -> segment 0; a NULL key -> segment 0.
  ASSERT_TRUE(p->Place(Bytes("a\t1\n"), &target, &error)) << error;
  EXPECT_EQ(target, 1);
  ASSERT_TRUE(p->Place(Bytes("a\t2\n"), &target, &error)) << error;
  EXPECT_EQ(target, 0);
  ASSERT_TRUE(p->Place(Bytes("a\t\\N\n"), &target, &error)) << error;
  EXPECT_EQ(target, 0);
  ASSERT_FALSE(p->Place(Bytes("a\t12x\n"), &target, &error));
  EXPECT_EQ(error.rfind("column id: ", 0), 0u) << error;
}

TEST(Outputs, SubstituteSegment) {
  EXPECT_EQ(SubstituteSegment("new%d.sgs", 3), "new3.sgs");
  EXPECT_EQ(SubstituteSegment("ssh h%d load -p %d", 12), "ssh h12 load -p 12");
  EXPECT_EQ(SubstituteSegment("plain", 1), "plain");
}

}  // namespace
}  // namespace segstream::segsplit
