// segsplit's main loop: one pass over the input events, each row parsed for its key, placed,
// and appended to the TableWriter of its output. Every input table is opened in every
// output (an output with no rows of it still gets an empty table with a trailer, so a loader
// verifies it), and closed when the input closes it, so memory is one frame per open table
// per output whatever the table sizes.
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "lib/common/base/text_escape.h"
#include "lib/common/cli/version.h"
#include "lib/common/cluster/segment_outputs.h"
#include "lib/common/format/copy_format.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_reader.h"
#include "tools/segsplit/placement.h"
#include "tools/segsplit/segsplit.h"

namespace segstream::segsplit {
namespace {

struct OpenTable {
  std::string qualified;
  TablePlacement placement;
  std::vector<std::unique_ptr<TableWriter>> writers;  // one per output
  uint64_t rows = 0;                                  // rows seen, for messages
  // A replicated table holds all its rows on every segment, so N segment streams hold N
  // copies. The first copy goes to every output; later ones are only checked: `copy_of`
  // names the stream that gave the first copy, and `skipped` sums the rows passed over.
  std::optional<std::string> copy_of;
  TableTotals skipped;
  std::string replica_key;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// What one stream's copy of a replicated table held, for comparing the other copies.
struct ReplicaCopy {
  std::string stream;  // "input stream 1 (segment 0)"
  TableTotals totals;
  bool ended = false;
};

class Splitter {
 public:
  Splitter(const SplitOptions& options, PlacementRules rules, OutputSet* outputs)
      : options_(options),
        rules_(std::move(rules)),
        outputs_(outputs),
        progress_("segsplit", options.progress) {}

  Status Run(StreamReader* reader);

 private:
  Status OnStreamBegin(const Event& e);
  Status OnTableBegin(const Event& e);
  Status OnRows(const Event& e);
  Status OnTableEnd(const Event& e);
  Status OnSql(const Event& e);
  Status Finish();
  // A write to output i failed: say why in the child's terms when it is a child.
  Status OutputFailed(size_t i, Status st) {
    return outputs_->ExplainWriteFailure(i, std::move(st));
  }

