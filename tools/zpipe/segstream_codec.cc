#include "tools/zpipe/segstream_codec.h"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <vector>

#include "lib/common/format/codec.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/stream/stream_writer.h"
#include "tools/zpipe/ordered_pool.h"

namespace segstream::zpipe {

namespace {

using format::Codec;

// One stream event on its way from the reader to the writer. DATA payloads are copied
// out of the reader's buffer (valid only until its next event) into `in`; slots are
// reused, so these vectors stop growing once they have held the largest frame.
struct FrameJob {
  EventType type = EventType::kEnd;
  uint32_t table_id = 0;
  // DATA frames
  Codec in_codec = Codec::kNone;
  uint32_t raw_len = 0;
  uint64_t frame_number = 0;
  uint64_t offset = 0;
  std::string table_name;
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  Codec out_codec = Codec::kNone;
  bool out_is_in = false;  // the result is `in` unchanged
  TableTotals totals;      // rows of this frame, when verifying
  // metadata events
  StreamInfo stream;
  TableInfo table;
  TableTrailer trailer;
  SqlSection sql;
};

// Per-worker codec contexts, reused for every frame.
struct Worker {
  Worker(Codec codec, int level) : compressor(codec, level) {}
  FrameDecompressor decompressor;
  FrameCompressor compressor;
  std::vector<uint8_t> raw;
};

Status RecodeFrame(FrameJob& job, Worker& w, Codec target) {
  job.out_is_in = false;
  std::span<const uint8_t> raw;
  bool raw_is_in = job.in_codec == Codec::kNone;
  if (raw_is_in) {
    raw = job.in;
  } else {
    // Decompressing into `out` when the target is kNone saves a copy.
    std::vector<uint8_t>* dst = target == Codec::kNone ? &job.out : &w.raw;
    Status st = w.decompressor.Decompress(job.in_codec, job.in, job.raw_len, dst);
    if (!st.ok())
      return std::move(st)
          .WithTable(job.table_name)
          .WithFrame(job.frame_number)
          .WithOffset(job.offset);
    raw = *dst;
  }
  if (target == Codec::kNone) {
    job.out_codec = Codec::kNone;
    job.out_is_in = raw_is_in;
    return Status::Ok();
  }
  RETURN_IF_ERROR(w.compressor.Compress(raw, &job.out));
  if (job.out.size() < raw.size()) {
    job.out_codec = target;
    return Status::Ok();
  }
  // Not smaller: stored as is.
  job.out_codec = Codec::kNone;
  if (raw_is_in)
    job.out_is_in = true;
  else
    job.out.swap(w.raw);  // the worker keeps the other buffer for its next frame
  return Status::Ok();
}

// -t: decodes the frame's rows and sums them as a table trailer counts them.
Status CheckFrame(FrameJob& job, Worker& w) {
  std::span<const uint8_t> raw = job.in;
  Status st;
  if (job.in_codec != Codec::kNone) {
    st = w.decompressor.Decompress(job.in_codec, job.in, job.raw_len, &w.raw);
    raw = w.raw;
  }
  job.totals = TableTotals();
  if (st.ok()) {
    auto view = DataPayloadView::Parse(raw);
    if (view.ok()) {
      std::span<const uint8_t> row;
      for (auto cursor = view->begin(); cursor.Next(&row);) job.totals.AddRow(row);
    } else {
      st = view.take_status();
    }
  }
  if (!st.ok())
    return std::move(st)
        .WithTable(job.table_name)
        .WithFrame(job.frame_number)
        .WithOffset(job.offset);
  return Status::Ok();
}

// -t: the writer's side of verification, in stream order: per-table sums against trailers.
class TrailerCheck {
 public:
  Status Emit(FrameJob& job) {
    if (job.type == EventType::kDataFrame) {
      seen_[job.table_id].Add(job.totals);
    } else if (job.type == EventType::kTableEnd) {
      TableTotals seen = seen_[job.table_id];
      seen_.erase(job.table_id);
      const TableTotals& want = job.trailer.totals;
      if (!(seen == want)) {
        std::string what =
            want.rows != seen.rows ? "rows " + std::to_string(want.rows) + " in trailer, " +
                                         std::to_string(seen.rows) + " in data"
            : want.bytes != seen.bytes ? "bytes " + std::to_string(want.bytes) + " in trailer, " +
                                             std::to_string(seen.bytes) + " in data"
                                       : "digest " + DigestHex(want.digest) + " in trailer, " +
                                             DigestHex(seen.digest) + " in data";
        return Status::Corrupt("table trailer disagrees with the data: " + what)
            .WithTable(job.table_name)
            .WithFrame(job.frame_number)
            .WithOffset(job.offset);
      }
    }
    return Status::Ok();
  }

