// Orchestration: the reader thread (this one) runs StreamReader over the input, resolves
// each table's target on its own connection, and feeds the dispatcher; the jobs load.
// At the end it names what was committed and what was not, and prints the summary.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>

#include "lib/common/format/format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/pg/table_filter.h"
#include "lib/common/io/termination.h"
#include "lib/common/base/text_escape.h"
#include "lib/common/stream/schema_archive.h"
#include "tools/load-stream/dispatcher.h"
#include "tools/load-stream/journal.h"
#include "tools/load-stream/load_order.h"
#include "tools/load-stream/schema_apply.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/target_tables.h"
#include "tools/load-stream/task_sink.h"

namespace segstream::load {

namespace {

constexpr const char* kTool = "load-stream";

Status ValidateOptions(const LoadOptions& o) {
  if (o.jobs < 1) return Status::Usage("--jobs must be at least 1");
  if (o.single_transaction && o.jobs > 1)
    return Status::Usage("--single-transaction cannot be combined with --jobs greater than 1")
        .WithHint("one transaction lives on one connection");
  if (o.single_transaction && o.on_error_continue)
    return Status::Usage("--single-transaction and --on-error-continue contradict each other");
  if (o.schema && (!o.redirect_schema.empty() || !o.table_map.empty()))
    return Status::Usage("--schema cannot be combined with --redirect-schema or --table-map")
        .WithHint("the schema recreates the source's names");
  if (o.schema && o.single_transaction)
    return Status::Usage("--schema cannot be combined with --single-transaction")
        .WithHint("pg_restore applies the schema on connections of its own");
  if (o.clean && !o.RunsSection(format::section::kPreData))
    return Status::Usage("--clean needs --schema (or --section=pre-data): it drops what pre-data "
                         "creates");
  if (o.clean && o.create_db)
    return Status::Usage("--clean and --create-db contradict each other")
        .WithHint("--create-db makes a new database, with nothing to clean");
  if ((o.no_owner || o.no_privileges) && !o.schema)
    return Status::Usage("--no-owner and --no-privileges only apply with --schema");
  if (!o.resume_key.empty() && !o.resume && !o.list_done)
    return Status::Usage("--resume-key needs --resume or --list-done");
  return Status::Ok();
}

Status BuildFilter(const LoadOptions& o, TableFilter* filter) {
  return o.selection.AddTo(filter);
}

std::string TaskName(const Task& t) {
  std::string name = t.source;
  if (t.parts > 1) name += " (part " + std::to_string(t.part + 1) + "/" + std::to_string(t.parts) + ")";
  return name;
}

struct ReadState {
  uint64_t tables_seen = 0;
  uint64_t tables_selected = 0;  // table parts the selection matched
  uint64_t rows_seen = 0;
  uint64_t bytes_seen = 0;
  Status stop;  // why reading stopped early (not the input's fault)
  // Schema sections, applied only with --schema / --globals:
  bool globals_seen = false;
  bool table_seen = false;     // a table began: pre-data can no longer come first
  bool warned_no_schema = false;
  std::unique_ptr<ArchiveAssembler> pre_data;
  std::unique_ptr<ArchiveAssembler> post_data;
  std::string post_data_key;   // resume key of the stream that carried post-data
  std::vector<SqlSection> sequences;
  // Foreign keys: read at the first table (pre-data has made the tables by then).
  LoadOrder load_order;
  Json announced;              // the current stream's header "tables", until its first table
  bool prepared = false;       // PrepareForTables ran for the current stream
  std::set<std::pair<std::string, std::string>> stream_tables;  // every table met, for --strict-names
  // --resume:
  Journal* journal = nullptr;
  std::string resume_key;      // of the current stream
  uint64_t skipped = 0;        // table parts already committed by an earlier run
};

void Warn(const LoadOptions& o, const std::string& msg) {
  if (!o.quiet) std::fprintf(stderr, "%s: warning: %s\n", kTool, EscapeForMessage(msg).c_str());
}

// One SQL frame. Nothing in it runs unless the user asked for its kind of section.
Status OnSql(const LoadOptions& o, const Event& ev, PGconn* control, ReadState* state) {
  const SqlSection& sql = ev.sql;
  if (o.dry_run) return Status::Ok();
  if (sql.section == format::section::kGlobals) {
    if (!o.globals) return Status::Ok();
    if (state->globals_seen) return Status::Ok();  // concatenated streams: the first wins
    state->globals_seen = true;
    return ApplyGlobals(o.conn, sql.sql, o.quiet);
  }
  if (sql.section == format::section::kSequences) {
    // Data, not SQL: applied after the rows with or without --schema (schema_apply.h).
    if (!o.no_sequences && o.RunsSection(format::section::kData)) state->sequences.push_back(sql);
    return Status::Ok();
  }
  if (!o.RunsSection(sql.section)) return Status::Ok();
  if (sql.section == format::section::kPreData) {
    if (state->pre_data && state->pre_data->complete()) return Status::Ok();  // a later stream's
    if (state->table_seen) {
      if (!state->warned_no_schema) Warn(o, "pre-data arrived after table rows; not applied");
      state->warned_no_schema = true;
      return Status::Ok();
    }
    if (!IsArchiveSection(sql))
      return Status::Corrupt("the pre-data section is not a pg_dump archive");
    if (!state->pre_data) state->pre_data = std::make_unique<ArchiveAssembler>(format::section::kPreData);
    bool complete = false;
    RETURN_IF_ERROR(state->pre_data->Add(sql, &complete));
    if (!complete) return Status::Ok();
    if (state->journal && state->journal->SectionDone(state->resume_key, format::section::kPreData)) {
      Warn(o, "pre-data was applied by an earlier run (journal); not applied again");
      return Status::Ok();
    }
    RETURN_IF_ERROR(RestoreArchive(control, o, state->pre_data->path(), format::section::kPreData, 1));
    if (state->journal) RETURN_IF_ERROR(state->journal->MarkSection(state->resume_key, format::section::kPreData));
    return Status::Ok();
  }
  if (sql.section == format::section::kPostData) {
    if (state->post_data && state->post_data->complete()) return Status::Ok();
    if (!IsArchiveSection(sql))
      return Status::Corrupt("the post-data section is not a pg_dump archive");
    if (!state->post_data) state->post_data = std::make_unique<ArchiveAssembler>(format::section::kPostData);
    state->post_data_key = state->resume_key;
    bool complete = false;
    return state->post_data->Add(sql, &complete);
  }
  return Status::Ok();  // a section this version does not know: never run
}

// --strict-names: each include rule must match one of `tables`.
Status CheckStrictNames(const TableFilter& filter,
                        const std::set<std::pair<std::string, std::string>>& tables,
                        const std::string& consequence) {
  std::vector<std::string> unmatched =
      filter.UnmatchedIncludes({tables.begin(), tables.end()});
  if (unmatched.empty()) return Status::Ok();
  std::string list;
  for (const std::string& u : unmatched) list += (list.empty() ? "'" : ", '") + u + "'";
  return Status::Usage("--strict-names: no table of the stream matches " + list + "; " +
                       consequence)
      .WithHint("toc FILE lists the stream's tables");
}

// A stream's first table: the tables its header announces (those the selection keeps, less
// the parts an earlier run committed) are what is still to come, so a table waits for the
// tables it references even when they come later in the stream; and --truncate empties the
// ones foreign keys link in one statement, before any of them loads.
Status PrepareForTables(const LoadOptions& o, const TableFilter& filter,
                        const TargetResolver& resolver, TaskSink* sink, PGconn* control,
                        ReadState* state) {
  Json announced = std::move(state->announced);
  state->announced = Json();
  if (!state->load_order.read() && (!o.disable_triggers || o.truncate))
    RETURN_IF_ERROR(state->load_order.Read(control, resolver.profile().mpp()));
  if (!announced.is_array()) return Status::Ok();
  std::map<std::string, int> parts_to_come;
  std::set<std::string> targets, keep_rows;
  std::set<std::pair<std::string, std::string>> announced_names;
  for (const Json& entry : announced) {
    // Hostile input at worst delays a table until the input ends: names are only compared
    // and quoted, and odd entries are skipped.
    if (!entry.is_object()) continue;
    auto schema = entry.find("schema"), name = entry.find("name"), parts = entry.find("parts");
    if (schema == entry.end() || !schema->is_string() || name == entry.end() ||
        !name->is_string() || parts == entry.end() || !parts->is_number_integer())
      continue;
    const int count = parts->get<int>();
    if (count < 1 || count > 1'000'000) continue;
    const std::string& s = schema->get_ref<const std::string&>();
    const std::string& n = name->get_ref<const std::string&>();
    announced_names.emplace(s, n);
    if (!filter.empty() && !filter.Matches(s, n)) continue;
    if (!o.LoadsRowsOf(s, n)) continue;
    std::string target = resolver.TargetName(s, n);
    int remaining = count;
    if (state->journal) {
      for (int p = 0; p < count; ++p) {
        ASSIGN_OR_RETURN(bool done, state->journal->PartDone(state->resume_key, s, n, p, count));
        if (done) --remaining;
      }
      if (remaining < count) keep_rows.insert(target);
    }
    parts_to_come[target] += remaining;
    targets.insert(target);
  }
  std::vector<std::string> cyclic;
  std::vector<std::pair<std::string, int>> ordered;
  for (const std::string& t : state->load_order.ReferencedFirst(targets, &cyclic))
    ordered.emplace_back(t, parts_to_come[t]);
  sink->Announce(ordered);
  // Checked here, before any row, when the header says what the stream holds.
  if (o.strict_names) RETURN_IF_ERROR(CheckStrictNames(filter, announced_names, "nothing was loaded"));
  if (!o.disable_triggers) {
    if (!cyclic.empty())
      Warn(o, "foreign keys form a cycle through " + cyclic.front() +
                  ": no order of loading satisfies it, and a table of it may fail its checks "
                  "(--disable-triggers, as a superuser, loads them)");
  }
  if (o.truncate) {
    std::set<std::string> emptied;
    for (const std::string& t : targets)
      if (!keep_rows.count(t)) emptied.insert(t);
    std::vector<std::string> outside;
    std::set<std::string> group =
        state->load_order.TruncateList(state->load_order.Linked(emptied), emptied, &outside);
    if (!outside.empty() && !o.cascade) {
      std::string list;
      for (const std::string& x : outside) list += (list.empty() ? "" : ", ") + x;
      return Status::Usage("--truncate cannot empty tables that tables outside this load "
                           "reference: " + list + "; nothing was loaded")
          .WithHint("--cascade empties those tables too (TRUNCATE ... CASCADE); or load "
                    "them as well, or load without --truncate");
    }
    if (!group.empty()) sink->SetTruncateGroup(group);
  }
  return Status::Ok();
}

// The reader loop. Returns the input's own failure (corrupt, truncated, I/O); other
// reasons to stop are left in state->stop.
Status ReadInput(const LoadOptions& o, StreamReader* reader, const TableFilter& filter,
                 TargetResolver* resolver, TaskSink* sink, PGconn* control, Event* first,
                 ReadState* state) {
  std::unordered_map<uint32_t, Task*> open;  // table id -> task, for the current stream
  for (;;) {
    if (!sink->fatal().ok()) return Status::Ok();
    Event ev;
    if (first) {
      ev = std::move(*first);
      first = nullptr;
    } else {
      RETURN_IF_ERROR(reader->Next(&ev));
    }
    switch (ev.type) {
      case EventType::kStreamBegin:
        open.clear();
        if (state->journal) {
          state->resume_key = o.resume_key.empty() ? DefaultResumeKey(*ev.stream) : o.resume_key;
          std::string stale;
          RETURN_IF_ERROR(state->journal->Load(state->resume_key, *ev.stream, &stale));
          if (!stale.empty()) Warn(o, stale);
        }
        if (auto tables = ev.stream->extra.find("tables"); tables != ev.stream->extra.end())
          state->announced = *tables;
        state->prepared = false;
        break;
      case EventType::kSql: {
        Status st = OnSql(o, ev, control, state);
        if (st.kind() == ErrorKind::kCorrupt) return st;
        if (!st.ok()) {
          state->stop = std::move(st);
          return Status::Ok();
        }
        break;
      }
      case EventType::kTableBegin: {
        const TableInfo& info = ev.table->info;
        if (o.RunsSection(format::section::kPreData) && !state->table_seen && !state->pre_data &&
            !state->warned_no_schema &&
            !o.dry_run) {
          Warn(o, "--schema: the stream has no pre-data section; loading rows into existing tables");
          state->warned_no_schema = true;
        }
        state->table_seen = true;
        state->stream_tables.emplace(info.schema, info.name);
        if (!state->prepared && !o.dry_run) {
          state->prepared = true;
          Status st = PrepareForTables(o, filter, *resolver, sink, control, state);
          if (!st.ok()) {
            state->stop = std::move(st);
            return Status::Ok();
          }
        }
        if (!filter.empty() && !filter.Matches(info.schema, info.name)) break;
        ++state->tables_selected;
        // --section without data, or a table -L leaves out: read and verified only.
        if (!o.LoadsRowsOf(info.schema, info.name)) break;
        bool keep_rows = false;
        if (state->journal) {
          auto done = state->journal->PartDone(state->resume_key, info.schema, info.name,
                                               info.part, info.parts);
          if (!done.ok()) {
            state->stop = done.take_status().WithTable(info.QualifiedName());
            return Status::Ok();
          }
          if (done.value()) {  // its frames are still read, and verified, but not loaded
            state->skipped += 1;
            break;
          }
          keep_rows = state->journal->AnyPartDone(state->resume_key, info.schema, info.name);
        }
        auto task = std::make_unique<Task>();
        task->schema = info.schema;
        task->name = info.name;
        task->keep_rows = keep_rows;
        if (state->journal) task->resume_key = state->resume_key;
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
          sink->Unannounce(resolver->TargetName(info.schema, info.name));
          if (sink->ContinuesAfterFailedTable())
            std::fprintf(stderr, "%s: warning: %s\n", kTool, EscapeForMessage(task->error).c_str());
          sink->AddFailed(std::move(task));
          if (st.kind() == ErrorKind::kCorrupt) return st;
          if (!sink->ContinuesAfterFailedTable()) {
            state->stop = std::move(st);
            return Status::Ok();
          }
          break;
        }
        task->plan = plan.value();
        if (!o.disable_triggers && state->load_order.read())
          task->references = state->load_order.References(task->plan->qualified);
        open[ev.table_id] = sink->Add(std::move(task));
        break;
      }
      case EventType::kRows: {
        state->rows_seen += ev.rows.row_count();
        state->bytes_seen += ev.rows.rows().size();
        auto it = open.find(ev.table_id);
        if (it == open.end()) break;
        Status st = sink->Rows(it->second, ev.rows.rows(), ev.rows.row_count());
        if (!st.ok()) return Status::Ok();  // fatal: reported from the sink
        break;
      }
      case EventType::kTableEnd: {
        state->tables_seen += 1;
        auto it = open.find(ev.table_id);
        if (it == open.end()) break;
        Task* task = it->second;
        open.erase(it);
        if (!sink->End(task, ev.trailer).ok()) return Status::Ok();
        break;
      }
      case EventType::kDataFrame:
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
               n_committed == 1 ? "" : "s", n_committed ? ": " : "",
               EscapeForMessage(committed).c_str());
  std::fprintf(stderr, "%s: not committed %zu table%s%s%s\n", kTool, n_not, n_not == 1 ? "" : "s",
               n_not ? ": " : "", EscapeForMessage(not_committed).c_str());
}

// ANALYZE of every committed target, on the control connection and up to jobs - 1 more,
// so the restored database plans well at once (big tables take most of the time, as the
// COPYs did).
Status AnalyzeTargets(PGconn* control, const ConnOptions& conn_options, int jobs,
                      const std::vector<const Task*>& tasks) {
  std::vector<std::string> targets;
  std::set<std::string> seen;
  for (const Task* t : tasks) {
    if (t->outcome != TaskOutcome::kCommitted || !seen.insert(t->plan->qualified).second) continue;
    // Large objects pass through a temporary table that is gone by now.
    if (!t->plan->before_copy_sql.empty()) continue;
    targets.push_back(t->plan->qualified);
  }
  if (targets.empty()) return Status::Ok();
  const size_t workers = std::min<size_t>(std::max(1, jobs), targets.size());
  std::vector<PgConnPtr> more;
  for (size_t i = 1; i < workers; ++i) {
    ASSIGN_OR_RETURN(PgConnPtr c, Connect(conn_options));
    more.push_back(std::move(c));
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto work = [&](PGconn* conn) {
    for (size_t i; (i = next.fetch_add(1)) < targets.size();) {
      auto res = Exec(conn, "ANALYZE " + targets[i]);
      if (res.ok()) continue;
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok())
        first_error = res.take_status().Prefix("ANALYZE failed").WithTable(targets[i]);
      next.store(targets.size());
    }
  };
  std::vector<std::thread> threads;
  for (const PgConnPtr& c : more) threads.emplace_back(work, c.get());
  work(control);
  for (auto& t : threads) t.join();
  return first_error;
}

}  // namespace

Status RunLoad(const LoadOptions& o) {
  auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(ValidateOptions(o));
  TableFilter filter;
  RETURN_IF_ERROR(BuildFilter(o, &filter));
  ConnOptions conn_options = o.conn;
  conn_options.application_name = kTool;
  if (o.list_done) {
    ASSIGN_OR_RETURN(PgConnPtr conn, Connect(conn_options));
    RETURN_IF_ERROR(Exec(conn.get(), "SET client_encoding TO 'UTF8'").status());
    return PrintDoneTables(conn.get(), o.resume_key);
  }
  ASSIGN_OR_RETURN(UniqueFd input, OpenInput(o.input));
  BufferedSource source(input.get(), InputName(o.input));
  StreamReader reader(&source);

  // --create-db needs the stream's encoding before there is a database to connect to.
  Event first_event;
  Event* first = nullptr;
  if (o.create_db && !o.dry_run) {
    RETURN_IF_ERROR(reader.Next(&first_event));
    first = &first_event;
    std::string encoding = first_event.stream ? first_event.stream->encoding : "";
    RETURN_IF_ERROR(CreateTargetDatabase(o, encoding, o.resume, o.quiet));
  }

  ASSIGN_OR_RETURN(PgConnPtr control, Connect(conn_options));
  // Names in stream metadata are JSON, hence UTF-8.
  RETURN_IF_ERROR(Exec(control.get(), "SET client_encoding TO 'UTF8'").status());
  if (o.disable_triggers && !o.dry_run) {
    // Checked before anything is loaded: ALTER TABLE ... DISABLE TRIGGER ALL reaches the
    // foreign-key triggers only for a superuser.
    ASSIGN_OR_RETURN(PgResultPtr super,
                     Exec(control.get(), "SELECT pg_catalog.current_setting('is_superuser')"));
    if (Field(super.get(), 0, 0) != "on")
      return Status::Usage("--disable-triggers needs a superuser, as pg_restore's does")
          .WithHint("connect as a superuser, or load the tables in foreign-key order without it");
  }
  TargetResolver resolver(control.get(), o);
  RETURN_IF_ERROR(resolver.Init());
  std::unique_ptr<Journal> journal;
  if (o.resume && !o.dry_run) {
    journal = std::make_unique<Journal>(control.get());
    RETURN_IF_ERROR(journal->Ensure());
  }

  Progress progress(kTool, o.progress);
  std::unique_ptr<TaskSink> sink;
  if (o.dry_run) {
    sink = std::make_unique<DryRunSink>(&progress);
  } else {
    ASSIGN_OR_RETURN(sink, DispatcherSink::Start(o, conn_options, &progress));
  }

  ReadState state;
  state.journal = journal.get();
  // A signal ends the run with the summary a failure prints (termination.h).
  TerminationReport report([&sink] { PrintOutcomes(sink->started()); });
  Status input_status = ReadInput(o, &reader, filter, &resolver, sink.get(), control.get(),
                                  first, &state);
  sink->Finish(!input_status.ok(), state.stop);
  Status fatal = sink->fatal();
  std::vector<const Task*> tasks = sink->tasks();
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
  // As pg_dump: a selection that selects nothing is a mistake, not a successful no-op.
  if (filter.has_includes() && state.tables_selected == 0)
    return Status::Usage("no table of the stream matches the selection (-t, -n, "
                         "--include-table-file); nothing was loaded")
        .WithHint("toc FILE lists the stream's tables");
  if (o.strict_names)
    RETURN_IF_ERROR(CheckStrictNames(filter, state.stream_tables,
                                     "the tables that matched were loaded"));

  size_t failed = 0, loaded = 0;
  uint64_t rows = 0, bytes = 0;
  std::string failures;
  for (const Task* t : tasks) {
    if (t->outcome == TaskOutcome::kFailed) {
      failures += (failed++ ? "; " : "") + t->error;
    } else if (sink->Done(*t)) {
      ++loaded;
      rows += t->rows;
      bytes += t->bytes;
    }
  }
  if (o.RunsSection(format::section::kPostData) && !o.dry_run) {
    // After every table committed: indexes and constraints build once over full tables, on
    // --jobs connections in pg_restore's dependency order.
    if (state.post_data && state.post_data->complete()) {
      if (journal && journal->SectionDone(state.post_data_key, format::section::kPostData)) {
        Warn(o, "post-data was applied by an earlier run (journal); not applied again");
      } else {
        // An earlier run that started post-data may have built part of it.
        const bool partly_built = journal && journal->SectionDone(state.post_data_key, "post-data started");
        if (journal && !partly_built)
          RETURN_IF_ERROR(journal->MarkSection(state.post_data_key, "post-data started"));
        Status st = partly_built ? ReapplyPostData(o, state.post_data->path())
                                 : RestoreArchive(control.get(), o, state.post_data->path(),
                                                  format::section::kPostData, o.jobs);
        if (!st.ok()) {
          PrintOutcomes(tasks);
          return std::move(st).WithHint(
              "the rows are committed; fix the cause and apply the rest with toc "
              "--extract-schema (post-data) and psql");
        }
        if (journal) RETURN_IF_ERROR(journal->MarkSection(state.post_data_key, format::section::kPostData));
      }
    }
  }
  // After every row (and index): the values the source had, for the selected tables.
  // Renamed targets would send them to sequences of the same name that are not theirs.
  if (!state.sequences.empty() && !o.dry_run &&
      (!o.redirect_schema.empty() || !o.table_map.empty())) {
    Warn(o, "sequence values are not set with --redirect-schema or --table-map");
    state.sequences.clear();
  }
  for (const SqlSection& seq : state.sequences) {
    if (o.dry_run) break;
    Status st = ApplySequences(control.get(), seq, filter,
                               o.use_list ? &o.use_list->sequences : nullptr, o.quiet);
    if (st.kind() == ErrorKind::kCorrupt) return st;
    if (!st.ok()) {
      PrintOutcomes(tasks);
      return st;
    }
  }
  if (o.Analyzes() && o.RunsSection(format::section::kData) && !o.dry_run) RETURN_IF_ERROR(AnalyzeTargets(control.get(), conn_options, o.jobs, tasks));
  // Complete: nothing is left to resume, so the journal goes (a failed table under
  // --on-error-continue keeps it, for the run that loads it).
  if (journal && !failed && !o.keep_journal) {
    ASSIGN_OR_RETURN(bool dropped, journal->Remove());
    if (o.verbose)
      std::fprintf(stderr, "%s: removed the resume journal%s\n", kTool,
                   dropped ? " and the segstream schema" : "");
  }

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.quiet) {
    std::fprintf(stderr, "%s: %s %zu table%s, %llu rows, %s in %.2f s (%.0f rows/s)\n", kTool,
                 sink->summary_verb(), loaded, loaded == 1 ? "" : "s",
                 static_cast<unsigned long long>(rows), HumanBytes(double(bytes)).c_str(), seconds,
                 seconds > 0 ? double(rows) / seconds : 0.0);
    if (state.skipped)
      std::fprintf(stderr, "%s: skipped %llu table part%s committed by an earlier run\n", kTool,
                   static_cast<unsigned long long>(state.skipped), state.skipped == 1 ? "" : "s");
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

}  // namespace segstream::load
