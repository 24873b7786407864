// Orchestration: the reader thread (this one) runs StreamReader over the input, resolves
// each table's target on its own connection, and feeds the task sink; the jobs load.
// At the end it names what was committed and what was not, and prints the summary.
#include "tools/load-stream/load_session.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/format.h"
#include "tools/load-stream/schema_apply.h"

namespace segstream::load {

namespace {

constexpr int64_t kFreezeMinRows = 10000;

constexpr const char* kTool = "load-stream";

std::string TaskName(const Task& t) {
  std::string name = t.source;
  if (t.parts > 1)
    name += " (part " + std::to_string(t.part + 1) + "/" + std::to_string(t.parts) + ")";
  return name;
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

// --strict-names: each include rule must match one of `tables`.
Status CheckStrictNames(const TableFilter& filter,
                        const std::set<std::pair<std::string, std::string>>& tables,
                        const std::string& consequence) {
  std::vector<std::string> unmatched = filter.UnmatchedIncludes({tables.begin(), tables.end()});
  if (unmatched.empty()) return Status::Ok();
  std::string list;
  for (const std::string& u : unmatched) list += (list.empty() ? "'" : ", '") + u + "'";
  return Status::Usage("--strict-names: no table of the stream matches " + list + "; " +
                       consequence)
      .WithHint("toc FILE lists the stream's tables");
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

LoadSession::LoadSession(const LoadOptions& options, const TableFilter& filter)
    : o_(options), filter_(filter), conn_options_(options.conn) {
  conn_options_.application_name = kTool;
}

LoadSession::~LoadSession() = default;

void LoadSession::Warn(const std::string& msg) const {
  if (o_.quiet) return;
  // Through the progress line's owner: above a live line, or as an event in JSON mode.
  if (progress_) {
    if (progress_->json())
      progress_->Event("warning", {{"message", msg}});
    else
      progress_->Log(std::string(kTool) + ": warning: " + msg);
    return;
  }
  std::fprintf(stderr, "%s: warning: %s\n", kTool, EscapeForMessage(msg).c_str());
}

void LoadSession::Stop(Status why) {
  stop_ = std::move(why);
  stopped_ = true;
}

// ---- the steps ----

Status LoadSession::OpenInput() {
  ASSIGN_OR_RETURN(input_, segstream::OpenInput(o_.input));
  source_ = std::make_unique<BufferedSource>(input_.get(), InputName(o_.input));
  reader_ = std::make_unique<StreamReader>(source_.get());
  if (!o_.create_db || o_.dry_run) return Status::Ok();
  // --create-db needs the stream's encoding before there is a database to connect to.
  first_event_.emplace();
  RETURN_IF_ERROR(reader_->Next(&*first_event_));
  std::string encoding = first_event_->stream ? first_event_->stream->encoding : "";
  return CreateTargetDatabase(o_, encoding, o_.resume, o_.quiet);
}

Status LoadSession::Connect() {
  ASSIGN_OR_RETURN(control_, segstream::Connect(conn_options_));
  // Names in stream metadata are JSON, hence UTF-8.
  RETURN_IF_ERROR(Exec(control_.get(), "SET client_encoding TO 'UTF8'").status());
  if (o_.disable_triggers && !o_.dry_run) {
    // Checked before anything is loaded: ALTER TABLE ... DISABLE TRIGGER ALL reaches the
    // foreign-key triggers only for a superuser.
    ASSIGN_OR_RETURN(PgResultPtr super,
                     Exec(control_.get(), "SELECT pg_catalog.current_setting('is_superuser')"));
    if (Field(super.get(), 0, 0) != "on")
      return Status::Usage("--disable-triggers needs a superuser, as pg_restore's does")
          .WithHint("connect as a superuser, or load the tables in foreign-key order without it");
  }
  resolver_ = std::make_unique<TargetResolver>(control_.get(), o_);
  RETURN_IF_ERROR(resolver_->Init());
  if (o_.resume && !o_.dry_run) {
    resume_.journal = std::make_unique<Journal>(control_.get());
    RETURN_IF_ERROR(resume_.journal->Ensure());
  }
  progress_.emplace(kTool, o_.progress);  // its clock starts with the loading
  if (o_.dry_run) {
    sink_ = std::make_unique<DryRunSink>(&*progress_);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(sink_, DispatcherSink::Start(o_, conn_options_, &*progress_));
  // Renamed targets keep the archive's names; one transaction commits no table early.
  if (o_.early_indexes_min && o_.RunsSection(format::section::kPostData) &&
      !o_.single_transaction && o_.redirect_schema.empty() && o_.table_map.empty()) {
    early_post_data_ = std::make_unique<EarlyPostData>();
    EarlyPostData* early = early_post_data_.get();
    const uint64_t min_bytes = *o_.early_indexes_min;
    sink_->SetOnTableCommitted([early, min_bytes](const Task& task, uint64_t table_bytes) {
      if (table_bytes >= min_bytes) early->TableCommitted({task.schema, task.name});
    });
  }
  return Status::Ok();
}

Status LoadSession::ReadInput() {
  termination_report_.emplace([this] { PrintOutcomes(sink_->started()); });
  while (!stopped_ && sink_->fatal().ok()) {
    Event ev;
    if (first_event_) {
      ev = std::move(*first_event_);
      first_event_.reset();
    } else {
      RETURN_IF_ERROR(reader_->Next(&ev));
    }
    if (ev.type == EventType::kEnd) return Status::Ok();
    RETURN_IF_ERROR(OnEvent(ev));
  }
  return Status::Ok();
}

Status LoadSession::WaitForJobs(Status input_status) {
  sink_->Finish(!input_status.ok(), stop_);
  Status fatal = sink_->fatal();
  tasks_ = sink_->tasks();
  if (!input_status.ok() || !fatal.ok()) progress_->Finish();  // what follows is the failure
  if (!input_status.ok()) {
    PrintOutcomes(tasks_);
    if (input_status.kind() == ErrorKind::kCorrupt && !input_status.hint())
      return std::move(input_status)
          .WithHint("tables verified before the failure were committed; the others were not");
    return input_status;
  }
  if (!fatal.ok()) {
    PrintOutcomes(tasks_);
    return fatal;
  }
  return Status::Ok();
}

Status LoadSession::CheckSelection() const {
  // As pg_dump: a selection that selects nothing is a mistake, not a successful no-op.
  if (filter_.has_includes() && tables_selected_ == 0)
    return Status::Usage(
               "no table of the stream matches the selection (-t, -n, "
               "--include-table-file); nothing was loaded")
        .WithHint("toc FILE lists the stream's tables");
  if (o_.strict_names)
    RETURN_IF_ERROR(
        CheckStrictNames(filter_, stream_tables_, "the tables that matched were loaded"));
  return Status::Ok();
}

Status LoadSession::ApplyPostData() {
  // After every table committed: indexes and constraints build once over full tables, on
  // --jobs connections in pg_restore's dependency order.
  if (!o_.RunsSection(format::section::kPostData)) return Status::Ok();
  if (!schema_.post_data || !schema_.post_data->complete()) return Status::Ok();
  progress_->SetPhase("indexes");
  Journal* journal = resume_.journal.get();
  const std::string& key = schema_.post_data_key;
  if (journal && journal->SectionDone(key, format::section::kPostData)) {
    Warn("post-data was applied by an earlier run (journal); not applied again");
    return Status::Ok();
  }
  // An earlier run that started post-data may have built part of it.
  const bool partly_built =
      !early_started_ && journal && journal->SectionDone(key, "post-data started");
  if (journal && !partly_built && !early_started_)
    RETURN_IF_ERROR(journal->MarkSection(key, "post-data started"));
  // The tables' own indexes and constraints built as their rows committed, then the rest.
  std::set<long> built;
  Status st = early_started_ ? early_post_data_->Finish(&built) : Status::Ok();
  if (st.ok())
    st = partly_built ? ReapplyPostData(o_, schema_.post_data->path())
                      : RestoreArchive(control_.get(), o_, schema_.post_data->path(),
                                       format::section::kPostData, o_.jobs, built);
  if (!st.ok()) {
    PrintOutcomes(tasks_);
    return std::move(st).WithHint(
        "the rows are committed; fix the cause and apply the rest with toc "
        "--extract-schema (post-data) and psql");
  }
  if (journal) RETURN_IF_ERROR(journal->MarkSection(key, format::section::kPostData));
  return Status::Ok();
}

Status LoadSession::ApplySequences() {
  // After every row (and index): the values the source had, for the selected tables.
  // Renamed targets would send them to sequences of the same name that are not theirs.
  if (!schema_.sequences.empty() && (!o_.redirect_schema.empty() || !o_.table_map.empty())) {
    Warn("sequence values are not set with --redirect-schema or --table-map");
    schema_.sequences.clear();
  }
  for (const SqlSection& seq : schema_.sequences) {
    Status st = segstream::load::ApplySequences(
        control_.get(), seq, filter_, o_.use_list ? &o_.use_list->sequences : nullptr, o_.quiet);
    if (st.kind() == ErrorKind::kCorrupt) return st;
    if (!st.ok()) {
      PrintOutcomes(tasks_);
      return st;
    }
  }
  return Status::Ok();
}

Status LoadSession::Analyze() {
  if (!o_.Analyzes() || !o_.RunsSection(format::section::kData)) return Status::Ok();
  progress_->SetPhase("analyze");
  return AnalyzeTargets(control_.get(), conn_options_, o_.jobs, tasks_);
}

Status LoadSession::RemoveJournal() {
  // Complete: nothing is left to resume, so the journal goes (a failed table under
  // --on-error-continue keeps it, for the run that loads it).
  if (!resume_.journal || Tally().failed || o_.keep_journal) return Status::Ok();
  ASSIGN_OR_RETURN(bool dropped, resume_.journal->Remove());
  if (o_.verbose)
    progress_->Log(std::string(kTool) + ": removed the resume journal" +
                   (dropped ? " and the segstream schema" : ""));
  return Status::Ok();
}

LoadTally LoadSession::Tally() const {
  LoadTally tally;
  for (const Task* t : tasks_) {
    if (t->outcome == TaskOutcome::kFailed) {
      tally.failures += (tally.failed++ ? "; " : "") + t->error;
    } else if (sink_->Done(*t)) {
      ++tally.done;
      tally.rows += t->rows;
      tally.bytes += t->bytes;
    }
  }
  return tally;
}

Status LoadSession::Report(std::chrono::steady_clock::time_point start) const {
  const LoadTally tally = Tally();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // With --progress=json the summary is the "done" event, the last line on stderr.
  progress_->Finish({{"summary", sink_->summary_verb()},
                     {"tables", tally.done},
                     {"rows", tally.rows},
                     {"bytes", tally.bytes},
                     {"seconds", seconds},
                     {"skipped_parts", resume_.skipped},
                     {"failed", tally.failed}});
  if (!o_.quiet && !progress_->json()) {
    std::fprintf(stderr, "%s: %s %zu table%s, %llu rows, %s in %.2f s (%.0f rows/s)\n", kTool,
                 sink_->summary_verb(), tally.done, tally.done == 1 ? "" : "s",
                 static_cast<unsigned long long>(tally.rows),
                 HumanBytes(double(tally.bytes)).c_str(), seconds,
                 seconds > 0 ? double(tally.rows) / seconds : 0.0);
    if (resume_.skipped)
      std::fprintf(stderr, "%s: skipped %llu table part%s committed by an earlier run\n", kTool,
                   static_cast<unsigned long long>(resume_.skipped),
                   resume_.skipped == 1 ? "" : "s");
  }
  if (!tally.failed) return Status::Ok();
  const std::string counts = std::to_string(tally.failed) + " of " + std::to_string(tasks_.size());
  if (!o_.on_error_continue)  // only a dry run gets here: it checks every table
    return Status::Server(counts + " tables cannot be loaded: " + tally.failures);
  return Status::Partial(counts + " tables failed: " + tally.failures);
}

// ---- the stream's events ----

Status LoadSession::OnEvent(const Event& ev) {
  switch (ev.type) {
    case EventType::kStreamBegin: return OnStreamBegin(ev);
    case EventType::kSql: return OnSql(ev);
    case EventType::kTableBegin: return OnTableBegin(ev);
    case EventType::kRows: return OnRows(ev);
    case EventType::kTableEnd: return OnTableEnd(ev);
    case EventType::kDataFrame:
    case EventType::kStreamEnd:
    case EventType::kEnd: return Status::Ok();
  }
  return Status::Ok();
}

Status LoadSession::OnStreamBegin(const Event& ev) {
  open_.clear();
  // A later stream may bring more rows of a table already committed: no index before them.
  if (++streams_begun_ > 1 && early_post_data_) early_post_data_->StopQueuing();
  if (resume_.journal) {
    resume_.key = o_.resume_key.empty() ? DefaultResumeKey(*ev.stream) : o_.resume_key;
    std::string stale;
    RETURN_IF_ERROR(resume_.journal->Load(resume_.key, *ev.stream, &stale));
    if (!stale.empty()) Warn(stale);
  }
  if (auto tables = ev.stream->extra.find("tables"); tables != ev.stream->extra.end())
    announced_ = *tables;
  // The producer's estimate of the rows' bytes; concatenated streams add up. Only a number
  // for the progress line, so a wrong or hostile one can only mislead the percentage.
  if (auto it = ev.stream->extra.find("expected_bytes");
      it != ev.stream->extra.end() && it->is_number_unsigned()) {
    expected_bytes_ += it->get<uint64_t>();
    progress_->SetExpectedBytes(expected_bytes_);
  }
  prepared_ = false;
  return Status::Ok();
}

Status LoadSession::OnSql(const Event& ev) {
  if (o_.dry_run) return Status::Ok();
  Status st = ApplySql(ev.sql);
  if (st.kind() == ErrorKind::kCorrupt) return st;
  if (!st.ok()) Stop(std::move(st));
  return Status::Ok();
}

Status LoadSession::OnTableBegin(const Event& ev) {
  const TableInfo& info = ev.table->info;
  if (!o_.dry_run) BeforeFirstTableOfStream();
  if (stopped_) return Status::Ok();
  progress_->SetPhase("data");
  schema_.table_seen = true;
  stream_tables_.emplace(info.schema, info.name);
  if (!filter_.empty() && !filter_.Matches(info.schema, info.name)) return Status::Ok();
  ++tables_selected_;
  // --section without data, or a table -L leaves out: read and verified only.
  if (!o_.LoadsRowsOf(info.schema, info.name)) return Status::Ok();
  bool keep_rows = false;
  if (Journal* journal = resume_.journal.get()) {
    auto done = journal->PartDone(resume_.key, info.schema, info.name, info.part, info.parts);
    if (!done.ok()) {
      Stop(done.take_status().WithTable(info.QualifiedName()));
      return Status::Ok();
    }
    if (done.value()) {  // its frames are still read, and verified, but not loaded
      resume_.skipped += 1;
      return Status::Ok();
    }
    keep_rows = journal->AnyPartDone(resume_.key, info.schema, info.name);
  }
  return AddTask(ev, keep_rows);
}

Status LoadSession::OnRows(const Event& ev) {
  auto it = open_.find(ev.table_id);
  if (it == open_.end()) return Status::Ok();
  // A failure is the run's fatal one, which the sink reports.
  if (!sink_->Rows(it->second, ev.rows.rows(), ev.rows.row_count()).ok()) Stop(Status::Ok());
  return Status::Ok();
}

Status LoadSession::OnTableEnd(const Event& ev) {
  auto it = open_.find(ev.table_id);
  if (it == open_.end()) return Status::Ok();
  Task* task = it->second;
  open_.erase(it);
  if (!sink_->End(task, ev.trailer).ok()) Stop(Status::Ok());
  return Status::Ok();
}

// ---- tables ----

void LoadSession::BeforeFirstTableOfStream() {
  if (o_.RunsSection(format::section::kPreData) && !schema_.table_seen && !schema_.pre_data &&
      !schema_.warned_no_schema) {
    Warn("--schema: the stream has no pre-data section; loading rows into existing tables");
    schema_.warned_no_schema = true;
  }
  if (prepared_) return;
  prepared_ = true;
  Status st = PrepareForTables();
  if (!st.ok()) Stop(std::move(st));
}

Status LoadSession::AddTask(const Event& ev, bool keep_rows) {
  const TableInfo& info = ev.table->info;
  auto task = std::make_unique<Task>();
  task->schema = info.schema;
  task->name = info.name;
  task->keep_rows = keep_rows;
  if (resume_.journal) task->resume_key = resume_.key;
  task->source = info.QualifiedName();
  task->encoding = ev.stream->encoding;
  task->copy_format = ev.stream->copy_format;
  task->part = info.part;
  task->parts = info.parts;
  // In a single transaction the job creates missing tables itself, inside it.
  bool execute_create = !o_.dry_run && !o_.single_transaction;
  auto plan = resolver_->Resolve(info, task->copy_format, execute_create);
  if (!plan.ok()) {
    Status st = plan.take_status().WithTable(task->source);
    task->error = st.ToString();
    task->outcome = TaskOutcome::kFailed;
    sink_->Unannounce(resolver_->TargetName(info.schema, info.name));
    const bool go_on = sink_->ContinuesAfterFailedTable();
    if (go_on)
      std::fprintf(stderr, "%s: warning: %s\n", kTool, EscapeForMessage(task->error).c_str());
    sink_->AddFailed(std::move(task));
    if (st.kind() == ErrorKind::kCorrupt) return st;
    if (!go_on) Stop(std::move(st));
    return Status::Ok();
  }
  task->plan = plan.value();
  // Made by this run's pre-data (so empty, and nobody else's yet), in one part, in the
  // first stream (a later one may bring more rows for it), and not picked by -L (which may
  // load rows into a table pre-data did not make). Only where the source estimated enough
  // rows to repay the two statements and the new file a TRUNCATE costs: 20,000 tiny tables
  // would pay them 20,000 times for nothing.
  task->fresh = schema_.pre_data_applied && streams_begun_ <= 1 && info.parts <= 1 && !keep_rows &&
                !o_.use_list && !o_.truncate && !task->plan->partitioned &&
                info.estimated_rows >= kFreezeMinRows;
  if (!o_.disable_triggers && load_order_.read())
    task->references = load_order_.References(task->plan->qualified);
  open_[ev.table_id] = sink_->Add(std::move(task));
  return Status::Ok();
}

// A stream's first table: the tables its header announces (those the selection keeps, less
// the parts an earlier run committed) are what is still to come, so a table waits for the
// tables it references even when they come later in the stream; and --truncate empties the
// ones foreign keys link in one statement, before any of them loads.
Status LoadSession::PrepareForTables() {
  Json announced = std::move(announced_);
  announced_ = Json();
  if (!load_order_.read() && (!o_.disable_triggers || o_.truncate))
    RETURN_IF_ERROR(load_order_.Read(control_.get(), resolver_->profile().mpp()));
  if (!announced.is_array()) return Status::Ok();
  std::map<std::string, int> parts_to_come;
  std::set<std::string> targets, keep_rows;
  std::set<std::pair<std::string, std::string>> announced_names;
  std::vector<std::pair<std::string, std::string>> to_load;
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
    if (!filter_.empty() && !filter_.Matches(s, n)) continue;
    if (!o_.LoadsRowsOf(s, n)) continue;
    to_load.emplace_back(s, n);
    std::string target = resolver_->TargetName(s, n);
    int remaining = count;
    if (Journal* journal = resume_.journal.get()) {
      for (int p = 0; p < count; ++p) {
        ASSIGN_OR_RETURN(bool done, journal->PartDone(resume_.key, s, n, p, count));
        if (done) --remaining;
      }
      if (remaining < count) keep_rows.insert(target);
    }
    parts_to_come[target] += remaining;
    targets.insert(target);
  }
  // The targets' catalog rows in one query, not two per table as each arrives.
  resolver_->Prefetch(to_load);
  std::vector<std::string> cyclic;
  std::vector<std::pair<std::string, int>> ordered;
  for (const std::string& t : load_order_.ReferencedFirst(targets, &cyclic))
    ordered.emplace_back(t, parts_to_come[t]);
  sink_->Announce(ordered);
  // Checked here, before any row, when the header says what the stream holds.
  if (o_.strict_names)
    RETURN_IF_ERROR(CheckStrictNames(filter_, announced_names, "nothing was loaded"));
  if (!o_.disable_triggers && !cyclic.empty())
    Warn("foreign keys form a cycle through " + cyclic.front() +
         ": no order of loading satisfies it, and a table of it may fail its checks "
         "(--disable-triggers, as a superuser, loads them)");
  if (o_.truncate) return TruncateTogether(targets, keep_rows);
  return Status::Ok();
}

Status LoadSession::TruncateTogether(const std::set<std::string>& targets,
                                     const std::set<std::string>& keep_rows) {
  std::set<std::string> emptied;
  for (const std::string& t : targets)
    if (!keep_rows.count(t)) emptied.insert(t);
  std::vector<std::string> outside;
  std::set<std::string> group =
      load_order_.TruncateList(load_order_.Linked(emptied), emptied, &outside);
  if (!outside.empty() && !o_.cascade) {
    std::string list;
    for (const std::string& x : outside) list += (list.empty() ? "" : ", ") + x;
    return Status::Usage(
               "--truncate cannot empty tables that tables outside this load "
               "reference: " +
               list + "; nothing was loaded")
        .WithHint(
            "--cascade empties those tables too (TRUNCATE ... CASCADE); or load "
            "them as well, or load without --truncate");
  }
  if (!group.empty()) sink_->SetTruncateGroup(group);
  return Status::Ok();
}

// ---- schema sections ----

// One SQL frame. Nothing in it runs unless the user asked for its kind of section.
Status LoadSession::ApplySql(const SqlSection& sql) {
  if (sql.section == format::section::kGlobals) {
    if (!o_.globals) return Status::Ok();
    if (schema_.globals_seen) return Status::Ok();  // concatenated streams: the first wins
    schema_.globals_seen = true;
    return ApplyGlobals(o_.conn, sql.sql, o_.quiet);
  }
  if (sql.section == format::section::kSequences) {
    // Data, not SQL: applied after the rows with or without --schema (schema_apply.h).
    if (!o_.no_sequences && o_.RunsSection(format::section::kData))
      schema_.sequences.push_back(sql);
    return Status::Ok();
  }
  if (!o_.RunsSection(sql.section)) return Status::Ok();
  if (sql.section == format::section::kPreData) return ApplyPreData(sql);
  if (sql.section == format::section::kPostData) return CollectPostData(sql);
  return Status::Ok();  // a section this version does not know: never run
}

Status LoadSession::ApplyPreData(const SqlSection& sql) {
  if (schema_.pre_data && schema_.pre_data->complete()) return Status::Ok();  // a later stream's
  if (schema_.table_seen) {
    if (!schema_.warned_no_schema) Warn("pre-data arrived after table rows; not applied");
    schema_.warned_no_schema = true;
    return Status::Ok();
  }
  progress_->SetPhase("schema");
  if (!IsArchiveSection(sql))
    return Status::Corrupt("the pre-data section is not a pg_dump archive");
  if (!schema_.pre_data)
    schema_.pre_data = std::make_unique<ArchiveAssembler>(format::section::kPreData);
  bool complete = false;
  RETURN_IF_ERROR(schema_.pre_data->Add(sql, &complete));
  if (!complete) return Status::Ok();
  Journal* journal = resume_.journal.get();
  if (journal && journal->SectionDone(resume_.key, format::section::kPreData)) {
    Warn("pre-data was applied by an earlier run (journal); not applied again");
    return Status::Ok();
  }
  RETURN_IF_ERROR(
      RestoreArchive(control_.get(), o_, schema_.pre_data->path(), format::section::kPreData, 1));
  schema_.pre_data_applied = true;
  if (journal) RETURN_IF_ERROR(journal->MarkSection(resume_.key, format::section::kPreData));
  return Status::Ok();
}

// Post-data waits for every table to commit (ApplyPostData); until then it is assembled.
Status LoadSession::CollectPostData(const SqlSection& sql) {
  if (schema_.post_data && schema_.post_data->complete()) return Status::Ok();
  if (!IsArchiveSection(sql))
    return Status::Corrupt("the post-data section is not a pg_dump archive");
  if (!schema_.post_data)
    schema_.post_data = std::make_unique<ArchiveAssembler>(format::section::kPostData);
  schema_.post_data_key = resume_.key;
  bool complete = false;
  RETURN_IF_ERROR(schema_.post_data->Add(sql, &complete));
  if (complete) RETURN_IF_ERROR(StartEarlyPostData());
  return Status::Ok();
}

Status LoadSession::StartEarlyPostData() {
  if (!early_post_data_) return Status::Ok();
  Journal* journal = resume_.journal.get();
  const std::string& key = schema_.post_data_key;
  // An earlier run that got as far as post-data: the final run re-applies what is missing.
  if (journal && (journal->SectionDone(key, format::section::kPostData) ||
                  journal->SectionDone(key, "post-data started")))
    return Status::Ok();
  ASSIGN_OR_RETURN(PgRestore restore, PgRestoreFor(control_.get(), o_));
  // A resumed run then re-applies post-data object by object, keeping what exists.
  if (journal) RETURN_IF_ERROR(journal->MarkSection(key, "post-data started"));
  early_post_data_->Start(o_, std::move(restore), schema_.post_data->path(), announced_, o_.jobs);
  early_started_ = true;
  return Status::Ok();
}

}  // namespace segstream::load
