// Orchestration: the reader thread (this one) runs StreamReader over the input, resolves
// each table's target on its own connection, and feeds the dispatcher; the jobs load.
// At the end it names what was committed and what was not, and prints the summary.
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>

#include "lib/common/byte_io.h"
#include "lib/common/stream_reader.h"
#include "lib/common/table_filter.h"
#include "tools/load-stream/dispatcher.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/table_loader.h"
#include "tools/load-stream/target_tables.h"

namespace segstream {

namespace {

constexpr const char* kTool = "load-stream";

Status ValidateOptions(const LoadOptions& o) {
  if (o.jobs < 1) return Status::Usage("--jobs must be at least 1");
  if (o.single_transaction && o.jobs > 1)
    return Status::Usage("--single-transaction cannot be combined with --jobs greater than 1")
        .WithHint("one transaction lives on one connection");
  if (o.single_transaction && o.on_error_continue)
    return Status::Usage("--single-transaction and --on-error-continue contradict each other");
  return Status::Ok();
}

Status BuildFilter(const LoadOptions& o, TableFilter* filter) {
  for (const auto& p : o.include_tables) RETURN_IF_ERROR(filter->AddIncludeTable(p));
  for (const auto& p : o.include_schemas) RETURN_IF_ERROR(filter->AddIncludeSchema(p));
  for (const auto& p : o.exclude_tables) RETURN_IF_ERROR(filter->AddExcludeTable(p));
  for (const auto& p : o.exclude_schemas) RETURN_IF_ERROR(filter->AddExcludeSchema(p));
  for (const auto& f : o.include_table_files) {
    std::vector<std::string> names;
    RETURN_IF_ERROR(LoadTableFile(f, &names));
    for (const auto& n : names) RETURN_IF_ERROR(filter->AddIncludeExact(n));
  }
  for (const auto& f : o.exclude_table_files) {
    std::vector<std::string> names;
    RETURN_IF_ERROR(LoadTableFile(f, &names));
    for (const auto& n : names) RETURN_IF_ERROR(filter->AddExcludeExact(n));
  }
  return Status::Ok();
}

std::string TaskName(const Task& t) {
  std::string name = t.source;
  if (t.parts > 1) name += " (part " + std::to_string(t.part + 1) + "/" + std::to_string(t.parts) + ")";
  return name;
}

// Joins the job threads whatever way RunLoad leaves.
class JobThreads {
 public:
  ~JobThreads() { Join(); }
  void Start(TableLoader* loader) { threads_.emplace_back([loader] { loader->Run(); }); }
  void Join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  std::vector<std::thread> threads_;
};

struct ReadState {
  std::vector<std::unique_ptr<Task>> unloaded;  // failed before reaching a job, or dry run
  uint64_t tables_seen = 0;
  uint64_t rows_seen = 0;
  uint64_t bytes_seen = 0;
  Status stop;  // why reading stopped early (not the input's fault)
};

// The reader loop. Returns the input's own failure (corrupt, truncated, I/O); other
// reasons to stop are left in state->stop.
Status ReadInput(const LoadOptions& o, StreamReader* reader, const TableFilter& filter,
                 TargetResolver* resolver, Dispatcher* dispatcher, Progress* progress,
                 ReadState* state) {
  std::unordered_map<uint32_t, Task*> open;  // table id -> task, for the current stream
  for (;;) {
    if (dispatcher) {
      Status fatal = dispatcher->fatal();
      if (!fatal.ok()) return Status::Ok();
    }
    Event ev;
    RETURN_IF_ERROR(reader->Next(&ev));
    switch (ev.type) {
      case EventType::kStreamBegin:
        open.clear();
        break;
      case EventType::kTableBegin: {
        const TableInfo& info = ev.table->info;
        if (!filter.empty() && !filter.Matches(info.schema, info.name)) break;
        auto task = std::make_unique<Task>();
        task->source = info.QualifiedName();
        task->encoding = ev.stream->encoding;
        task->copy_format = ev.stream->copy_format;
        task->part = info.part;
        task->parts = info.parts;
        // In a single transaction the job creates missing tables itself, inside it.
        bool execute_create = !o.dry_run && !o.single_transaction;
        auto plan = resolver->Resolve(info, task->copy_format, execute_create);
        if (!plan.ok()) {
          Status st = plan.take_status().WithTable(task->source);
          task->error = st.ToString();
          task->outcome = TaskOutcome::kFailed;
          if (o.dry_run || o.on_error_continue)
            std::fprintf(stderr, "%s: warning: %s\n", kTool, task->error.c_str());
          state->unloaded.push_back(std::move(task));
          if (st.kind() == ErrorKind::kCorrupt) return st;
          if (!o.dry_run && !o.on_error_continue) {
            state->stop = std::move(st);
            return Status::Ok();
          }
          break;
        }
        task->plan = plan.value();
        if (o.dry_run) {
          open[ev.table_id] = task.get();
          state->unloaded.push_back(std::move(task));
        } else {
          open[ev.table_id] = dispatcher->AddTask(std::move(task));
        }
        break;
      }
      case EventType::kRows: {
        state->rows_seen += ev.rows.row_count();
        state->bytes_seen += ev.rows.rows().size();
        auto it = open.find(ev.table_id);
        if (it == open.end()) break;
        if (o.dry_run) {
          progress->Add(ev.rows.rows().size(), ev.rows.row_count());
          break;
        }
        Status st = dispatcher->Rows(it->second, ev.rows.rows(), ev.rows.row_count());
        if (!st.ok()) return Status::Ok();  // fatal: reported from the dispatcher
        break;
      }
      case EventType::kTableEnd: {
        state->tables_seen += 1;
        auto it = open.find(ev.table_id);
        if (it == open.end()) break;
        Task* task = it->second;
        open.erase(it);
        if (o.dry_run) {
          task->ended = true;
          task->trailer = ev.trailer;
          task->rows = ev.trailer.totals.rows;
          task->bytes = ev.trailer.totals.bytes;
          break;
        }
        if (!dispatcher->End(task, ev.trailer).ok()) return Status::Ok();
        break;
      }
      case EventType::kDataFrame:
      case EventType::kSql:
      case EventType::kStreamEnd:
        break;
      case EventType::kEnd:
        return Status::Ok();
    }
  }
}

void PrintOutcomes(const std::vector<const Task*>& tasks) {
  std::string committed, not_committed;
  size_t n_committed = 0, n_not = 0;
  for (const Task* t : tasks) {
    if (t->outcome == TaskOutcome::kCommitted) {
      committed += (n_committed++ ? ", " : "") + TaskName(*t);
    } else {
      not_committed += (n_not++ ? ", " : "") + TaskName(*t);
    }
  }
  std::fprintf(stderr, "%s: committed %zu table%s%s%s\n", kTool, n_committed,
               n_committed == 1 ? "" : "s", n_committed ? ": " : "", committed.c_str());
  std::fprintf(stderr, "%s: not committed %zu table%s%s%s\n", kTool, n_not, n_not == 1 ? "" : "s",
               n_not ? ": " : "", not_committed.c_str());
}

Status AnalyzeTargets(PGconn* conn, const std::vector<const Task*>& tasks) {
  std::set<std::string> done;
  for (const Task* t : tasks) {
    if (t->outcome != TaskOutcome::kCommitted || !done.insert(t->plan->qualified).second) continue;
    auto res = Exec(conn, "ANALYZE " + t->plan->qualified);
    if (!res.ok()) return res.take_status().Prefix("ANALYZE failed").WithTable(t->plan->qualified);
  }
  return Status::Ok();
}

}  // namespace

Status RunLoad(const LoadOptions& o) {
  auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(ValidateOptions(o));
  TableFilter filter;
  RETURN_IF_ERROR(BuildFilter(o, &filter));
  ASSIGN_OR_RETURN(UniqueFd input, OpenInput(o.input));
  BufferedSource source(input.get(), DisplayName(o.input));
  StreamReader reader(&source);

  ConnOptions conn_options = o.conn;
  conn_options.application_name = kTool;
  ASSIGN_OR_RETURN(PgConnPtr control, Connect(conn_options));
  // Names in stream metadata are JSON, hence UTF-8.
  RETURN_IF_ERROR(Exec(control.get(), "SET client_encoding TO 'UTF8'").status());
  TargetResolver resolver(control.get(), o);
  RETURN_IF_ERROR(resolver.Init());

  Progress progress(kTool, o.progress);
  std::unique_ptr<Dispatcher> dispatcher;
  std::vector<std::unique_ptr<TableLoader>> loaders;
  JobThreads threads;
  if (!o.dry_run) {
    dispatcher = std::make_unique<Dispatcher>(o, o.jobs);
    for (int i = 0; i < o.jobs; ++i) {
      ASSIGN_OR_RETURN(PgConnPtr conn, Connect(conn_options));
      loaders.push_back(
          std::make_unique<TableLoader>(i, std::move(conn), dispatcher.get(), o, &progress));
    }
    for (auto& l : loaders) threads.Start(l.get());
  }

  ReadState state;
  Status input_status =
      ReadInput(o, &reader, filter, &resolver, dispatcher.get(), &progress, &state);
  std::vector<const Task*> tasks;
  Status fatal;
  if (dispatcher) {
    if (!input_status.ok()) dispatcher->InputFailed();
    if (!state.stop.ok()) dispatcher->SetFatal(state.stop);
    dispatcher->WaitAllDone();
    threads.Join();
    fatal = dispatcher->fatal();
    for (Task* t : dispatcher->tasks()) tasks.push_back(t);
  }
  for (const auto& t : state.unloaded) tasks.push_back(t.get());
  progress.Finish();

  if (!input_status.ok()) {
    PrintOutcomes(tasks);
    if (input_status.kind() == ErrorKind::kCorrupt && !input_status.hint())
      return std::move(input_status)
          .WithHint("tables verified before the failure were committed; the others were not");
    return input_status;
  }
  if (!fatal.ok()) {
    PrintOutcomes(tasks);
    return fatal;
  }

  size_t failed = 0, loaded = 0;
  uint64_t rows = 0, bytes = 0;
  std::string failures;
  for (const Task* t : tasks) {
    if (t->outcome == TaskOutcome::kFailed) {
      failures += (failed++ ? "; " : "") + t->error;
    } else if (t->outcome == TaskOutcome::kCommitted || o.dry_run) {
      ++loaded;
      rows += t->rows;
      bytes += t->bytes;
    }
  }
  if (o.analyze && !o.dry_run) RETURN_IF_ERROR(AnalyzeTargets(control.get(), tasks));

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.quiet) {
    std::fprintf(stderr, "%s: %s %zu table%s, %llu rows, %s in %.2f s (%.0f rows/s)\n", kTool,
                 o.dry_run ? "dry run: verified" : "loaded", loaded, loaded == 1 ? "" : "s",
                 static_cast<unsigned long long>(rows), HumanBytes(double(bytes)).c_str(), seconds,
                 seconds > 0 ? double(rows) / seconds : 0.0);
  }
  if (failed) {
    if (!o.on_error_continue)  // only a dry run gets here: it checks every table
      return Status::Server(std::to_string(failed) + " of " + std::to_string(tasks.size()) +
                            " tables cannot be loaded: " + failures);
    return Status::Partial(std::to_string(failed) + " of " + std::to_string(tasks.size()) +
                           " tables failed: " + failures);
  }
  return Status::Ok();
}

}  // namespace segstream
