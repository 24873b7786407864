// Where the reader's tasks go. A load hands them to the Dispatcher and its --jobs
// TableLoaders; a dry run keeps them, counting their rows, so it verifies every table and
// resolves every target exactly as a load would, and writes nothing. The session that
// reads the stream talks to a TaskSink only, so the two differ here and nowhere in it.
// Thread safety: the reader thread calls every member function (the dispatcher's jobs
// run behind DispatcherSink on threads of their own).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lib/common/io/progress.h"
#include "lib/common/pg/pg_conn.h"
#include "tools/load-stream/dispatcher.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/table_loader.h"

namespace segstream::load {

class TaskSink {
 public:
  virtual ~TaskSink() = default;

  // What a stream's header announces, and --truncate's group (dispatcher.h).
  virtual void Announce(const std::vector<std::pair<std::string, int>>& ordered_parts) = 0;
  virtual void SetTruncateGroup(const std::set<std::string>& targets) = 0;
  virtual void Unannounce(const std::string& target) = 0;
  // A table to load; the returned task is the one Rows and End name.
  virtual Task* Add(std::unique_ptr<Task> task) = 0;
  // A table that failed before it could load (its target did not resolve): kept for the
  // summary.
  virtual void AddFailed(std::unique_ptr<Task> task) = 0;
  // A non-ok Status means the load has failed (fatal() says why): reading should stop.
  virtual Status Rows(Task* task, std::span<const uint8_t> rows, uint32_t row_count) = 0;
  virtual Status End(Task* task, const TableTrailer& trailer) = 0;
  // Called on a job's thread once every part of a table committed (Dispatcher's).
  virtual void SetOnTableCommitted(Dispatcher::TableCommittedFn fn) = 0;
  // Whether a table that fails to resolve lets reading go on.
  virtual bool ContinuesAfterFailedTable() const = 0;
  // The first failure that ends the run (Ok while none).
  virtual Status fatal() = 0;
  // Reading is over: `input_failed` when the input broke off, `stop` when the reader
  // stopped for a reason of its own. Returns once every task is done.
  virtual void Finish(bool input_failed, const Status& stop) = 0;
  // Every task, in the order the summary names them.
  virtual std::vector<const Task*> tasks() = 0;
  // The tasks a signal's summary names: those that reached the jobs.
  virtual std::vector<const Task*> started() = 0;
  // Whether a task that did not fail counts as done in the summary line, and what that
  // line calls its tasks.
  virtual bool Done(const Task& task) const = 0;
  virtual const char* summary_verb() const = 0;
};

// Joins the job threads whatever way the load ends.
class JobThreads {
 public:
  JobThreads() = default;
  JobThreads(const JobThreads&) = delete;
  JobThreads& operator=(const JobThreads&) = delete;
  ~JobThreads() { Join(); }
  void Start(TableLoader* loader) {
    threads_.emplace_back([loader] { loader->Run(); });
  }
  void Join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  std::vector<std::thread> threads_;
};

// The load: tasks go to --jobs TableLoaders through a Dispatcher.
class DispatcherSink : public TaskSink {
 public:
  // Connects the jobs with `conn_options` and starts their threads.
  static Result<std::unique_ptr<DispatcherSink>> Start(const LoadOptions& options,
                                                       const ConnOptions& conn_options,
                                                       Progress* progress);

  void Announce(const std::vector<std::pair<std::string, int>>& ordered_parts) override {
    dispatcher_.Announce(ordered_parts);
  }
  void SetTruncateGroup(const std::set<std::string>& targets) override {
    dispatcher_.SetTruncateGroup(targets);
  }
  void Unannounce(const std::string& target) override { dispatcher_.Unannounce(target); }
  Task* Add(std::unique_ptr<Task> task) override { return dispatcher_.AddTask(std::move(task)); }
  void AddFailed(std::unique_ptr<Task> task) override { failed_.push_back(std::move(task)); }
  Status Rows(Task* task, std::span<const uint8_t> rows, uint32_t row_count) override {
    return dispatcher_.Rows(task, rows, row_count);
  }
  Status End(Task* task, const TableTrailer& trailer) override {
    return dispatcher_.End(task, trailer);
  }
  void SetOnTableCommitted(Dispatcher::TableCommittedFn fn) override {
    dispatcher_.SetOnTableCommitted(std::move(fn));
  }
  bool ContinuesAfterFailedTable() const override { return options_.on_error_continue; }
  Status fatal() override { return dispatcher_.fatal(); }
  void Finish(bool input_failed, const Status& stop) override;
  std::vector<const Task*> tasks() override;
  std::vector<const Task*> started() override;
  bool Done(const Task& task) const override { return task.outcome == TaskOutcome::kCommitted; }
  const char* summary_verb() const override { return "loaded"; }

 private:
  explicit DispatcherSink(const LoadOptions& options)
      : options_(options), dispatcher_(options, options.jobs) {}

  const LoadOptions& options_;
  Dispatcher dispatcher_;
  std::vector<std::unique_ptr<TableLoader>> loaders_;
  JobThreads threads_;  // declared after them: joined before the loaders and dispatcher go
  std::vector<std::unique_ptr<Task>> failed_;
};

// --dry-run: every table is read and verified and its target resolved; nothing is loaded.
class DryRunSink : public TaskSink {
 public:
  explicit DryRunSink(Progress* progress) : progress_(progress) {}

  void Announce(const std::vector<std::pair<std::string, int>>&) override {}
  void SetTruncateGroup(const std::set<std::string>&) override {}
  void Unannounce(const std::string&) override {}
  Task* Add(std::unique_ptr<Task> task) override;
  void AddFailed(std::unique_ptr<Task> task) override { tasks_.push_back(std::move(task)); }
  Status Rows(Task* task, std::span<const uint8_t> rows, uint32_t row_count) override;
  Status End(Task* task, const TableTrailer& trailer) override;
  void SetOnTableCommitted(Dispatcher::TableCommittedFn) override {}
  // A dry run checks every table, so a failed one is reported and the next one read.
  bool ContinuesAfterFailedTable() const override { return true; }
  Status fatal() override { return Status::Ok(); }
  void Finish(bool, const Status&) override {}
  std::vector<const Task*> tasks() override;
  std::vector<const Task*> started() override { return {}; }
  bool Done(const Task&) const override { return true; }
  const char* summary_verb() const override { return "dry run: verified"; }

 private:
  Progress* progress_;
  std::vector<std::unique_ptr<Task>> tasks_;  // in the order the stream began them
};

}  // namespace segstream::load
