#include "lib/common/io/child_process.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace segstream {
namespace {

TEST(ChildProcess, CapturesStdoutAndExitStatus) {
  auto r = RunChild({{"sh", "-c", "printf 'a b'; exit 3"}, {}, -1, -1});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "a b");
  EXPECT_EQ(r->exit_status, 3);
}

TEST(ChildProcess, ArgumentsAreNotShellWords) {
  auto r = RunChild({{"printf", "%s|", "$HOME; rm -rf /", "x y"}, {}, -1, -1});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "$HOME; rm -rf /|x y|");
}

TEST(ChildProcess, PassesExtraEnvironment) {
  auto r = RunChild({{"sh", "-c", "printf %s \"$SEGSTREAM_T\""}, {{"SEGSTREAM_T", "v=1"}}, -1, -1});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "v=1");
}

TEST(ChildProcess, FailureNamesTheErrorLine) {
  auto r =
      RunChild({{"sh", "-c", "echo note >&2; echo 'x: error: boom' >&2; echo tail >&2; exit 1"},
                {},
                -1,
                -1});
  ASSERT_TRUE(r.ok());
  Status st = ChildStatus("pg_x", *r);
  EXPECT_EQ(st.kind(), ErrorKind::kServer);
  EXPECT_EQ(st.message(), "pg_x failed (exit status 1): x: error: boom");
}

TEST(ChildProcess, MissingProgramIsAnError) {
  auto r = RunChild({{"segstream-no-such-program"}, {}, -1, -1});
  EXPECT_FALSE(r.ok());
}

TEST(TempFile, RemovedWhenDestroyed) {
  std::string path;
  {
    auto f = TempFile::Create("segstream-test");
    ASSERT_TRUE(f.ok());
    path = f->path();
    EXPECT_EQ(access(path.c_str(), F_OK), 0);
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace segstream
