#include "lib/common/pg/foreign_keys.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

using Order = std::vector<size_t>;

TEST(OrderReferencedFirst, KeepsIndexOrderWithoutEdges) {
  auto got = OrderReferencedFirst(3, {});
  EXPECT_EQ(got.order, (Order{0, 1, 2}));
  EXPECT_TRUE(got.cyclic.empty());
}

TEST(OrderReferencedFirst, PutsReferencedTablesFirstAndOtherwiseKeepsOrder) {
  // 0 (the biggest) references 2; 1 references 0.
  auto got = OrderReferencedFirst(4, {{0, 2}, {1, 0}});
  EXPECT_EQ(got.order, (Order{2, 0, 1, 3}));
  EXPECT_TRUE(got.cyclic.empty());
}

TEST(OrderReferencedFirst, IgnoresSelfReferencesAndDuplicateEdges) {
  auto got = OrderReferencedFirst(2, {{0, 0}, {0, 1}, {0, 1}});
  EXPECT_EQ(got.order, (Order{1, 0}));
  EXPECT_TRUE(got.cyclic.empty());
}

TEST(OrderReferencedFirst, BreaksACycleAtItsFirstNodeAndNamesIt) {
  // 1 <-> 2 reference each other; 3 references 1; 0 is free.
  auto got = OrderReferencedFirst(4, {{1, 2}, {2, 1}, {3, 1}});
  EXPECT_EQ(got.order, (Order{0, 1, 2, 3}));
  EXPECT_EQ(got.cyclic, (Order{1}));
}

TEST(OrderReferencedFirst, ToleratesEdgesOutOfRange) {
  auto got = OrderReferencedFirst(1, {{0, 5}, {7, 0}});
  EXPECT_EQ(got.order, (Order{0}));
}

}  // namespace
}  // namespace segstream
