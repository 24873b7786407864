#include "lib/common/format/data_frame_verifier.h"

#include <algorithm>

#include "lib/common/format/codec.h"
#include "lib/common/stream/stream_reader.h"

namespace segstream {

DataFrameVerifier::DataFrameVerifier(unsigned threads, size_t max_in_flight)
    : max_in_flight_(std::max<size_t>(max_in_flight, 1)) {
  // The caller is the first of the threads: it checks frames while the queue is full.
  for (unsigned i = 1; i < std::max(threads, 2u); ++i) workers_.emplace_back([this] { Work(); });
}

DataFrameVerifier::~DataFrameVerifier() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  work_ready_.notify_all();
  for (auto& w : workers_) w.join();
}

Status DataFrameVerifier::Check(Job& job, Scratch* scratch, TableTotals* totals) {
  const RawFrame& f = job.frame;
  RETURN_IF_ERROR(CheckFrameChecksum(job.header, f.stored, f.offset, f.number));
  std::span<const uint8_t> payload = f.stored;
  // The same checks and context as StreamReader::OnData gives inline.
  auto fail = [&](Status st) {
    return std::move(st).WithOffset(f.offset).WithFrame(f.number).WithTable(
        job.table->info.QualifiedName());
  };
  if (f.header.codec != format::Codec::kNone) {
    Status st =
        scratch->decompressor.Decompress(f.header.codec, f.stored, f.header.raw_len, &scratch->raw);
    if (!st.ok()) return fail(std::move(st));
    payload = scratch->raw;
  }
  auto view = DataPayloadView::Parse(payload, totals);
  // A thread keeps a buffer the size of an ordinary frame, not of the largest one it saw.
  if (scratch->raw.capacity() > kMaxInFlightBytes / 4) std::vector<uint8_t>().swap(scratch->raw);
  if (!view.ok()) return fail(view.take_status());
  return Status::Ok();
}

void DataFrameVerifier::Work() {
  Scratch scratch;
  MutexLock lock(mu_);
  for (;;) {
    while (!stop_ && next_to_take_ >= first_seq_ + jobs_.size()) lock.Wait(work_ready_);
    if (stop_) return;
    RunOneLocked(&scratch);
  }
}

void DataFrameVerifier::RunOneLocked(Scratch* scratch) {
  Job& job = jobs_[next_to_take_ - first_seq_];
  ++next_to_take_;
  mu_.unlock();
  TableTotals totals;
  Status st = Check(job, scratch, &totals);
  mu_.lock();
  if (st.ok()) {
    job.table->seen.Add(totals);
  } else if (failure_.ok() || job.frame.number < failure_frame_) {
    failure_ = std::move(st);
    failure_frame_ = job.frame.number;
  }
  job.done = true;
  job_done_.notify_all();
}

void DataFrameVerifier::PopDoneLocked() {
  while (!jobs_.empty() && jobs_.front().done) {
    in_flight_bytes_ -= jobs_.front().frame.stored.size();
    jobs_.pop_front();
    ++first_seq_;
  }
}

Status DataFrameVerifier::Submit(const RawFrame& frame, TableState* table) {
  MutexLock lock(mu_);
  PopDoneLocked();
  // Bounded by count and by bytes: mapped pages of frames in flight stay resident, so a
  // frame of hundreds of MB waits until the frames before it are checked.
  while ((jobs_.size() >= max_in_flight_ ||
          (!jobs_.empty() && in_flight_bytes_ + frame.stored.size() > kMaxInFlightBytes)) &&
         failure_.ok()) {
    // The caller checks a frame itself rather than wait: it is one of the threads.
    if (next_to_take_ < first_seq_ + jobs_.size()) {
      RunOneLocked(&caller_scratch_);
    } else {
      lock.Wait(job_done_);
    }
    PopDoneLocked();
  }
  if (!failure_.ok()) return failure_;
  Job& job = jobs_.emplace_back();
  in_flight_bytes_ += frame.stored.size();
  job.frame = frame;
  std::copy(frame.header_bytes.begin(), frame.header_bytes.end(), job.header);
  job.table = table;
  work_ready_.notify_one();
  return Status::Ok();
}

Status DataFrameVerifier::Drain() {
  MutexLock lock(mu_);
  for (PopDoneLocked(); !jobs_.empty(); PopDoneLocked()) lock.Wait(job_done_);
  return failure_;
}

uint64_t DataFrameVerifier::SafeOffset(uint64_t read_offset) {
  MutexLock lock(mu_);
  PopDoneLocked();
  return jobs_.empty() ? read_offset : jobs_.front().frame.offset;
}

}  // namespace segstream
