#include "tools/load-stream/dispatcher.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

namespace segstream::load {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::unique_ptr<Task> PartOf(const std::shared_ptr<TargetPlan>& plan, int part) {
  auto t = std::make_unique<Task>();
  t->source = "public.t";
  t->plan = plan;
  t->part = part;
  t->parts = 2;
  return t;
}

TEST(SpillFile, FramesComeBackInOrder) {
  SpillFile spill;
  EXPECT_TRUE(spill.empty());
  ASSERT_TRUE(spill.Append(Bytes("1\ta\n2\tb\n"), 2).ok());
  ASSERT_TRUE(spill.Append(Bytes(""), 0).ok());
  ASSERT_TRUE(spill.Append(Bytes("3\tc\n"), 1).ok());
  ASSERT_TRUE(spill.Rewind().ok());
  std::vector<uint8_t> bytes;
  uint32_t rows = 0;
  std::vector<std::pair<std::string, uint32_t>> got;
  for (;;) {
    auto more = spill.Next(&bytes, &rows);
    ASSERT_TRUE(more.ok());
    if (!more.value()) break;
    got.emplace_back(std::string(bytes.begin(), bytes.end()), rows);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first, "1\ta\n2\tb\n");
  EXPECT_EQ(got[0].second, 2u);
  EXPECT_EQ(got[1].first, "");
  EXPECT_EQ(got[2].first, "3\tc\n");
}

// One job, two interleaved parts of one table with --truncate: the second part spills while
// the first holds the truncate, then loads from the spill file without truncating again.
TEST(Dispatcher, SecondPartSpillsAndDoesNotTruncateAgain) {
  LoadOptions options;
  options.truncate = true;
  Dispatcher d(options, 1);
  auto plan = std::make_shared<TargetPlan>();
  plan->qualified = "public.t";
  Task* a = d.AddTask(PartOf(plan, 0));
  Task* b = d.AddTask(PartOf(plan, 1));
  ASSERT_TRUE(d.Rows(a, Bytes("1\n"), 1).ok());
  ASSERT_TRUE(d.Rows(b, Bytes("2\n"), 1).ok());  // a is live and not ended: b spills
  EXPECT_FALSE(b->spill.empty());
  ASSERT_TRUE(d.End(a, TableTrailer()).ok());
  ASSERT_TRUE(d.End(b, TableTrailer()).ok());

  std::vector<std::string> seen;
  std::thread job([&] {
    while (Task* t = d.NextTask(0)) {
      seen.push_back(t->source + std::to_string(t->part) + (t->truncate ? " truncate" : "") +
                     (t->ended_before_start ? " spilled" : ""));
      if (!t->ended_before_start)
        while (d.Pop(0).kind == Chunk::Kind::kRows) {}
      t->outcome = TaskOutcome::kCommitted;
      d.Finished(0, t);
    }
  });
  d.WaitAllDone();
  job.join();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "public.t0 truncate");
  EXPECT_EQ(seen[1], "public.t1 spilled");
}

// A failed input aborts the live unfinished task and leaves pending ones unloaded.
TEST(Dispatcher, InputFailureAbortsUnfinishedTasks) {
  LoadOptions options;
  Dispatcher d(options, 1);
  auto plan = std::make_shared<TargetPlan>();
  plan->qualified = "public.t";
  Task* a = d.AddTask(PartOf(plan, 0));
  Task* b = d.AddTask(PartOf(plan, 1));
  ASSERT_TRUE(d.Rows(a, Bytes("1\n"), 1).ok());
  ASSERT_TRUE(d.Rows(b, Bytes("2\n"), 1).ok());
  d.InputFailed();
  Chunk::Kind last = Chunk::Kind::kRows;
  std::thread job([&] {
    while (Task* t = d.NextTask(0)) {
      while ((last = d.Pop(0).kind) == Chunk::Kind::kRows) {}
      d.Finished(0, t);
    }
  });
  d.WaitAllDone();
  job.join();
  EXPECT_EQ(last, Chunk::Kind::kAbort);
  EXPECT_EQ(b->outcome, TaskOutcome::kNotLoaded);
  EXPECT_FALSE(b->error.empty());
}

std::unique_ptr<Task> TableTask(const std::string& target,
                                std::vector<std::string> references = {}) {
  auto plan = std::make_shared<TargetPlan>();
  plan->qualified = target;
  auto t = std::make_unique<Task>();
  t->source = target;
  t->plan = plan;
  t->references = std::move(references);
  return t;
}

// Runs one job while `feed` plays the reader, recording each task as it starts.
std::vector<std::string> RunOneJob(Dispatcher* d, const std::function<void()>& feed) {
  std::vector<std::string> seen;
  std::thread job([&] {
    while (Task* t = d->NextTask(0)) {
      seen.push_back(t->source + (t->truncate ? " " + t->truncate_sql : ""));
      if (!t->ended_before_start)
        while (d->Pop(0).kind == Chunk::Kind::kRows) {}
      t->outcome = TaskOutcome::kCommitted;
      d->Finished(0, t);
    }
  });
  feed();
  d->WaitAllDone();
  job.join();
  return seen;
}

