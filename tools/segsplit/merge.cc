// segmerge: N input streams into one. A thread per input, so FIFOs fed by parallel dumps are
// all drained at once and none of their writers waits on another. Each input table becomes
// its own table in the output (same identity, new table id), and its DATA frames pass
// through as stored - no decompression on the way out - after the input's reader has
// verified them. A loader sees one table arriving in several pieces, like dump-stream's
// --split-larger-than parts; the digests of the pieces sum to the table's digest. A
// replicated table is the exception: every segment holds all of it, so the first input
// to open it gives the output's one copy, and the other copies are only compared with it.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "lib/common/cli/version.h"
#include "lib/common/format/copy_format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/stream/stream_writer.h"
#include "tools/segsplit/segsplit.h"

namespace segstream::segsplit {
namespace {

// State shared by the input threads. Held by shared_ptr from every thread: after the first
// failure the tool reports and exits without waiting for inputs still blocked in read().
struct Shared {
  Shared(ProgressMode mode, bool verbose) : progress("segmerge", mode), verbose(verbose) {}
  std::mutex mu;
  std::condition_variable cv;
  // Phase 1: every input's first stream header, so the output's header can be written
  // before any thread writes a table.
  std::vector<std::optional<StreamInfo>> headers;
  bool begun = false;
  size_t finished = 0;
  Status failure;  // the first failure; stops everyone
  std::set<std::pair<std::string, std::string>> sql_written;
  // Replicated tables, by table and part: which input gives the copy, and each ended copy.
  struct Replica {
    size_t owner;
    std::optional<TableTotals> owner_totals;
    std::vector<std::pair<std::string, TableTotals>> others;
  };
  std::map<std::string, Replica> replicas;
  CopyFormat copy_format = CopyFormat::kText;
  std::string encoding;
  UniqueFd out_fd;
  std::unique_ptr<BufferedSink> sink;
  std::unique_ptr<StreamWriter> writer;
  Progress progress;
  const bool verbose;
};

class InputThread {
 public:
  InputThread(std::shared_ptr<Shared> shared, size_t index, std::string path)
      : shared_(std::move(shared)), index_(index), path_(std::move(path)) {}

