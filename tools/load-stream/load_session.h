// One run of load-stream on the reader thread: it owns the input and its StreamReader, the
// control connection, the target resolver, the resume journal, progress and the TaskSink
// (the dispatcher and its jobs, or a dry run), and turns each event of the stream into what
// it means for the target. RunLoad calls its steps in order (load.cc).
// Thread safety: the reader thread only; the jobs live behind the TaskSink.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/common/io/byte_io.h"
#include "lib/common/io/progress.h"
#include "lib/common/io/termination.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/table_filter.h"
#include "lib/common/stream/schema_archive.h"
#include "lib/common/stream/stream_reader.h"
#include "tools/load-stream/early_post_data.h"
#include "tools/load-stream/journal.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/load_order.h"
#include "tools/load-stream/target_tables.h"
#include "tools/load-stream/task_sink.h"

namespace segstream::load {

// The stream's SQL sections, applied only with --schema / --globals (a dry run applies
// none, so it collects none).
struct SchemaSections {
  bool globals_seen = false;
  bool table_seen = false;  // a table began: pre-data can no longer come first
  bool warned_no_schema = false;
  std::unique_ptr<ArchiveAssembler> pre_data;
  bool pre_data_applied = false;  // by this run (not skipped as journaled)
  std::unique_ptr<ArchiveAssembler> post_data;
  std::string post_data_key;  // resume key of the stream that carried post-data
  std::vector<SqlSection> sequences;
};

// --resume: the journal, and where the current stream stands in it.
struct ResumeState {
  std::unique_ptr<Journal> journal;  // only with --resume (and not for a dry run)
  std::string key;                   // of the current stream
  uint64_t skipped = 0;              // table parts already committed by an earlier run
};

// What the finished tasks came to, for the summary.
struct LoadTally {
  size_t failed = 0;
  size_t done = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string failures;
};

class LoadSession {
 public:
  // `options` and `filter` are borrowed and must outlive the session.
  LoadSession(const LoadOptions& options, const TableFilter& filter);
  ~LoadSession();
  LoadSession(const LoadSession&) = delete;
  LoadSession& operator=(const LoadSession&) = delete;

  // The steps of a run, in this order; each failure ends the run with its Status.
  // The input; with --create-db also the target database, which needs the stream's encoding.
  Status OpenInput();
  // The control connection and the checks done before anything is written, the resolver,
  // the journal, and the sink (the jobs connect and start).
  Status Connect();
  // The reader loop. Returns the input's own failure (corrupt, truncated, I/O); another
  // reason to stop reading is handed to the sink as fatal.
  Status ReadInput();
  // Waits until every task is done; the input's failure or the run's fatal one, after the
  // committed / not committed lines.
  Status WaitForJobs(Status input_status);
  // A selection that selected nothing, or --strict-names patterns that matched nothing.
  Status CheckSelection() const;
  Status ApplyPostData();
  Status ApplySequences();
  Status Analyze();
  Status RemoveJournal();
  // The summary line; a Status for the tables that failed.
  Status Report(std::chrono::steady_clock::time_point start) const;

 private:
  // One handler per event of the stream.
  Status OnStreamBegin(const Event& ev);
  Status OnSql(const Event& ev);
  Status OnTableBegin(const Event& ev);
  Status OnRows(const Event& ev);
  Status OnTableEnd(const Event& ev);
  Status OnEvent(const Event& ev);

  Status ApplySql(const SqlSection& sql);
  Status ApplyPreData(const SqlSection& sql);
  Status CollectPostData(const SqlSection& sql);
  // With the post-data archive complete: each table's indexes and constraints build as soon
  // as its rows commit (early_post_data.h).
  Status StartEarlyPostData();
  // A stream's first table on a load (not a dry run): warns when --schema has no
  // pre-data, and prepares for the stream's tables once per stream.
  void BeforeFirstTableOfStream();
  Status PrepareForTables();
  Status TruncateTogether(const std::set<std::string>& targets,
                          const std::set<std::string>& keep_rows);
  // The task for a table that is to load, handed to the sink; or its failure.
  Status AddTask(const Event& ev, bool keep_rows);
  // Ends reading; `why` (when not ok) is why, handed to the sink as fatal.
  void Stop(Status why);
  void Warn(const std::string& msg) const;
  LoadTally Tally() const;

  const LoadOptions& o_;
  const TableFilter& filter_;
  ConnOptions conn_options_;
  UniqueFd input_;
  std::unique_ptr<BufferedSource> source_;
  std::unique_ptr<StreamReader> reader_;
  std::optional<Event> first_event_;  // read before connecting, for --create-db
  PgConnPtr control_;
  std::unique_ptr<TargetResolver> resolver_;
  ResumeState resume_;
  // Output, not the session's state: const steps (Warn, Report) write through it too.
  mutable std::optional<Progress> progress_;
  uint64_t expected_bytes_ = 0;  // the headers' expected_bytes so far, for the ETA
  // Before the sink: its jobs call into it until the sink has joined them.
  std::unique_ptr<EarlyPostData> early_post_data_;  // null for a dry run or renamed targets
  std::unique_ptr<TaskSink> sink_;
  bool early_started_ = false;
  int streams_begun_ = 0;

  // The reader's state.
  SchemaSections schema_;
  uint64_t tables_selected_ = 0;  // table parts the selection matched
  // Foreign keys: read at the first table (pre-data has made the tables by then).
  LoadOrder load_order_;
  Json announced_;         // the current stream's header "tables", until its first table
  bool prepared_ = false;  // PrepareForTables ran for the current stream
  std::unordered_map<uint32_t, Task*> open_;  // table id -> task, for the current stream
  std::set<std::pair<std::string, std::string>>
      stream_tables_;  // every table met, for --strict-names
  Status stop_;        // why reading stopped early (not the input's fault)
  bool stopped_ = false;

  std::vector<const Task*> tasks_;  // every task, once the jobs are done
  // A signal ends the run with the summary a failure prints (termination.h). Declared
  // last: gone before what it reads.
  std::optional<TerminationReport> termination_report_;
};

}  // namespace segstream::load
