// DataFrameVerifier: checks DATA frames on worker threads, for readers that want the
// verdict rather than the rows (toc --verify). Each frame's checksum, decompression and
// row lengths are checked and its rows, bytes and digest added to its table's counts, as
// StreamReader does inline. Frames are handed over as views, so their bytes must stay
// put until Drain() (a mapped source). At most `max_in_flight` frames, and 32 MiB of them
// unless one frame is larger, wait at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "lib/common/base/mutex.h"
#include "lib/common/format/checksum.h"
#include "lib/common/format/codec.h"
#include "lib/common/format/frame_reader.h"

namespace segstream {

struct TableState;

class DataFrameVerifier {
 public:
  // `threads` counts the caller's own: it checks frames itself in Submit() while the
  // queue is full, so threads - 1 workers are started (at least one).
  DataFrameVerifier(unsigned threads, size_t max_in_flight);
  ~DataFrameVerifier();  // stops and joins the workers; unchecked frames are dropped
  DataFrameVerifier(const DataFrameVerifier&) = delete;
  DataFrameVerifier& operator=(const DataFrameVerifier&) = delete;

  // Queues a frame of `table`, waiting while max_in_flight frames are unchecked. Returns
  // the earliest failure found so far, so a reader stops soon after bad data.
  Status Submit(const RawFrame& frame, TableState* table);
  // Waits until every queued frame is checked. Returns the failure of the earliest failed
  // frame: what a reader checking in order would have reported first.
  Status Drain();
  // The input offset before which no queued frame needs its bytes any more.
  uint64_t SafeOffset(uint64_t read_offset);

 private:
  struct Job {
    RawFrame frame;
    uint8_t header[format::kFrameHeaderSize];
    TableState* table;
    bool done = false;
  };
  struct Scratch {  // a checking thread's own
    FrameDecompressor decompressor;
    std::vector<uint8_t> raw;
  };
  static Status Check(Job& job, Scratch* scratch, TableTotals* totals);
  void Work();
  // Takes the next unchecked job and checks it with the lock released.
  void RunOneLocked(Scratch* scratch) REQUIRES(mu_);
  void PopDoneLocked() REQUIRES(mu_);

  // Stored bytes of the frames in flight, beyond which Submit() waits (one frame may be
  // larger on its own).
  static constexpr size_t kMaxInFlightBytes = 32u << 20;
  const size_t max_in_flight_;
  Mutex mu_;
  size_t in_flight_bytes_ GUARDED_BY(mu_) = 0;
  std::condition_variable work_ready_;  // a job to take, or stop
  std::condition_variable job_done_;
  // Submission (= input) order; references stay valid. A job's fields are written by the
  // thread that took it, with mu_ released: `next_to_take_` hands each job to one thread.
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  uint64_t first_seq_ GUARDED_BY(mu_) = 0;     // sequence number of jobs_.front()
  uint64_t next_to_take_ GUARDED_BY(mu_) = 0;  // sequence number of the next job for a worker
  Status failure_ GUARDED_BY(mu_);             // of the earliest failed frame
  uint64_t failure_frame_ GUARDED_BY(mu_) = 0;
  bool stop_ GUARDED_BY(mu_) = false;
  Scratch caller_scratch_;
  std::vector<std::thread> workers_;
};

}  // namespace segstream