  void operator()() {
    const auto started = std::chrono::steady_clock::now();
    Status st = Run();
    if (st.ok() && shared_->verbose)
      shared_->progress.Log(
          "segmerge: merged " + path_ + ": " + std::to_string(tables_) + " tables, " +
          std::to_string(rows_) + " rows in " +
          FormatSeconds(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
    std::lock_guard lock(shared_->mu);
    if (!st.ok() && shared_->failure.ok()) shared_->failure = std::move(st);
    ++shared_->finished;
    shared_->cv.notify_all();
  }

 private:
  bool Stopped() {
    std::lock_guard lock(shared_->mu);
    return !shared_->failure.ok();
  }

  Status Run() {
    ASSIGN_OR_RETURN(UniqueFd fd, OpenInput(path_));
    BufferedSource source(fd.get(), InputName(path_));
    StreamReader reader(&source);
    Event e;
    RETURN_IF_ERROR(reader.Next(&e));
    if (e.type != EventType::kStreamBegin) return Status::Corrupt(path_ + " holds no stream");
    {
      std::unique_lock lock(shared_->mu);
      shared_->headers[index_] = *e.stream;
      shared_->cv.notify_all();
      shared_->cv.wait(lock, [&] { return shared_->begun || !shared_->failure.ok(); });
      if (!shared_->failure.ok()) return Status::Ok();
    }
    StreamWriter& out = *shared_->writer;
    std::unordered_map<uint32_t, uint32_t> ids;         // input table id -> output table id
    std::unordered_map<uint32_t, std::string> skipped;  // input table id -> replica key
    while (true) {
      RETURN_IF_ERROR(reader.Next(&e));
      if (Stopped()) return Status::Ok();
      switch (e.type) {
        case EventType::kStreamBegin:
          if (e.stream->copy_format != shared_->copy_format ||
              e.stream->encoding != shared_->encoding) {
            return Status::Usage(InputName(path_) + " stream " + std::to_string(e.stream_number) +
                                 " has copy format " + CopyFormatName(e.stream->copy_format) +
                                 " and encoding " + e.stream->encoding + ", the output has " +
                                 CopyFormatName(shared_->copy_format) + " and " +
                                 shared_->encoding);
          }
          break;
        case EventType::kTableBegin: {
          const TableInfo& info = e.table->info;
          if (info.distribution_policy == "replicated") {
            std::string key = info.QualifiedName() + " part " + std::to_string(info.part);
            std::lock_guard lock(shared_->mu);
            auto [it, first] = shared_->replicas.try_emplace(key, Shared::Replica{index_, {}, {}});
            if (!first) {
              skipped[e.table_id] = key;
              break;
            }
          }
          ASSIGN_OR_RETURN(uint32_t id, out.OpenTable(info));
          ids[e.table_id] = id;
          break;
        }
        case EventType::kRows:
          if (skipped.count(e.table_id)) break;  // the reader verifies it all the same
          RETURN_IF_ERROR(out.WriteData(ids.at(e.table_id), e.frame.header.codec,
                                        e.frame.header.raw_len, e.frame.stored));
          shared_->progress.Add(e.rows.rows().size(), e.rows.row_count());
          break;
        case EventType::kTableEnd: {
          tables_ += 1;
          rows_ += e.trailer.totals.rows;
          if (auto s = skipped.find(e.table_id); s != skipped.end()) {
            RETURN_IF_ERROR(RecordReplica(s->second, e.trailer.totals, false, e.table->info));
            skipped.erase(s);
            break;
          }
          if (e.table->info.distribution_policy == "replicated")
            RETURN_IF_ERROR(RecordReplica(
                e.table->info.QualifiedName() + " part " + std::to_string(e.table->info.part),
                e.trailer.totals, true, e.table->info));
          auto it = ids.find(e.table_id);
          // The input trailer was verified against these very frames, so it is the output
          // table's trailer too.
          RETURN_IF_ERROR(out.CloseTable(it->second, e.trailer));
          ids.erase(it);
          break;
        }
        case EventType::kSql: {
          bool first;
          {
            std::lock_guard lock(shared_->mu);
            first = shared_->sql_written.insert({e.sql.section, e.sql.sql}).second;
          }
          if (first) RETURN_IF_ERROR(out.WriteSql(e.sql));
          break;
        }
        case EventType::kDataFrame:
        case EventType::kStreamEnd: break;
        case EventType::kEnd: return Status::Ok();
      }
    }
  }

  // One input's copy of a replicated table ended: every copy must equal the one written.
  Status RecordReplica(const std::string& key, const TableTotals& totals, bool owner,
                       const TableInfo& info) {
    std::lock_guard lock(shared_->mu);
    Shared::Replica& r = shared_->replicas.at(key);
    if (owner)
      r.owner_totals = totals;
    else
      r.others.emplace_back(InputName(path_), totals);
    if (!r.owner_totals) return Status::Ok();
    for (const auto& [name, other] : r.others) {
      if (other == *r.owner_totals) continue;
      return Status::Corrupt("replicated table copies differ: " + name + " holds " +
                             std::to_string(other.rows) + " rows (digest " +
                             DigestHex(other.digest) + "), the copy written holds " +
                             std::to_string(r.owner_totals->rows) + " (digest " +
                             DigestHex(r.owner_totals->digest) + ")")
          .WithTable(info.QualifiedName())
          .WithHint("every segment holds the same rows of a replicated table in one snapshot");
    }
    r.others.clear();
    return Status::Ok();
  }

  std::shared_ptr<Shared> shared_;
  size_t index_;
  std::string path_;
  uint64_t tables_ = 0, rows_ = 0;  // read from this input, for -v
};

// The merged header: the first input's facts, as a whole (not a segment).
Status BeginOutput(Shared* s) {
  StreamInfo info = *s->headers[0];
  for (const auto& h : s->headers) {
    if (h->copy_format != info.copy_format || h->encoding != info.encoding)
      return Status::Usage(std::string("inputs differ in copy format or encoding (") +
                           CopyFormatName(info.copy_format) + "/" + info.encoding + " and " +
                           CopyFormatName(h->copy_format) + "/" + h->encoding + ")")
          .WithHint("merge streams of one format and encoding only");
  }
  s->copy_format = info.copy_format;
  s->encoding = info.encoding;
  info.producer = ProducerName("segmerge");
  info.stream_id = RandomHexId();
  info.created_at = NowIso8601();
  info.segment = -1;
  info.segments = 0;
  return s->writer->Begin(info);
}

}  // namespace

Status RunMerge(const MergeOptions& options) {
  if (options.inputs.empty()) return Status::Usage("no input streams given");
  auto shared = std::make_shared<Shared>(options.progress, options.verbose);
  shared->headers.resize(options.inputs.size());
  PendingOutput pending;
  ASSIGN_OR_RETURN(shared->out_fd, OpenOutput(options.output, &pending));
  RETURN_IF_ERROR(RefuseTerminalOutput(shared->out_fd.get(), options.force));
  WriterOptions wo;
  shared->sink = std::make_unique<BufferedSink>(shared->out_fd.get(), OutputName(options.output));
  shared->writer = std::make_unique<StreamWriter>(shared->sink.get(), wo);

  std::vector<std::thread> threads;
  for (size_t i = 0; i < options.inputs.size(); ++i)
    threads.emplace_back(InputThread(shared, i, options.inputs[i]));

  std::unique_lock lock(shared->mu);
  auto all_headers = [&] {
    for (const auto& h : shared->headers)
      if (!h) return false;
    return true;
  };
  shared->cv.wait(lock, [&] { return all_headers() || !shared->failure.ok(); });
  if (shared->failure.ok()) {
    Status st = BeginOutput(shared.get());
    if (!st.ok()) shared->failure = std::move(st);
    shared->begun = true;
    shared->cv.notify_all();
  }
  shared->cv.wait(lock,
                  [&] { return shared->finished == threads.size() || !shared->failure.ok(); });
  Status failure = shared->failure;
  lock.unlock();
  if (!failure.ok()) {
    // Inputs may still be blocked reading a FIFO whose writer never comes: report now and
    // leave them; the process exits, and `shared` outlives them all.
    for (auto& t : threads) t.detach();
    return failure;
  }
  for (auto& t : threads) t.join();
  RETURN_IF_ERROR(shared->writer->Finish());
  shared->progress.Finish();
  RETURN_IF_ERROR(shared->sink->Flush());
  RETURN_IF_ERROR(shared->out_fd.Close(OutputName(options.output)));
  return pending.Commit();
}

}  // namespace segstream::segsplit
