// The hand-off between the one reader thread (which runs StreamReader over the input) and
// the load jobs (one connection each). Every table id of the stream becomes a Task; a task
// is "live" once a job owns it, and its frames then go through that job's bounded queue.
// A task that no job can take yet (all jobs busy, or its --truncate is held by another part
// still in flight) is "pending": the reader waits for a job when every busy job already has
// all of its data (nothing to deadlock on), and otherwise spills the pending task's frames
// to an unlinked temporary file, so memory stays bounded however the input interleaves.
// A job hears of a table's end only after StreamReader verified that table's trailer.
// Thread safety: every member function is safe to call from any thread; one mutex guards
// the state (it is taken once per frame, not per row).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "lib/common/base/mutex.h"
#include "lib/common/format/copy_format.h"
#include "lib/common/format/stream_meta.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/target_tables.h"

namespace segstream::load {

// A spill file: frames of a pending task, [u64 rows][u64 len][bytes] each, unlinked at once.
class SpillFile {
 public:
  SpillFile() = default;
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile();
  Status Append(std::span<const uint8_t> rows, uint32_t row_count);
  // Rewinds for reading; then Next() until it returns false.
  Status Rewind();
  Result<bool> Next(std::vector<uint8_t>* bytes, uint32_t* row_count);
  // Frees the file once its rows are replayed: a load of many tables must not hold one
  // descriptor per table.
  void Close();
  bool empty() const { return file_ == nullptr; }

 private:
  std::FILE* file_ = nullptr;
};

enum class TaskOutcome {
  kNotLoaded,  // never started, or the input failed before its end
  kCommitted,
  kLoaded,  // loaded inside --single-transaction, waiting for the final COMMIT
  kFailed,
};

struct Task {
  size_t index = 0;
  std::string source;  // the table as the stream names it
  std::shared_ptr<const TargetPlan> plan;
  std::string encoding;
  CopyFormat copy_format = CopyFormat::kText;
  int part = 0;
  int parts = 1;
  std::string schema;  // the stream's names, as the resume journal keys them
  std::string name;
  std::string resume_key;  // set with --resume: journal the commit under this key
  bool keep_rows = false;  // an earlier run committed parts of this table: never truncate
  // Created empty by this run's pre-data and loaded in one part: TRUNCATE ONLY in its own
  // transaction (cheap on an empty table) lets COPY FREEZE write the rows frozen and
  // all-visible, so the index builds, ANALYZE and the first VACUUM after it do not rewrite
  // every page to set hint bits. Other tasks of the target wait until it has committed.
  bool fresh = false;
  // Targets whose rows this table's foreign keys check: it starts only once every part of
  // them that came earlier in the stream, or is announced and still to come, is done.
  std::vector<std::string> references;
  // Owned by the dispatcher's mutex:
  enum class State { kPending, kLive, kDone } state = State::kPending;
  bool ended = false;  // the reader verified its trailer
  TableTrailer trailer;
  SpillFile spill;
  int job = -1;
  bool truncate = false;  // this task empties the target first, with truncate_sql
  std::string truncate_sql;
  bool ended_before_start = false;  // all of its rows are in the spill file
  // Set by the job when the task is done:
  TaskOutcome outcome = TaskOutcome::kNotLoaded;
  std::string error;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

// One item of a job's queue.
struct Chunk {
  enum class Kind { kRows, kEnd, kAbort } kind = Kind::kRows;
  std::vector<uint8_t> bytes;  // a DATA frame's rows region: COPY bytes back to back
  uint32_t rows = 0;
};

class Dispatcher {
 public:
  Dispatcher(const LoadOptions& options, int jobs);

  // --- reader side ---
  Task* AddTask(std::unique_ptr<Task> task);
  // A stream's header announced these targets (parts still to load each), referenced ones
  // before the tables referencing them: a table waits for the announced targets before it
  // in this order that it references, even before they arrive. (The order breaks cycles, so
  // the waits cannot.)
  void Announce(const std::vector<std::pair<std::string, int>>& ordered_parts);
  // One announced part will not come as a task after all (it failed to resolve).
  void Unannounce(const std::string& target);
  // --truncate: these targets, linked by foreign keys, are emptied by one TRUNCATE, in the
  // transaction of the first of them to load; the others start after it committed.
  void SetTruncateGroup(const std::set<std::string>& targets);
  // Hands one frame's rows to the task's job (blocking while its queue is full), or spills
  // them. Returns the fatal status if the load has already failed.
  Status Rows(Task* task, std::span<const uint8_t> rows, uint32_t row_count);
  Status End(Task* task, const TableTrailer& trailer);
  // The input failed: live tasks without a verified end are aborted (rolled back), pending
  // ones are not loaded; tasks whose end was verified still load.
  void InputFailed();
  // No more tasks: waits until every task is done, then lets the jobs finish.
  void WaitAllDone();
  // The first fatal error of any job (Ok while none).
  Status fatal();

