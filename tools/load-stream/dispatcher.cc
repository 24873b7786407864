#include "tools/load-stream/dispatcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "lib/common/format/format.h"

namespace segstream::load {

namespace {

// An anonymous file in $TMPDIR (else /tmp): unlinked from the start, so nothing is left
// behind after a crash, and close-on-exec, so pg_restore and other children never inherit
// it (2,000 inherited spill files once pushed a child's descriptors past FD_SETSIZE).
std::FILE* OpenAnonymousFile() {
  const char* env = std::getenv("TMPDIR");
  std::string dir = env && *env ? env : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string templ = dir + "/segstream-spill.XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(buf.data());
  }
  if (fd < 0) return nullptr;
  std::FILE* f = ::fdopen(fd, "w+");
  if (!f) ::close(fd);
  return f;
}

}  // namespace

SpillFile::~SpillFile() { Close(); }

void SpillFile::Close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

Status SpillFile::Append(std::span<const uint8_t> rows, uint32_t row_count) {
  if (!file_) {
    file_ = OpenAnonymousFile();
    if (!file_) return Status::FromErrno(errno, "cannot create a spill file in the temp directory");
  }
  uint64_t header[2] = {row_count, rows.size()};
  if (std::fwrite(header, sizeof header, 1, file_) != 1 ||
      (!rows.empty() && std::fwrite(rows.data(), rows.size(), 1, file_) != 1))
    return Status::FromErrno(errno, "cannot write the spill file");
  return Status::Ok();
}

Status SpillFile::Rewind() {
  if (!file_) return Status::Ok();
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
    return Status::FromErrno(errno, "cannot rewind the spill file");
  return Status::Ok();
}

Result<bool> SpillFile::Next(std::vector<uint8_t>* bytes, uint32_t* row_count) {
  if (!file_) return false;
  uint64_t header[2];
  size_t got = std::fread(header, sizeof header, 1, file_);
  if (got != 1) {
    if (std::feof(file_)) return false;
    return Status::FromErrno(errno, "cannot read the spill file");
  }
  *row_count = static_cast<uint32_t>(header[0]);
  bytes->resize(header[1]);
  if (header[1] && std::fread(bytes->data(), header[1], 1, file_) != 1)
    return Status::Io("spill file ended early");
  return true;
}

Dispatcher::Dispatcher(const LoadOptions& options, int jobs) : options_(options), jobs_(jobs) {}

Task* Dispatcher::AddTask(std::unique_ptr<Task> task) {
  MutexLock lock(mu_);
  task->index = tasks_.size();
  const std::string& target = task->plan->qualified;
  if (auto it = announced_.find(target); it != announced_.end() && --it->second <= 0)
    announced_.erase(it);
  by_target_[target].push_back(task.get());
  tasks_.push_back(std::move(task));
  ScheduleLocked();
  return tasks_.back().get();
}

void Dispatcher::Announce(const std::vector<std::pair<std::string, int>>& ordered_parts) {
  MutexLock lock(mu_);
  rank_.clear();  // a new stream: its own order
  for (const auto& [target, parts] : ordered_parts) {
    rank_.try_emplace(target, rank_.size());
    if (parts > 0) announced_[target] += parts;
  }
}

void Dispatcher::Unannounce(const std::string& target) {
  MutexLock lock(mu_);
  if (auto it = announced_.find(target); it != announced_.end() && --it->second <= 0)
    announced_.erase(it);
  ScheduleLocked();
}

void Dispatcher::SetTruncateGroup(const std::set<std::string>& targets) {
  MutexLock lock(mu_);
  for (const std::string& t : targets) {
    // A table this run already emptied (an earlier stream of the input) is not emptied
    // again, and a group already emptied takes no new members: they go one by one.
    if (truncate_.count(t)) continue;
    if (group_truncate_ != Truncate::kNeeded && !truncate_group_.count(t)) continue;
    truncate_group_.insert(t);
  }
}