// The stream carries orders before customers, which orders references and the header
// announced: orders spills and loads only after customers committed.
TEST(Dispatcher, ATableWaitsForAnAnnouncedTableItReferences) {
  LoadOptions options;
  Dispatcher d(options, 1);
  d.Announce({{"c", 1}, {"o", 1}});
  auto seen = RunOneJob(&d, [&] {
    Task* o = d.AddTask(TableTask("o", {"c"}));
    ASSERT_TRUE(d.Rows(o, Bytes("1\n"), 1).ok());
    EXPECT_FALSE(o->spill.empty());  // no job may take it yet
    ASSERT_TRUE(d.End(o, TableTrailer()).ok());
    Task* c = d.AddTask(TableTask("c"));
    ASSERT_TRUE(d.Rows(c, Bytes("1\n"), 1).ok());
    ASSERT_TRUE(d.End(c, TableTrailer()).ok());
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"c", "o"}));
}

// A referenced table that is neither announced nor seen is not waited for (it is already
// in the target), and a cycle cannot stall the load: a task waits only for earlier ones.
TEST(Dispatcher, NeitherAbsentTablesNorCyclesStallTheLoad) {
  LoadOptions options;
  Dispatcher d(options, 1);
  auto seen = RunOneJob(&d, [&] {
    Task* a = d.AddTask(TableTask("a", {"b", "elsewhere"}));
    Task* b = d.AddTask(TableTask("b", {"a"}));
    for (Task* t : {a, b}) {
      ASSERT_TRUE(d.Rows(t, Bytes("1\n"), 1).ok());
      ASSERT_TRUE(d.End(t, TableTrailer()).ok());
    }
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

// An announced table that never comes holds nothing back once the input has ended.
TEST(Dispatcher, AnAnnouncedTableThatNeverComesIsNotWaitedForAtTheEnd) {
  LoadOptions options;
  Dispatcher d(options, 1);
  d.Announce({{"missing", 1}, {"o", 1}});
  auto seen = RunOneJob(&d, [&] {
    Task* o = d.AddTask(TableTask("o", {"missing"}));
    ASSERT_TRUE(d.Rows(o, Bytes("1\n"), 1).ok());
    ASSERT_TRUE(d.End(o, TableTrailer()).ok());
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"o"}));
}

// --truncate: tables linked by foreign keys are emptied by the first of them to load, in one
// statement; the others do not truncate again; an unlinked table truncates alone.
TEST(Dispatcher, LinkedTablesAreTruncatedTogetherOnce) {
  LoadOptions options;
  options.truncate = true;
  Dispatcher d(options, 1);
  d.SetTruncateGroup({"c", "o"});
  auto seen = RunOneJob(&d, [&] {
    for (const char* name : {"c", "o", "x"})
      ASSERT_TRUE(d.End(d.AddTask(TableTask(name)), TableTrailer()).ok());
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"c TRUNCATE c, o", "o", "x TRUNCATE x"}));
}

TEST(CreateTableSql, KeepsTheDistributionPolicyOnGreenplum) {
  TableInfo info;
  info.columns = {{"a", "integer", false}, {"B b", "text", false}};
  info.distribution_policy = "hash";
  info.distribution_key = {"a", "B b"};
  info.distribution_opclasses = {"int4_ops", "text\"; DROP"};
  EXPECT_EQ(CreateTableSql("s.t", info, {"integer", "text"}, /*mpp=*/true),
            "CREATE TABLE s.t (a integer, \"B b\" text) DISTRIBUTED BY (a int4_ops, \"B b\" "
            "\"text\"\"; DROP\")");
  EXPECT_EQ(CreateTableSql("s.t", info, {"integer", "text"}, /*mpp=*/false),
            "CREATE TABLE s.t (a integer, \"B b\" text)");
  info.distribution_policy = "replicated";
  EXPECT_EQ(CreateTableSql("s.t", info, {"integer", "text"}, true),
            "CREATE TABLE s.t (a integer, \"B b\" text) DISTRIBUTED REPLICATED");
  info.distribution_policy = "random";
  EXPECT_EQ(CreateTableSql("s.t", info, {"integer", "text"}, true),
            "CREATE TABLE s.t (a integer, \"B b\" text) DISTRIBUTED RANDOMLY");
}

TEST(CreateTableSql, QuotesEveryIdentifier) {
  TableInfo info;
  info.columns = {{"id", "integer", true}, {"x\"; DROP TABLE y; --", "text", false}};
  info.primary_key = {"id"};
  EXPECT_EQ(CreateTableSql("public.\"T\"", info, {"integer", "text"}),
            "CREATE TABLE public.\"T\" (id integer NOT NULL, \"x\"\"; DROP TABLE y; --\" text, "
            "PRIMARY KEY (id))");
}

}  // namespace
}  // namespace segstream::load