  // --- job side ---
  // The next task for job `job`, or nullptr when the run is over.
  Task* NextTask(int job);
  // The next chunk of the job's current task (blocks).
  Chunk Pop(int job);
  // The bytes of a chunk the job has sent, for the reader to copy the next frame into:
  // a fresh megabyte per frame cost more in page faults than the copy itself.
  void Recycle(std::vector<uint8_t> bytes);
  // The job finished its task (task->outcome is set).
  void Finished(int job, Task* task);
  // A failure that ends the whole run (the job stops taking tasks).
  void SetFatal(Status status);
  // True when a --single-transaction job may COMMIT: the input was complete and nothing failed.
  bool CommitAllowed();

  std::vector<Task*> tasks();

  // Called on a job's thread, without the lock, once every part of a table committed (its
  // target has no part announced or pending that is not committed), with the COPY bytes of
  // all its parts. Set before any task.
  using TableCommittedFn = std::function<void(const Task&, uint64_t table_bytes)>;
  void SetOnTableCommitted(TableCommittedFn fn) { on_table_committed_ = std::move(fn); }

 private:
  struct Job {
    Task* task = nullptr;
    std::deque<Chunk> queue;
    size_t queued_bytes = 0;
    std::condition_variable cv;  // the job waits here for a task or a chunk
  };
  enum class Truncate { kNeeded, kInFlight, kDone };

  void ScheduleLocked() REQUIRES(mu_);
  bool StartableLocked(const Task& task) const REQUIRES(mu_);
  bool ReferencesDoneLocked(const Task& task) const REQUIRES(mu_);
  std::string TruncateSqlLocked(const Task& task) const REQUIRES(mu_);
  // Waits for room in the task's job queue, then queues a chunk of `kind` with a copy of `rows`.
  Status PushLocked(MutexLock& lock, Task* task, Chunk::Kind kind, std::span<const uint8_t> rows,
                    uint32_t row_count) REQUIRES(mu_);
  bool AllLiveEndedLocked() const REQUIRES(mu_);
  // The COPY bytes of every part of the task's table once all are committed; else nullopt.
  std::optional<uint64_t> EveryPartCommittedLocked(const Task& task) const REQUIRES(mu_);
  void FinishedLocked(int job, Task* task) REQUIRES(mu_);
  // No job has a task, and every task is done (or the run failed).
  bool AllDoneLocked() const REQUIRES(mu_);

  const LoadOptions& options_;
  Mutex mu_;
  std::condition_variable reader_cv_;  // the reader waits here for queue space or a free job
  // A Task's fields marked as owned by the mutex are guarded by mu_ too; the analysis cannot
  // see through the Task pointers, so that part rests on review.
  std::vector<Job> jobs_ GUARDED_BY(mu_);
  std::vector<std::vector<uint8_t>> spare_buffers_ GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Task>> tasks_ GUARDED_BY(mu_);
  // No task before this index is pending (ScheduleLocked advances it).
  size_t first_pending_ GUARDED_BY(mu_) = 0;
  std::map<std::string, Truncate> truncate_ GUARDED_BY(mu_);  // by target qualified name
  std::set<std::string> truncate_group_ GUARDED_BY(mu_);
  Truncate group_truncate_ GUARDED_BY(mu_) = Truncate::kNeeded;
  std::map<std::string, int> announced_ GUARDED_BY(mu_);  // parts announced and not yet added
  std::map<std::string, size_t> rank_ GUARDED_BY(mu_);    // place in the announced order
  std::map<std::string, std::vector<const Task*>> by_target_ GUARDED_BY(mu_);
  bool input_done_ GUARDED_BY(mu_) = false;
  bool input_failed_ GUARDED_BY(mu_) = false;
  bool shutdown_ GUARDED_BY(mu_) = false;
  Status fatal_ GUARDED_BY(mu_);
  TableCommittedFn on_table_committed_;
};

}  // namespace segstream::load