  const SplitOptions& options_;
  PlacementRules rules_;
  OutputSet* outputs_;
  Progress progress_;
  bool begun_ = false;
  CopyFormat copy_format_ = CopyFormat::kText;
  std::string encoding_;
  std::unordered_map<uint32_t, std::unique_ptr<OpenTable>> open_;
  std::map<std::string, ReplicaCopy> replicas_;  // by table and part
  std::string stream_label_;                     // the current input stream, for messages
  std::set<std::pair<std::string, std::string>> sql_written_;
  std::string error_;
};

Status Splitter::Run(StreamReader* reader) {
  Event e;
  while (true) {
    Status st = reader->Next(&e);
    if (!st.ok()) return st;
    switch (e.type) {
      case EventType::kStreamBegin: st = OnStreamBegin(e); break;
      case EventType::kTableBegin: st = OnTableBegin(e); break;
      case EventType::kRows: st = OnRows(e); break;
      case EventType::kTableEnd: st = OnTableEnd(e); break;
      case EventType::kSql: st = OnSql(e); break;
      case EventType::kDataFrame:
      case EventType::kStreamEnd: break;
      case EventType::kEnd: return Finish();
    }
    if (!st.ok()) return st;
  }
}

Status Splitter::OnStreamBegin(const Event& e) {
  const StreamInfo& in = *e.stream;
  stream_label_ = "input stream " + std::to_string(e.stream_number) +
                  (in.segment >= 0 ? " (segment " + std::to_string(in.segment) + ")" : "");
  if (begun_) {
    // Concatenated inputs become one stream per output, so they must agree on what the
    // rows are: the same COPY format and encoding.
    if (in.copy_format != copy_format_ || in.encoding != encoding_)
      return Status::Usage("input stream " + std::to_string(e.stream_number) + " has copy format " +
                           CopyFormatName(in.copy_format) + " and encoding " + in.encoding +
                           ", the first had " + CopyFormatName(copy_format_) + " and " + encoding_)
          .WithHint("split streams of different formats or encodings separately");
    return Status::Ok();
  }
  begun_ = true;
  copy_format_ = in.copy_format;
  encoding_ = in.encoding;
  for (size_t i = 0; i < outputs_->size(); ++i) {
    StreamInfo out = in;
    out.producer = ProducerName("segsplit");
    out.stream_id = RandomHexId();
    out.created_at = NowIso8601();
    out.segment = static_cast<int>(i);
    out.segments = static_cast<int>(outputs_->size());
    Status st = (*outputs_)[i].writer->Begin(out);
    if (!st.ok()) return OutputFailed(i, std::move(st));
  }
  return Status::Ok();
}

Status Splitter::OnTableBegin(const Event& e) {
  const TableInfo& info = e.table->info;
  auto placement = TablePlacement::Create(rules_, info, copy_format_);
  if (!placement.ok()) return placement.take_status();
  auto t = std::make_unique<OpenTable>(
      OpenTable{info.QualifiedName(), std::move(*placement), {}, 0, std::nullopt, {}, {}});
  // Only a policy the source recorded means copies: --replicate spreads whatever comes in.
  if (!rules_.replicate && info.distribution_policy == "replicated" &&
      t->placement.kind() == PlacementKind::kReplicate) {
    t->replica_key = t->qualified + " part " + std::to_string(info.part);
    auto [it, first] = replicas_.try_emplace(t->replica_key, ReplicaCopy{stream_label_, {}, false});
    if (!first) t->copy_of = it->second.stream;
  }
  if (options_.verbose) progress_.Log("segsplit: " + t->qualified + ": " + t->placement.Describe());
  for (size_t i = 0; i < outputs_->size(); ++i) {
    auto w = (*outputs_)[i].writer->NewTable(info);
    if (!w.ok()) return OutputFailed(i, w.take_status());
    t->writers.push_back(std::move(*w));
  }
  open_[e.table_id] = std::move(t);
  progress_.TableBegin(info.QualifiedName());
  return Status::Ok();
}

Status Splitter::OnRows(const Event& e) {
  OpenTable& t = *open_.at(e.table_id);
  std::span<const uint8_t> row;
  switch (t.placement.kind()) {
    case PlacementKind::kHash:
      for (auto it = e.rows.begin(); it.Next(&row);) {
        ++t.rows;
        int32_t target = 0;
        if (!t.placement.Place(row, &target, &error_)) {
          return Status::Corrupt("cannot place row " + std::to_string(t.rows) + ": " + error_)
              .WithTable(t.qualified)
              .WithFrame(e.frame.number)
              .WithHint(
                  "key values must be as the server prints them (DateStyle ISO, "
                  "IntervalStyle postgres, timestamptz with its UTC offset)");
        }
        Status st = t.writers[target]->AddRow(row);
        if (!st.ok()) return OutputFailed(target, std::move(st));
      }
      break;
    case PlacementKind::kRoundRobin:
    case PlacementKind::kFirstOutput:
      for (auto it = e.rows.begin(); it.Next(&row);) {
        ++t.rows;
        int32_t target =
            t.placement.kind() == PlacementKind::kFirstOutput ? 0 : t.placement.NextRoundRobin();
        Status st = t.writers[target]->AddRow(row);
        if (!st.ok()) return OutputFailed(target, std::move(st));
      }
      break;
    case PlacementKind::kReplicate:
      if (t.copy_of) {
        // Hashed here, since the reader leaves digests to the writers and none sees these.
        for (auto it = e.rows.begin(); it.Next(&row);) t.skipped.AddRow(row);
        break;
      }
      for (auto it = e.rows.begin(); it.Next(&row);) {
        ++t.rows;
        for (size_t i = 0; i < t.writers.size(); ++i) {
          Status st = t.writers[i]->AddRow(row);
          if (!st.ok()) return OutputFailed(i, std::move(st));
        }
      }
      break;
  }
  progress_.Add(e.rows.rows().size(), e.rows.row_count());
  return Status::Ok();
}

Status Splitter::OnTableEnd(const Event& e) {
  auto node = open_.extract(e.table_id);
  OpenTable& t = *node.mapped();
  TableTotals sum;
  for (size_t i = 0; i < t.writers.size(); ++i) {
    Status st = t.writers[i]->Finish();
    if (!st.ok()) return OutputFailed(i, std::move(st));
    sum.Add(t.writers[i]->totals());
  }
  // The reader checked rows and bytes but left the digest to us: the writers hash every
  // row anyway, so the outputs' digests summed are the input's digest, and checking them
  // against the trailer proves both the input's data and that every row went somewhere
  // exactly once (to every output, replicated).
  const TableTotals& want = e.trailer.totals;
  auto mismatch = [&](const TableTotals& got) {
    if (got.digest != want.digest)
      return Status::Corrupt("table digest mismatch: trailer " + DigestHex(want.digest) +
                             ", data " + DigestHex(got.digest));
    return Status::Corrupt("outputs hold " + std::to_string(got.rows) + " rows, " +
                           std::to_string(got.bytes) + " bytes; the trailer says " +
                           std::to_string(want.rows) + " rows, " + std::to_string(want.bytes) +
                           " bytes");
  };
  if (t.copy_of) {
    if (!(t.skipped == want))
      return mismatch(t.skipped)
          .WithTable(t.qualified)
          .WithFrame(e.frame.number)
          .WithOffset(e.frame.offset);
    const ReplicaCopy& first = replicas_.at(t.replica_key);
    if (first.ended && !(first.totals == want))
      return Status::Corrupt("replicated table copies differ: " + stream_label_ + " holds " +
                             std::to_string(want.rows) + " rows (digest " + DigestHex(want.digest) +
                             "), " + first.stream + " held " + std::to_string(first.totals.rows) +
                             " (digest " + DigestHex(first.totals.digest) + ")")
          .WithTable(t.qualified)
          .WithHint(
              "every segment holds the same rows of a replicated table in one snapshot; "
              "dump the cluster from the coordinator (--segment-output) for one snapshot");
  } else if (t.placement.kind() == PlacementKind::kReplicate) {
    if (!t.replica_key.empty()) replicas_[t.replica_key] = ReplicaCopy{stream_label_, want, true};
    for (const auto& w : t.writers) {
      if (!(w->totals() == want))
        return mismatch(w->totals())
            .WithTable(t.qualified)
            .WithFrame(e.frame.number)
            .WithOffset(e.frame.offset);
    }
  } else if (!(sum == want)) {
    return mismatch(sum)
        .WithTable(t.qualified)
        .WithFrame(e.frame.number)
        .WithOffset(e.frame.offset);
  }
  progress_.TableEnd(t.qualified, {{"rows", e.trailer.totals.rows}});
  if (options_.verbose)
    progress_.Log(
        "segsplit: split " + t.qualified + ": " + std::to_string(e.trailer.totals.rows) +
        " rows, " + std::to_string(e.trailer.totals.bytes) + " bytes in " +
        FormatSeconds(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count()));
  return Status::Ok();
}

Status Splitter::OnSql(const Event& e) {
  // Every segment's dump carries the same schema; each output needs it once.
  if (!sql_written_.insert({e.sql.section, e.sql.sql}).second) return Status::Ok();
  for (size_t i = 0; i < outputs_->size(); ++i) {
    Status st = (*outputs_)[i].writer->WriteSql(e.sql);
    if (!st.ok()) return OutputFailed(i, std::move(st));
  }
  return Status::Ok();
}

Status Splitter::Finish() {
  if (!begun_) return Status::Corrupt("the input holds no stream");
  for (size_t i = 0; i < outputs_->size(); ++i) {
    Status st = (*outputs_)[i].writer->Finish();
    if (!st.ok()) return OutputFailed(i, std::move(st));
  }
  progress_.Finish();
  return outputs_->Close();
}

}  // namespace

Status RunSplit(const SplitOptions& options) {
  if (options.segments < 1) return Status::Usage("--segments N is required and must be at least 1");
  if (options.segments > 65536) return Status::Usage("--segments is at most 65536");
  if (options.output_pattern.empty() == options.to_command.empty())
    return Status::Usage("give exactly one of -o PATTERN and --to-command CMD");
  int methods = !options.hash.empty() + options.round_robin + options.replicate;
  if (methods > 1) return Status::Usage("--hash, --round-robin and --replicate exclude each other");
  if ((options.round_robin || options.replicate) &&
      (!options.keys.empty() || !options.key_files.empty()))
    return Status::Usage("--key and --key-file need --hash, not --round-robin or --replicate");

  PlacementRules rules;
  rules.targets = options.segments;
  rules.round_robin = options.round_robin;
  rules.replicate = options.replicate;
  if (!options.hash.empty()) {
    ASSIGN_OR_RETURN(rules.method, DistributionMethodFromName(options.hash));
  }
  for (const auto& k : options.keys) RETURN_IF_ERROR(rules.AddKeySpec(k));
  for (const auto& f : options.key_files) RETURN_IF_ERROR(rules.AddKeyFile(f));

  WriterOptions wo;
  if (!format::ParseCodecName(options.codec, &wo.codec))
    return Status::Usage("unknown codec '" + options.codec + "' (none, zstd, lz4, gzip)");
  LevelRange range = LevelRangeFor(wo.codec);
  wo.level = options.level == 0 ? range.default_level : options.level;
  if (wo.codec != format::Codec::kNone && (wo.level < range.min || wo.level > range.max))
    return Status::Usage("level " + std::to_string(options.level) + " is out of range for " +
                         options.codec);

  ASSIGN_OR_RETURN(UniqueFd in, OpenInput(options.input));
  OutputSet outputs;
  if (!options.output_pattern.empty()) {
    RETURN_IF_ERROR(outputs.OpenFiles(options.output_pattern, options.segments, options.force, wo));
  } else {
    RETURN_IF_ERROR(outputs.StartCommands(options.to_command, options.segments, wo));
  }
  BufferedSource source(in.get(), InputName(options.input));
  ReaderOptions ro;
  ro.check_digests = false;  // the writers hash every row; OnTableEnd checks the sum
  StreamReader reader(&source, ro);
  Splitter splitter(options, std::move(rules), &outputs);
  Status st = splitter.Run(&reader);
  // On failure the outputs stay without stream trailers: no loader accepts them as whole.
  if (!st.ok()) outputs.Abort();
  return st;
}

}  // namespace segstream::segsplit
