#include "lib/common/io/termination.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

namespace segstream {
namespace {

// The same name in the parent and in the death test's child, which re-runs the test body.
std::string PartialOutputPath() {
  return "/tmp/termination_test." + std::to_string(::getuid()) + ".partial";
}

// clang-tidy's exception-escape finding on every main() is answered here: whatever escapes,
// from any thread, ends the tool with one line and exit status 1, and cleans up.
TEST(TerminationDeathTest, AnUncaughtExceptionInAThreadIsOneLineAndExitOne) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string partial = PartialOutputPath();
  std::FILE* f = std::fopen(partial.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  EXPECT_EXIT(
      {
        InstallTerminationHandling("sometool");
        RegisterCleanupPath(partial);
        std::thread([] { throw std::runtime_error("no thread for you"); }).join();
      },
      ::testing::ExitedWithCode(1), "^sometool: error: internal error: no thread for you\n$");
  EXPECT_NE(::access(partial.c_str(), F_OK), 0) << "the registered file was left behind";
  ::unlink(partial.c_str());
}

TEST(TerminationDeathTest, ExhaustedMemoryIsSaidSo) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        InstallTerminationHandling("sometool");
        std::thread([] { throw std::bad_alloc(); }).join();
      },
      ::testing::ExitedWithCode(1), "sometool: error: internal error: out of memory");
}

}  // namespace
}  // namespace segstream