// A task waits for the referenced targets ranked before its own in the announced order, or,
// without one, for the referenced tasks that arrived before it: either way the waits point
// one way, so a cycle of foreign keys cannot stall the load.
bool Dispatcher::ReferencesDoneLocked(const Task& task) const {
  auto own_rank = rank_.find(task.plan->qualified);
  for (const std::string& ref : task.references) {
    auto ref_rank = rank_.find(ref);
    const bool ranked = own_rank != rank_.end() && ref_rank != rank_.end();
    if (ranked && ref_rank->second > own_rank->second) continue;
    if (ranked && announced_.count(ref)) return false;
    auto it = by_target_.find(ref);
    if (it == by_target_.end()) continue;
    for (const Task* t : it->second)
      if ((ranked || t->index < task.index) && t->state != Task::State::kDone) return false;
  }
  return true;
}

bool Dispatcher::StartableLocked(const Task& task) const {
  if (!ReferencesDoneLocked(task)) return false;
  if (truncate_group_.count(task.plan->qualified)) return group_truncate_ != Truncate::kInFlight;
  auto it = truncate_.find(task.plan->qualified);
  return it == truncate_.end() || it->second != Truncate::kInFlight;
}

std::string Dispatcher::TruncateSqlLocked(const Task& task) const {
  std::string sql = "TRUNCATE ";
  if (truncate_group_.count(task.plan->qualified)) {
    bool first = true;
    for (const std::string& t : truncate_group_) {
      sql += (first ? "" : ", ") + t;
      first = false;
    }
  } else {
    sql += task.plan->qualified;
  }
  if (options_.cascade) sql += " CASCADE";
  return sql;
}

void Dispatcher::ScheduleLocked() {
  if (!fatal_.ok()) return;
  // A task never becomes pending again, so the tasks before first_pending_ need no look:
  // with 20,000 tables a scan from the start on every call cost seconds of the mutex.
  while (first_pending_ < tasks_.size() && tasks_[first_pending_]->state != Task::State::kPending)
    ++first_pending_;
  for (size_t j = 0; j < jobs_.size(); ++j) {
    if (jobs_[j].task) continue;
    for (size_t i = first_pending_; i < tasks_.size(); ++i) {
      Task* t = tasks_[i].get();
      if (t->state != Task::State::kPending || !StartableLocked(*t)) continue;
      if (options_.truncate && truncate_group_.count(t->plan->qualified)) {
        if (group_truncate_ == Truncate::kNeeded) {
          t->truncate = true;
          t->truncate_sql = TruncateSqlLocked(*t);
          group_truncate_ = Truncate::kInFlight;
        }
      } else if (options_.truncate) {
        // A table with parts committed by an earlier run (--resume) keeps them.
        auto [it, inserted] = truncate_.try_emplace(
            t->plan->qualified, t->keep_rows ? Truncate::kDone : Truncate::kNeeded);
        if (it->second == Truncate::kNeeded) {
          t->truncate = true;
          t->truncate_sql = TruncateSqlLocked(*t);
          it->second = Truncate::kInFlight;
        }
      } else if (t->fresh) {
        // Only the target's first task: whatever else comes for it waits, then appends.
        auto [it, inserted] = truncate_.try_emplace(t->plan->qualified, Truncate::kInFlight);
        if (inserted) {
          t->truncate = true;
          t->truncate_sql = "TRUNCATE ONLY " + t->plan->qualified;
        }
      }
      t->state = Task::State::kLive;
      t->job = static_cast<int>(j);
      t->ended_before_start = t->ended;
      jobs_[j].task = t;
      jobs_[j].cv.notify_all();
      break;
    }
  }
}

bool Dispatcher::AllLiveEndedLocked() const {
  bool any = false;
  for (const auto& j : jobs_) {
    if (!j.task) continue;
    any = true;
    if (!j.task->ended) return false;
  }
  return any;
}

