// OrderedPool: N worker threads transform jobs while one writer thread emits them strictly
// in submission order. One producer (the caller's thread) acquires a slot, fills it, and
// submits it; at most `capacity` slots exist, so memory is bounded by capacity times the
// largest job whatever the input size, and the producer blocks when the writer falls behind.
// Slots are reused, so their buffers keep their capacity: no allocation in steady state.
// Jobs also carry a weight (their bytes): once `weight_budget` is in flight the producer
// waits too, so a run of huge jobs (frames of 1 GiB rows) cannot multiply by `capacity`.
//
// Failure: the first error (from work, emit, or Fail()) stops everything; Acquire() then
// returns nullptr and Finish() returns that error. A work error is reported when its job
// reaches the writer, so everything before it is still emitted, in order.
//
// Thread safety: Acquire/Submit/Fail/Finish from the producer thread only; `work` runs on
// worker threads (with the worker's index, for per-thread codec contexts), `emit` on the
// writer thread.
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

  // The next slot, in order, once one is free; nullptr after a failure.
  Job* Acquire() {
    MutexLock lock(mu_);
    while (!failed_ && (acquired_ - emitted_ >= slots_.size() ||
                        (acquired_ > emitted_ && weight_in_flight_ >= weight_budget_))) {
      producer_waiting_ = true;
      lock.Wait(space_cv_);
    }
    producer_waiting_ = false;
    if (failed_) return nullptr;
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

  void WorkerLoop(int index) {
    MutexLock lock(mu_);
    for (;;) {
      // Jobs the writer already emitted needed no work; their slots may be reused already.
      if (next_work_ < emitted_) next_work_ = emitted_;
      while (next_work_ < submitted_ && !slots_[next_work_ % slots_.size()].needs_work)
        ++next_work_;
      if (failed_ || (done_ && next_work_ == submitted_)) return;
      if (next_work_ == submitted_) {
        lock.Wait(work_cv_);
        continue;
      }
      // The slot is this worker's until it is marked ready: its fields need no lock.
      Slot& s = slots_[next_work_++ % slots_.size()];
      lock.Unlock();
      Status st = work_(s.job, index);
      lock.Lock();
      s.status = std::move(st);
      s.ready = true;
      if (&s == &slots_[emitted_ % slots_.size()]) writer_cv_.notify_one();
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
