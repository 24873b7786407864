// --extract: the rows of the named tables, byte for byte as COPY TO produced them. Every
// frame is still verified on the way (StreamReader decodes the whole input), so a
// non-zero exit means the output must not be trusted.
//
// Each table's rows must come out contiguous, or text COPY output would mix two tables.
// A file is simply read once per TABLE argument; a pipe cannot be rewound, so it is read
// once and tables whose rows alternate in it are refused (one table per run works).
#include <unistd.h>

#include <cerrno>
#include <set>
#include <unordered_map>

#include <optional>

#include "lib/common/format/copy_format.h"
#include "lib/common/format/stream_summary.h"
#include "lib/common/stream/stream_reader.h"
#include "tools/toc/commands.h"
#include "tools/toc/table_pattern.h"

namespace segstream::toc {

namespace {

// Identity of a table across parts and streams: every part and segment of it is one table.
std::string Identity(const TableInfo& info) { return info.QualifiedName(); }

class Extraction {
 public:
  Extraction(const Input& in, const TocOptions& options, BufferedSink* out,
             std::vector<TablePattern> patterns)
      : in_(in),
        options_(options),
        out_(out),
        patterns_(std::move(patterns)),
        matched_(patterns_.size(), false) {}

  // Fails before any output when the input's index shows a TABLE is not there.
  Status CheckAgainstIndex() {
    auto indexed = ReadIndexedSummaries(in_.fd);
    if (!indexed.ok() || !indexed->has_value()) return Status::Ok();
    for (const auto& stream : **indexed)
      for (const auto& t : stream.tables) NoteMatches(t.info);
    Status st = UnknownTables();
    std::fill(matched_.begin(), matched_.end(), false);
    return st;
  }

  // One read of the input, writing the tables matched by patterns_[selected...].
  Status Pass(const std::set<size_t>& selected) {
    BufferedSource source(in_.fd, in_.name);
    StreamReader reader(&source);
    std::unordered_map<uint32_t, std::string> chosen;  // table id in this stream -> identity
    CopyFormat stream_format = CopyFormat::kText;
    std::string writing;             // identity whose rows were written last
    std::set<std::string> finished;  // identities left behind for another table
    for (;;) {
      Event ev;
      Status st = reader.Next(&ev);
      if (!st.ok()) return InContext(std::move(st), in_.name);
      switch (ev.type) {
        case EventType::kEnd: return Status::Ok();
        case EventType::kStreamBegin:
          chosen.clear();  // table ids are per stream
          stream_format = ev.stream->copy_format;
          break;
        case EventType::kTableBegin: {
          std::vector<size_t> hits = NoteMatches(ev.table->info);
          bool take = false;
          for (size_t i : hits) take = take || selected.count(i);
          if (!take) break;
          RETURN_IF_ERROR(StartOutput(stream_format));
          chosen[ev.table_id] = Identity(ev.table->info);
          break;
        }
        case EventType::kRows: {
          auto it = chosen.find(ev.table_id);
          if (it == chosen.end()) break;
          if (it->second != writing) {
            if (finished.count(it->second))
              return Status::Usage("tables " + writing + " and " + it->second +
                                   " are interleaved in " + in_.name +
                                   ", which cannot be read twice to extract them one at a time")
                  .WithHint("extract one table per run, or save the stream to a file first");
            if (!writing.empty()) finished.insert(writing);
            writing = it->second;
          }
          RETURN_IF_ERROR(out_->Write(ev.rows.rows()));
          break;
        }
        case EventType::kTableEnd: chosen.erase(ev.table_id); break;
        default: break;
      }
    }
  }

  Status UnknownTables() const {
    for (size_t i = 0; i < patterns_.size(); ++i)
      if (!matched_[i])
        return Status::Usage("table " + patterns_[i].text() + " is not in " + in_.name)
            .WithHint("'toc " + (in_.name == "stdin" ? std::string("FILE") : in_.name) +
                      "' lists the tables of a stream");
    return Status::Ok();
  }

  Status Finish() {
    if (format_ == CopyFormat::kBinary)
      RETURN_IF_ERROR(out_->Write(format::kPgBinaryTrailer, sizeof format::kPgBinaryTrailer));
    return out_->Flush();
  }

 private:
  std::vector<size_t> NoteMatches(const TableInfo& info) {
    std::vector<size_t> hits;
    for (size_t i = 0; i < patterns_.size(); ++i) {
      if (!patterns_[i].Matches(info.schema, info.name)) continue;
      matched_[i] = true;
      hits.push_back(i);
    }
    return hits;
  }

  // The COPY format is fixed by the first table extracted; binary output gets its file
  // header once, before the first tuple.
  Status StartOutput(CopyFormat copy_format) {
    if (!format_) {
      format_ = copy_format;
      if (format_ == CopyFormat::kBinary) {
        RETURN_IF_ERROR(RefuseTerminalOutput(out_->fd(), options_.force));
        RETURN_IF_ERROR(out_->Write(format::kPgBinaryHeader, sizeof format::kPgBinaryHeader));
      }
      return Status::Ok();
    }
    if (copy_format != format_)
      return Status::Usage(std::string("the tables to extract come in different COPY formats (") +
                           CopyFormatName(*format_) + " and " + CopyFormatName(copy_format) + ")")
          .WithHint("extract them in separate runs");
    return Status::Ok();
  }

  const Input& in_;
  const TocOptions& options_;
  BufferedSink* out_;
  std::vector<TablePattern> patterns_;
  std::vector<bool> matched_;
  std::optional<CopyFormat> format_;  // of the first table extracted
};

}  // namespace

Status Extract(const Input& in, const TocOptions& options, BufferedSink* out) {
  std::vector<TablePattern> patterns;
  std::set<std::string> seen;
  for (const auto& text : options.extract) {
    ASSIGN_OR_RETURN(TablePattern p, TablePattern::Parse(text));
    if (seen.insert(text).second) patterns.push_back(std::move(p));
  }
  size_t count = patterns.size();
  Extraction extraction(in, options, out, std::move(patterns));
  bool seekable = IsSeekableFile(in.fd);
  if (seekable) RETURN_IF_ERROR(extraction.CheckAgainstIndex());
  if (!seekable || count == 1) {
    std::set<size_t> all;
    for (size_t i = 0; i < count; ++i) all.insert(i);
    RETURN_IF_ERROR(extraction.Pass(all));
    RETURN_IF_ERROR(extraction.UnknownTables());
    return extraction.Finish();
  }
  for (size_t i = 0; i < count; ++i) {
    if (::lseek(in.fd, 0, SEEK_SET) != 0) return Status::FromErrno(errno, "seek " + in.name);
    RETURN_IF_ERROR(extraction.Pass({i}));
    // The first pass saw every table: a wrong name fails before more output is written.
    if (i == 0) RETURN_IF_ERROR(extraction.UnknownTables());
  }
  return extraction.Finish();
}

}  // namespace segstream::toc