bool Dispatcher::AllDoneLocked() const {
  for (const auto& j : jobs_)
    if (j.task) return false;
  if (!fatal_.ok()) return true;
  // Before first_pending_ every task is done or a job's (and no job has one).
  for (size_t i = first_pending_; i < tasks_.size(); ++i)
    if (tasks_[i]->state != Task::State::kDone) return false;
  return true;
}

Status Dispatcher::PushLocked(MutexLock& lock, Task* task, Chunk::Kind kind,
                              std::span<const uint8_t> rows, uint32_t row_count) {
  Job& job = jobs_[task->job];
  size_t size = rows.size();
  // One frame larger than the bound still goes through, alone. The rows are copied only
  // once there is room: a copy made before waiting would be one more frame in memory.
  while (fatal_.ok() && task->state == Task::State::kLive && job.queued_bytes != 0 &&
         job.queued_bytes + size > options_.queue_bytes_per_job)
    lock.Wait(reader_cv_);
  if (!fatal_.ok()) return fatal_;
  if (task->state != Task::State::kLive) return Status::Ok();  // it failed: drop its rows
  job.queued_bytes += size;
  Chunk chunk;
  chunk.kind = kind;
  if (!rows.empty() && !spare_buffers_.empty()) {
    chunk.bytes = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
  }
  chunk.bytes.assign(rows.begin(), rows.end());
  chunk.rows = row_count;
  job.queue.push_back(std::move(chunk));
  job.cv.notify_all();
  return Status::Ok();
}

Status Dispatcher::Rows(Task* task, std::span<const uint8_t> rows, uint32_t row_count) {
  MutexLock lock(mu_);
  for (;;) {
    if (!fatal_.ok()) return fatal_;
    switch (task->state) {
      case Task::State::kDone: return Status::Ok();
      case Task::State::kLive: return PushLocked(lock, task, Chunk::Kind::kRows, rows, row_count);
      case Task::State::kPending:
        ScheduleLocked();
        if (task->state != Task::State::kPending) continue;
        if (AllLiveEndedLocked()) {
          // Every busy job has all of its data: one of them will be free soon.
          lock.Wait(reader_cv_);
          continue;
        }
        return task->spill.Append(rows, row_count);
    }
  }
}

Status Dispatcher::End(Task* task, const TableTrailer& trailer) {
  MutexLock lock(mu_);
  if (!fatal_.ok()) return fatal_;
  task->ended = true;
  task->trailer = trailer;
  if (task->state == Task::State::kLive) return PushLocked(lock, task, Chunk::Kind::kEnd, {}, 0);
  ScheduleLocked();
  return Status::Ok();
}

void Dispatcher::InputFailed() {
  MutexLock lock(mu_);
  input_done_ = true;
  input_failed_ = true;
  announced_.clear();  // nothing more will come
  for (auto& t : tasks_) {
    if (t->ended) continue;
    if (t->state == Task::State::kLive) {
      Chunk chunk;
      chunk.kind = Chunk::Kind::kAbort;
      jobs_[t->job].queue.push_back(std::move(chunk));
      jobs_[t->job].cv.notify_all();
    } else if (t->state == Task::State::kPending) {
      t->state = Task::State::kDone;
      t->error = "the input ended before this table did";
    }
  }
  reader_cv_.notify_all();
}

void Dispatcher::SetFatal(Status status) {
  MutexLock lock(mu_);
  if (!fatal_.ok()) return;
  fatal_ = std::move(status);
  for (auto& j : jobs_) {
    if (j.task) {
      Chunk chunk;
      chunk.kind = Chunk::Kind::kAbort;
      j.queue.push_back(std::move(chunk));
    }
    j.cv.notify_all();
  }
  reader_cv_.notify_all();
}

Status Dispatcher::fatal() {
  MutexLock lock(mu_);
  return fatal_;
}

