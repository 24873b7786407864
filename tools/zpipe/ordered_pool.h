// OrderedPool: N worker threads transform jobs while one writer thread emits them strictly
// in submission order. One producer (the caller's thread) acquires a slot, fills it, and
// submits it; at most `capacity` slots exist, so memory is bounded by capacity times the
// largest job whatever the input size, and the producer blocks when the writer falls behind.
// Slots are reused, so their buffers keep their capacity: no allocation in steady state.
// Jobs also carry a weight (their bytes): once `weight_budget` is in flight the producer
// waits too, so a run of huge jobs (frames of 1 GiB rows) cannot multiply by `capacity`.
//
// Helping: with two workers or more, a thread that would wait works instead: when the
// window is full, Acquire() runs the oldest unclaimed job on the producer, Finish() runs
// the tail, and the writer, while the job it must emit next is still being worked on, runs
// a later one. On a quiet machine this changes little; on a contended one a worker that
// lost its CPU no longer idles the other threads (issue 14: zpipe lost to pigz -p 2 and
// zstd -T2 with the other core busy). So up to workers + 2 jobs run at once. `work` runs
// with indices 0 to workers + 1 (`workers` is the producer, `workers + 1` the writer), and
// callers keep Contexts(workers) per-thread contexts. With one worker nobody helps: reader,
// worker and writer are then a balanced pipeline that helping only stalls (lz4 -T 1 was
// 1.5x lz4(1) without it and 1.07x with it), and -T 1 stays one compressing thread.
//
// Failure: the first error (from work, emit, or Fail()) stops everything; Acquire() then
// returns nullptr and Finish() returns that error. A work error is reported when its job
// reaches the writer, so everything before it is still emitted, in order.
//
// Thread safety: Acquire/Submit/Fail/Finish from the producer thread only; `work` runs on
// the workers, the producer and the writer (with the thread's index, for per-thread codec
// contexts), `emit` on the writer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "lib/common/base/mutex.h"
#include "lib/common/base/status.h"

namespace segstream::zpipe {

template <typename Job>
class OrderedPool {
 public:
  using WorkFn = std::function<Status(Job& job, int worker)>;
  using EmitFn = std::function<Status(Job& job)>;