 private:
  std::unordered_map<uint32_t, TableTotals> seen_;
};

// Frames of huge rows are rare: their buffers go back to the allocator instead of staying
// with a slot, so memory follows the frames in flight, not the largest frame ever seen.
void ReleaseIfHuge(std::vector<uint8_t>* buffer) {
  if (buffer->capacity() > kKeepBufferBytes) std::vector<uint8_t>().swap(*buffer);
}

Status EmitJob(FrameJob& job, StreamWriter& writer) {
  switch (job.type) {
    case EventType::kStreamBegin: return writer.Begin(job.stream);
    case EventType::kTableBegin: return writer.OpenTable(job.table, job.table_id).status();
    case EventType::kDataFrame: {
      Status st = writer.WriteData(job.table_id, job.out_codec, job.raw_len,
                                   job.out_is_in ? job.in : job.out);
      ReleaseIfHuge(&job.in);
      ReleaseIfHuge(&job.out);
      return st;
    }
    case EventType::kTableEnd: return writer.CloseTable(job.table_id, job.trailer);
    case EventType::kSql: return writer.WriteSql(job.sql);
    case EventType::kStreamEnd: return writer.Finish();
    default: return Status::Ok();
  }
}

// Reads events, hands DATA frames to the pool and everything to the ordered `emit`.
// With a null `writer` it verifies (-t) instead of writing.
Status Pump(BufferedSource* source, StreamWriter* writer, const TranscodeOptions& options,
            Progress* progress) {
  int threads = options.threads < 1 ? 1 : options.threads;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < OrderedPool<FrameJob>::Contexts(threads); ++i)
    workers.push_back(std::make_unique<Worker>(options.codec, options.level));
  TrailerCheck check;
  bool verify = writer == nullptr;

  OrderedPool<FrameJob> pool(
      threads, InFlightFrames(threads),
      [&](FrameJob& job, int worker) {
        Worker& w = *workers[worker];
        Status st = verify ? CheckFrame(job, w) : RecodeFrame(job, w, options.codec);
        ReleaseIfHuge(&w.raw);
        return st;
      },
      [&](FrameJob& job) {
        if (!verify) return EmitJob(job, *writer);
        ReleaseIfHuge(&job.in);
        return check.Emit(job);
      },
      kInFlightBytes);

  ReaderOptions ro;
  ro.decode_rows = false;  // checksums and frame counts only: payloads are the workers' job
  StreamReader reader(source, ro);
  uint64_t last_offset = 0;
  Status read_status;
  for (;;) {
    Event ev;
    read_status = reader.Next(&ev);
    if (!read_status.ok() || ev.type == EventType::kEnd) break;
    if (progress) {
      uint64_t rows = ev.type == EventType::kTableEnd ? ev.trailer.totals.rows : 0;
      progress->Add(reader.offset() - last_offset, rows);
      last_offset = reader.offset();
    }
    FrameJob* job = pool.Acquire();
    if (!job) break;  // the writer or a worker failed; Finish() says why
    job->type = ev.type;
    job->table_id = ev.table_id;
    job->frame_number = ev.frame.number;
    job->offset = ev.frame.offset;
    if (ev.table) job->table_name = ev.table->info.QualifiedName();
    bool needs_work = false;
    switch (ev.type) {
      case EventType::kStreamBegin: job->stream = *ev.stream; break;
      case EventType::kTableBegin: job->table = ev.table->info; break;
      case EventType::kDataFrame:
        job->in_codec = ev.frame.header.codec;
        job->raw_len = ev.frame.header.raw_len;
        job->in.assign(ev.frame.stored.begin(), ev.frame.stored.end());
        // A plain frame that stays plain needs no worker.
        needs_work = verify || !(job->in_codec == Codec::kNone && options.codec == Codec::kNone);
        job->out_codec = Codec::kNone;
        job->out_is_in = !needs_work;
        break;
      case EventType::kTableEnd: job->trailer = ev.trailer; break;
      case EventType::kSql: job->sql = ev.sql; break;
      default: break;
    }
    // Weighed by the larger of its two sizes: a small compressed frame of a 100 MB row
    // becomes 100 MB in a worker, and several of those at once were 4x the largest row.
    uint64_t weight = ev.type == EventType::kDataFrame
                          ? std::max<uint64_t>(ev.frame.stored.size(), ev.frame.header.raw_len)
                          : 0;
    pool.Submit(needs_work, weight);
  }
  Status pool_status = pool.Finish();
  // An error in an earlier frame (seen by a worker or the writer) comes first.
  if (!pool_status.ok()) return pool_status;
  return read_status;
}

}  // namespace

Status TranscodeSegstream(BufferedSource* source, BufferedSink* sink,
                          const TranscodeOptions& options, Progress* progress) {
  WriterOptions wo;
  wo.codec = options.codec;
  wo.level = options.level;
  wo.write_index = options.write_index;
  StreamWriter writer(sink, wo);
  RETURN_IF_ERROR(Pump(source, &writer, options, progress));
  return sink->Flush();
}

Status VerifySegstream(BufferedSource* source, int threads, Progress* progress) {
  TranscodeOptions options;
  options.codec = Codec::kNone;
  options.threads = threads;
  return Pump(source, nullptr, options, progress);
}

}  // namespace segstream::zpipe