bool Dispatcher::CommitAllowed() {
  MutexLock lock(mu_);
  if (!fatal_.ok() || input_failed_) return false;
  for (const auto& t : tasks_)
    if (t->outcome == TaskOutcome::kFailed) return false;
  return true;
}

void Dispatcher::WaitAllDone() {
  MutexLock lock(mu_);
  input_done_ = true;
  announced_.clear();  // what was announced and never came will not come now
  ScheduleLocked();
  while (!AllDoneLocked()) lock.Wait(reader_cv_);
  shutdown_ = true;
  for (auto& j : jobs_) j.cv.notify_all();
}

Task* Dispatcher::NextTask(int job) {
  MutexLock lock(mu_);
  Job& j = jobs_[job];
  for (;;) {
    if (!fatal_.ok()) {
      if (j.task) {  // assigned but never started: it stays unloaded
        j.task->state = Task::State::kDone;
        j.task = nullptr;
        reader_cv_.notify_all();
      }
      return nullptr;
    }
    if (j.task) return j.task;
    if (shutdown_) return nullptr;
    lock.Wait(j.cv);
  }
}

void Dispatcher::Recycle(std::vector<uint8_t> bytes) {
  // As many as can be queued at once, each at most a few ordinary frames: a buffer that
  // held one huge row is let go.
  if (bytes.capacity() > 4 * format::kDefaultFrameSize) return;
  MutexLock lock(mu_);
  if (spare_buffers_.size() < 2 * jobs_.size() + 2) spare_buffers_.push_back(std::move(bytes));
}

Chunk Dispatcher::Pop(int job) {
  MutexLock lock(mu_);
  Job& j = jobs_[job];
  while (j.queue.empty()) lock.Wait(j.cv);
  Chunk chunk = std::move(j.queue.front());
  j.queue.pop_front();
  j.queued_bytes -= chunk.bytes.size();
  reader_cv_.notify_all();
  return chunk;
}

std::optional<uint64_t> Dispatcher::EveryPartCommittedLocked(const Task& task) const {
  if (task.outcome != TaskOutcome::kCommitted || announced_.count(task.plan->qualified))
    return std::nullopt;
  auto it = by_target_.find(task.plan->qualified);
  if (it == by_target_.end()) return std::nullopt;
  int committed = 0;
  uint64_t bytes = 0;
  for (const Task* t : it->second) {
    if (t->state != Task::State::kDone || t->outcome != TaskOutcome::kCommitted)
      return std::nullopt;
    ++committed;
    bytes += t->bytes;
  }
  if (committed < task.parts) return std::nullopt;
  return bytes;
}

void Dispatcher::Finished(int job, Task* task) {
  std::optional<uint64_t> table_bytes;
  {
    MutexLock lock(mu_);
    FinishedLocked(job, task);
    if (on_table_committed_) table_bytes = EveryPartCommittedLocked(*task);
  }
  if (table_bytes) on_table_committed_(*task, *table_bytes);
}

void Dispatcher::FinishedLocked(int job, Task* task) {
  task->state = Task::State::kDone;
  if (task->truncate) {
    bool done = task->outcome == TaskOutcome::kCommitted || task->outcome == TaskOutcome::kLoaded;
    if (truncate_group_.count(task->plan->qualified))
      group_truncate_ = done ? Truncate::kDone : Truncate::kNeeded;
    else
      truncate_[task->plan->qualified] = done ? Truncate::kDone : Truncate::kNeeded;
  }
  Job& j = jobs_[job];
  j.task = nullptr;
  j.queue.clear();
  j.queued_bytes = 0;
  ScheduleLocked();
  reader_cv_.notify_all();
}

std::vector<Task*> Dispatcher::tasks() {
  MutexLock lock(mu_);
  std::vector<Task*> out;
  for (auto& t : tasks_) out.push_back(t.get());
  return out;
}

}  // namespace segstream::load