  OrderedPool(int workers, size_t capacity, WorkFn work, EmitFn emit,
              uint64_t weight_budget = UINT64_MAX)
      : work_(std::move(work)),
        emit_(std::move(emit)),
        producer_index_(workers),
        helping_(workers >= 2),
        slots_(capacity),
        weight_budget_(weight_budget) {
    for (int i = 0; i < workers; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
    writer_ = std::thread([this] { WriterLoop(); });
  }
  ~OrderedPool() {
    Fail(Status::Io("abandoned"));
    Join();
  }
  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // How many per-thread contexts `work` may index: the workers, the producer, the writer.
  static int Contexts(int workers) { return workers + 2; }

  // The next slot, in order, once one is free; nullptr after a failure. While none is,
  // the producer works on the oldest unclaimed job (when helping) rather than sleep.
  Job* Acquire() {
    MutexLock lock(mu_);
    for (;;) {
      if (failed_) return nullptr;
      if (acquired_ - emitted_ < slots_.size() &&
          (acquired_ == emitted_ || weight_in_flight_ < weight_budget_))
        break;
      if (Slot* s = helping_ ? ClaimLocked() : nullptr) {
        lock.Unlock();
        Run(*s, producer_index_);
        lock.Lock();
        MarkReadyLocked(*s);
        continue;
      }
      producer_waiting_ = true;
      lock.Wait(space_cv_);
      producer_waiting_ = false;
    }
    return &slots_[acquired_++ % slots_.size()].job;
  }

  // Hands back the slot Acquire() returned last. Without `needs_work` it goes straight to
  // the writer (still in order). `weight` counts against the budget until it is emitted.
  void Submit(bool needs_work, uint64_t weight = 0) {
    MutexLock lock(mu_);
    Slot& s = slots_[submitted_ % slots_.size()];
    s.needs_work = needs_work;
    s.weight = weight;
    weight_in_flight_ += weight;
    s.ready = !needs_work;
    s.status = Status::Ok();
    ++submitted_;
    if (needs_work)
      work_cv_.notify_one();
    else
      writer_cv_.notify_one();
  }

  void Fail(Status status) {
    MutexLock lock(mu_);
    FailLocked(std::move(status));
  }

  // Waits until every submitted job is emitted (or a failure), then stops the threads.
  Status Finish() {
    {
      MutexLock lock(mu_);
      // The tail: the producer has nothing left to read, so it works rather than wait.
      while (helping_ && !failed_) {
        Slot* s = ClaimLocked();
        if (!s) break;
        lock.Unlock();
        Run(*s, producer_index_);
        lock.Lock();
        MarkReadyLocked(*s);
      }
      done_ = true;
      work_cv_.notify_all();
      writer_cv_.notify_all();
    }
    Join();
    MutexLock lock(mu_);
    return first_error_;
  }

 private:
  struct Slot {
    Job job;
    bool needs_work = false;
    bool ready = false;
    uint64_t weight = 0;
    Status status;
  };

  void FailLocked(Status status) REQUIRES(mu_) {
    if (failed_) return;
    failed_ = true;
    first_error_ = std::move(status);
    space_cv_.notify_all();
    work_cv_.notify_all();
    writer_cv_.notify_all();
  }

  void Join() {
    for (auto& t : workers_)
      if (t.joinable()) t.join();
    if (writer_.joinable()) writer_.join();
  }

  // The oldest submitted job that needs work and that nobody claimed yet, now claimed by
  // the caller; nullptr if there is none.
  Slot* ClaimLocked() REQUIRES(mu_) {
    // Jobs the writer already emitted needed no work; their slots may be reused already.
    if (next_work_ < emitted_) next_work_ = emitted_;
    while (next_work_ < submitted_ && !slots_[next_work_ % slots_.size()].needs_work) ++next_work_;
    if (failed_ || next_work_ == submitted_) return nullptr;
    return &slots_[next_work_++ % slots_.size()];
  }

  // Runs a claimed job; call it without the lock: the slot is the caller's until it is
  // marked ready, so its fields need none. (A helper that took the MutexLock to release it
  // would hide the release from the thread-safety analysis.)
  void Run(Slot& s, int index) { s.status = work_(s.job, index); }

  void MarkReadyLocked(Slot& s) REQUIRES(mu_) {
    s.ready = true;
    if (&s == &slots_[emitted_ % slots_.size()]) writer_cv_.notify_one();
  }

  void WorkerLoop(int index) {
    MutexLock lock(mu_);
    for (;;) {
      if (Slot* s = ClaimLocked()) {
        lock.Unlock();
        Run(*s, index);
        lock.Lock();
        MarkReadyLocked(*s);
        continue;
      }
      if (failed_ || done_) return;
      lock.Wait(work_cv_);
    }
  }

  void WriterLoop() {
    MutexLock lock(mu_);
    for (;;) {
      if (failed_) return;
      if (emitted_ == submitted_) {
        if (done_) return;
        lock.Wait(writer_cv_);
        continue;
      }
      Slot& s = slots_[emitted_ % slots_.size()];
      if (!s.ready) {
        if (Slot* w = helping_ ? ClaimLocked() : nullptr) {
          lock.Unlock();
          Run(*w, producer_index_ + 1);
          lock.Lock();
          MarkReadyLocked(*w);
          continue;
        }
        lock.Wait(writer_cv_);
        continue;
      }
      Status st = std::move(s.status);
      lock.Unlock();
      if (st.ok()) st = emit_(s.job);
      lock.Lock();
      if (!st.ok()) {
        FailLocked(std::move(st));
        return;
      }
      s.ready = false;
      ++emitted_;
      weight_in_flight_ -= s.weight;
      // Waking the producer only once half the slots are free lets it refill them in one
      // go instead of trading a wake-up with the writer for every frame.
      if (producer_waiting_ && (acquired_ - emitted_ <= slots_.size() / 2 ||
                                emitted_ == submitted_ || weight_in_flight_ < weight_budget_ / 2))
        space_cv_.notify_one();
    }
  }

  WorkFn work_;
  EmitFn emit_;
  const int producer_index_;  // the writer's is the next one
  const bool helping_;
  Mutex mu_;
  // A slot's job is filled by the producer, transformed by one worker and emitted by the
  // writer, each without the lock: the counters below hand it from one to the next.
  std::vector<Slot> slots_;
  std::vector<std::thread> workers_;
  std::thread writer_;
  std::condition_variable space_cv_, work_cv_, writer_cv_;
  const uint64_t weight_budget_;
  uint64_t weight_in_flight_ GUARDED_BY(mu_) = 0;
  uint64_t acquired_ GUARDED_BY(mu_) = 0;
  uint64_t submitted_ GUARDED_BY(mu_) = 0;
  uint64_t next_work_ GUARDED_BY(mu_) = 0;
  uint64_t emitted_ GUARDED_BY(mu_) = 0;
  bool done_ GUARDED_BY(mu_) = false;
  bool failed_ GUARDED_BY(mu_) = false;
  bool producer_waiting_ GUARDED_BY(mu_) = false;
  Status first_error_ GUARDED_BY(mu_);
};

}  // namespace segstream::zpipe
