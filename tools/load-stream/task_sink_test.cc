#include "tools/load-stream/task_sink.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace segstream::load {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::unique_ptr<Task> TaskFor(const std::string& source) {
  auto t = std::make_unique<Task>();
  t->source = source;
  return t;
}

std::unique_ptr<Task> FailedTask(const std::string& source) {
  auto t = TaskFor(source);
  t->outcome = TaskOutcome::kFailed;
  t->error = "no such table";
  return t;
}

// The summary names a dry run's tables as the stream began them, failed ones included.
TEST(DryRunSink, KeepsTasksInTheOrderTheStreamBeganThem) {
  Progress progress("load-stream", ProgressMode::kOff);
  DryRunSink sink(&progress);
  sink.Add(TaskFor("public.a"));
  sink.AddFailed(FailedTask("public.b"));
  sink.Add(TaskFor("public.c"));
  auto tasks = sink.tasks();
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0]->source, "public.a");
  EXPECT_EQ(tasks[1]->source, "public.b");
  EXPECT_EQ(tasks[2]->source, "public.c");
}

TEST(DryRunSink, ATableEndsWithTheRowsAndBytesItsTrailerVerified) {
  Progress progress("load-stream", ProgressMode::kOff);
  DryRunSink sink(&progress);
  Task* task = sink.Add(TaskFor("public.a"));
  ASSERT_TRUE(sink.Rows(task, Bytes("1\n2\n"), 2).ok());
  TableTrailer trailer;
  trailer.totals.rows = 2;
  trailer.totals.bytes = 4;
  ASSERT_TRUE(sink.End(task, trailer).ok());
  EXPECT_TRUE(task->ended);
  EXPECT_EQ(task->rows, 2u);
  EXPECT_EQ(task->bytes, 4u);
  EXPECT_EQ(task->trailer.totals.rows, 2u);
  // Verified, not committed: a failure's summary names it as not committed.
  EXPECT_EQ(task->outcome, TaskOutcome::kNotLoaded);
  EXPECT_TRUE(sink.Done(*task));
  EXPECT_STREQ(sink.summary_verb(), "dry run: verified");
}

// A dry run checks every table: one that fails leaves the run going, and nothing is fatal.
TEST(DryRunSink, AFailedTableNeverStopsTheRun) {
  Progress progress("load-stream", ProgressMode::kOff);
  DryRunSink sink(&progress);
  sink.AddFailed(FailedTask("public.b"));
  EXPECT_TRUE(sink.ContinuesAfterFailedTable());
  sink.Finish(/*input_failed=*/false, Status::Ok());
  EXPECT_TRUE(sink.fatal().ok());
}

// A signal during a dry run names no table as committed or not: none reached a job.
TEST(DryRunSink, NoTaskHasStarted) {
  Progress progress("load-stream", ProgressMode::kOff);
  DryRunSink sink(&progress);
  sink.Add(TaskFor("public.a"));
  EXPECT_TRUE(sink.started().empty());
}

}  // namespace
}  // namespace segstream::load
