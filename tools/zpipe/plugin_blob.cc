#include "tools/zpipe/plugin_blob.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "lib/common/base/text_escape.h"
#include "lib/common/cli/version.h"
#include "lib/common/stream/stream_reader.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream::plugin {

namespace {

constexpr const char* kToolName = "gpbackup_segstream_plugin";
constexpr const char* kIdentityKey = "gpbackup_plugin";
constexpr const char* kSchema = "gpbackup";
// Rows well under the frame size, so frames hold several and are compressed (a row of a
// frame's size or more is stored uncompressed in a frame of its own).
constexpr size_t kChunk = 128 << 10;

std::string BaseName(const std::string& key) {
  size_t slash = key.rfind('/');
  std::string base = slash == std::string::npos ? key : key.substr(slash + 1);
  return base.empty() ? key : base;
}

// Writes the verified bytes of one DATA frame that fall in the current ranges.
class RangeWriter {
 public:
  RangeWriter(BufferedSink* out, const std::vector<ByteRange>* ranges)
      : out_(out), ranges_(ranges) {}

  Status Write(std::span<const uint8_t> bytes) {
    uint64_t start = pos_;
    pos_ += bytes.size();
    if (!ranges_) return out_->Write(bytes);
    while (next_ < ranges_->size()) {
      const ByteRange& r = (*ranges_)[next_];
      if (r.begin >= pos_) break;  // starts in a later frame
      uint64_t from = std::max(r.begin, start), to = std::min(r.end, pos_);
      if (from < to) RETURN_IF_ERROR(out_->Write(bytes.subspan(from - start, to - from)));
      if (r.end > pos_) break;  // continues in the next frame
      ++next_;
    }
    return Status::Ok();
  }

  // Ranges reaching past the object's end are the caller's offsets disagreeing with it.
  Status Finish(const std::string& key) const {
    if (!ranges_) return Status::Ok();
    for (size_t i = next_; i < ranges_->size(); ++i)
      if ((*ranges_)[i].end > pos_ || (*ranges_)[i].begin > pos_)
        return Status::Corrupt("offsets reach byte " + std::to_string((*ranges_)[i].end) +
                               ", past the end of " + EscapeForMessage(key) + " (" +
                               std::to_string(pos_) + " bytes)");
    return Status::Ok();
  }

 private:
  BufferedSink* out_;
  const std::vector<ByteRange>* ranges_;
  size_t next_ = 0;
  uint64_t pos_ = 0;
};

}  // namespace

Status WriteBlob(int in_fd, const std::string& in_name, const BlobIdentity& id,
                 const BlobOptions& options, BufferedSink* out) {
  WriterOptions wo;
  wo.codec = options.codec;
  wo.level = options.level;
  StreamWriter writer(out, wo);
  StreamInfo si;
  si.producer = ProducerName(kToolName);
  si.stream_id = RandomHexId();
  si.created_at = NowIso8601();
  si.extra[kIdentityKey] = Json{{"kind", id.kind}, {"key", id.key}};
  RETURN_IF_ERROR(writer.Begin(si));
  TableInfo ti;
  ti.schema = kSchema;
  ti.name = BaseName(id.key);
  ti.extra[kIdentityKey] = Json{{"kind", id.kind}, {"key", id.key}};
  ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> table, writer.NewTable(ti));
  std::vector<uint8_t> buf(kChunk);
  for (;;) {
    // Fill whole chunks: a pipe hands over 64 KiB at a time, and rows of one size keep the
    // row table small.
    size_t used = 0;
    bool eof = false;
    while (used < buf.size()) {
      ASSIGN_OR_RETURN(size_t got, ReadSome(in_fd, buf.data() + used, buf.size() - used, in_name));
      if (got == 0) {
        eof = true;
        break;
      }
      used += got;
    }
    if (used > 0) RETURN_IF_ERROR(table->AddRow({buf.data(), used}));
    if (eof) break;
  }
  RETURN_IF_ERROR(table->Finish());
  return writer.Finish();
}

Status ReadBlob(BufferedSource* in, const std::string& key, BufferedSink* out,
                const std::vector<ByteRange>* ranges) {
  StreamReader reader(in);
  RangeWriter writer(out, ranges);
  int streams = 0, tables = 0;
  bool ended = false;
  auto not_ours = [&](const std::string& why) {
    return Status::Corrupt("the object stored for " + EscapeForMessage(key) + " " + why);
  };
  for (;;) {
    Event ev;
    Status st = reader.Next(&ev);
    if (!st.ok()) return std::move(st).Prefix("stored object for " + EscapeForMessage(key));
    switch (ev.type) {
      case EventType::kStreamBegin: {
        if (++streams > 1) return not_ours("holds more than one stream");
        auto it = ev.stream->extra.find(kIdentityKey);
        if (it == ev.stream->extra.end() || !it->is_object())
          return not_ours("was not written by this plugin");
        auto stored = it->find("key");
        if (stored == it->end() || !stored->is_string() || stored->get<std::string>() != key)
          return not_ours("names another key (" +
                          EscapeForMessage(stored != it->end() ? stored->dump() : "none") + ")");
        break;
      }
      case EventType::kTableBegin:
        if (++tables > 1) return not_ours("holds more than one table");
        break;
      case EventType::kRows: RETURN_IF_ERROR(writer.Write(ev.rows.rows())); break;
      case EventType::kTableEnd: break;
      case EventType::kSql: return not_ours("holds a schema section");
      case EventType::kStreamEnd: ended = true; break;
      case EventType::kDataFrame: break;
      case EventType::kEnd:
        if (!ended || tables != 1) return not_ours("is empty or incomplete");
        RETURN_IF_ERROR(writer.Finish(key));
        return out->Flush();
    }
  }
}

std::vector<std::vector<ByteRange>> RangePasses(std::span<const ByteRange> ranges) {
  std::vector<std::vector<ByteRange>> passes;
  for (const ByteRange& r : ranges) {
    if (passes.empty() || r.begin < passes.back().back().end) passes.emplace_back();
    passes.back().push_back(r);
  }
  return passes;
}

}  // namespace segstream::plugin
