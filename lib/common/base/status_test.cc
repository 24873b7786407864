#include "lib/common/base/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace segstream {
namespace {

// Regression: With*() once returned Status&&, so `st = std::move(st).WithOffset(..)` moved
// a Status into itself and emptied long messages.
TEST(Status, ReassigningWithContextKeepsTheMessage) {
  Status st = Status::Corrupt("table trailer disagrees with the data: rows 3 in trailer");
  st = std::move(st).WithOffset(96);
  st = std::move(st).WithFrame(4);
  st = std::move(st).WithTable("public.orders");
  EXPECT_EQ(st.ToString(),
            "table trailer disagrees with the data: rows 3 in trailer "
            "(table public.orders, frame 4, byte offset 96)");
  EXPECT_EQ(ExitCodeFor(st.kind()), kExitCorrupt);
}

TEST(Status, ExitCodesFollowTheKind) {
  EXPECT_EQ(ExitCodeFor(Status::Usage("x").kind()), kExitUsage);
  EXPECT_EQ(ExitCodeFor(Status::Io("x").kind()), kExitFailure);
  EXPECT_EQ(ExitCodeFor(Status::Server("x").kind()), kExitFailure);
  EXPECT_EQ(ExitCodeFor(Status::Partial("x").kind()), kExitPartial);
  EXPECT_EQ(ExitCodeFor(Status::Ok().kind()), kExitOk);
}

TEST(Status, BrokenPipeReadsAsDownstreamClosed) {
  Status st = Status::FromErrno(EPIPE, "write stdout");
  EXPECT_TRUE(st.downstream_closed());
  EXPECT_EQ(st.message(), "write stdout: downstream closed");
}

}  // namespace
}  // namespace segstream

namespace segstream {
namespace {

TEST(Status, CarriesTheServersSqlstateThroughPrefix) {
  Status st = Status::Server("query failed: x (SQLSTATE 0A000)").WithSqlstate("0A000");
  st = std::move(st).Prefix("cannot truncate t");
  ASSERT_TRUE(st.sqlstate());
  EXPECT_EQ(*st.sqlstate(), "0A000");
  EXPECT_FALSE(Status::Io("x").sqlstate());
}

}  // namespace
}  // namespace segstream
