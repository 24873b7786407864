#include "lib/common/format/stream_summary.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "lib/common/format/frame_reader.h"

namespace segstream {

std::string TableSummary::CodecList() const {
  std::string out;
  for (uint8_t c = 0; c <= format::kMaxCodec; ++c) {
    if (!(codecs & (1u << c))) continue;
    if (!out.empty()) out += "+";
    out += format::CodecName(static_cast<format::Codec>(c));
  }
  return out.empty() ? "none" : out;
}

Json TableSummary::ToJson() const {
  Json j = {{"table_id", table_id}, {"table", info.ToJson()}};
  if (trailer) j["trailer"] = trailer->ToJson();
  j["frames"] = frames;
  j["stored_bytes"] = stored_bytes;
  j["raw_bytes"] = raw_bytes;
  j["codecs"] = codecs;
  j["offset"] = offset;
  return j;
}

Result<TableSummary> TableSummary::FromJson(const Json& j) {
  try {
    TableSummary t;
    t.table_id = JsonIntegerAt<uint32_t>(j, "table_id");
    ASSIGN_OR_RETURN(t.info, TableInfo::FromJson(j.at("table")));
    if (j.contains("trailer")) {
      ASSIGN_OR_RETURN(TableTrailer tr, TableTrailer::FromJson(j.at("trailer")));
      t.trailer = tr;
    }
    t.frames = JsonIntegerAt<uint64_t>(j, "frames");
    t.stored_bytes = JsonIntegerAt<uint64_t>(j, "stored_bytes");
    t.raw_bytes = JsonIntegerAt<uint64_t>(j, "raw_bytes");
    t.codecs = JsonIntegerAt<uint8_t>(j, "codecs");
    t.offset = JsonIntegerAt<uint64_t>(j, "offset");
    return t;
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("malformed index entry: ") + e.what());
  }
}

Json StreamSummary::ToJson() const {
  Json tables_json = Json::array();
  for (const auto& t : tables) tables_json.push_back(t.ToJson());
  Json j = {{"stream", info.ToJson()}, {"tables", tables_json}, {"sql_sections", sql_sections}};
  if (totals) j["totals"] = totals->ToJson();
  j["stored_bytes"] = stored_bytes;
  return j;
}

Result<StreamSummary> StreamSummary::FromJson(const Json& j) {
  try {
    StreamSummary s;
    ASSIGN_OR_RETURN(s.info, StreamInfo::FromJson(j.at("stream")));
    for (const auto& t : j.at("tables")) {
      ASSIGN_OR_RETURN(TableSummary ts, TableSummary::FromJson(t));
      s.tables.push_back(std::move(ts));
    }
    s.sql_sections = j.at("sql_sections").get<std::vector<std::string>>();
    if (j.contains("totals")) {
      ASSIGN_OR_RETURN(StreamTotals totals, StreamTotals::FromJson(j.at("totals")));
      s.totals = totals;
    }
    s.stored_bytes = JsonIntegerAt<uint64_t>(j, "stored_bytes");
    return s;
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("malformed index: ") + e.what());
  }
}

void SummaryBuilder::OnStreamBegin(const StreamInfo& info) {
  summary_ = StreamSummary();
  summary_.info = info;
  open_.clear();
}

void SummaryBuilder::OnTableBegin(uint32_t id, const TableInfo& info, uint64_t offset) {
  TableSummary t;
  t.table_id = id;
  t.info = info;
  t.offset = offset;
  open_[id] = summary_.tables.size();
  summary_.tables.push_back(std::move(t));
}

void SummaryBuilder::OnData(uint32_t id, const FrameHeader& h) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  TableSummary& t = summary_.tables[it->second];
  t.frames += 1;
  t.stored_bytes += h.stored_len;
  t.raw_bytes += h.raw_len;
  t.codecs |= uint8_t(1u << static_cast<uint8_t>(h.codec));
}

void SummaryBuilder::OnTableEnd(uint32_t id, const TableTrailer& trailer) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  summary_.tables[it->second].trailer = trailer;
  open_.erase(it);
}

void SummaryBuilder::OnSql(const SqlSection& sql) {
  // A large section arrives as consecutive chunks of one name: list it once.
  if (summary_.sql_sections.empty() || summary_.sql_sections.back() != sql.section)
    summary_.sql_sections.push_back(sql.section);
}

void SummaryBuilder::OnStreamEnd(const StreamTotals& totals, uint64_t stream_bytes) {
  summary_.totals = totals;
  summary_.stored_bytes = stream_bytes;
}

namespace {

void Put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint64_t Get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Result<std::vector<uint8_t>> PreadExact(int fd, uint64_t offset, size_t len) {
  std::vector<uint8_t> buf(len);
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, buf.data() + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "read index");
    if (n == 0) return Status::Corrupt("index points past the end of the file");
    got += static_cast<size_t>(n);
  }
  return buf;
}

// One stream's summary from the pointer frame that ends at `end`; nullopt if none is there.
Result<std::optional<std::pair<StreamSummary, uint64_t>>> ReadOneIndex(int fd, uint64_t end) {
  using Found = std::optional<std::pair<StreamSummary, uint64_t>>;
  if (end < kIndexPointerFrameSize + format::kPreambleSize) return Found();
  uint64_t pointer_at = end - kIndexPointerFrameSize;
  ASSIGN_OR_RETURN(auto frame, PreadExact(fd, pointer_at, kIndexPointerFrameSize));
  FrameHeader h = DecodeFrameHeader(frame.data());
  std::span<const uint8_t> payload(frame.data() + format::kFrameHeaderSize,
                                   kIndexPointerPayloadSize);
  if (h.frame_type() != format::FrameType::kIndexPointer ||
      h.stored_len != kIndexPointerPayloadSize || !FrameChecksumMatches(frame.data(), payload))
    return Found();
  IndexPointer p = DecodeIndexPointer(payload.data());
  if (p.pointer_offset > pointer_at || p.index_offset >= p.pointer_offset) return Found();
  uint64_t stream_start = pointer_at - p.pointer_offset;
  uint64_t index_len = p.pointer_offset - p.index_offset;
  if (index_len < format::kFrameHeaderSize || index_len > format::kMaxJsonPayload) return Found();
  ASSIGN_OR_RETURN(auto index, PreadExact(fd, stream_start + p.index_offset, index_len));
  FrameHeader ih = DecodeFrameHeader(index.data());
  std::span<const uint8_t> ipayload(index.data() + format::kFrameHeaderSize,
                                    index_len - format::kFrameHeaderSize);
  if (ih.frame_type() != format::FrameType::kIndex || ih.codec != format::Codec::kNone ||
      ih.stored_len != ipayload.size() || !FrameChecksumMatches(index.data(), ipayload))
    return Found();
  ASSIGN_OR_RETURN(auto preamble, PreadExact(fd, stream_start, format::kPreambleSize));
  if (!CheckPreamble(preamble).ok()) return Found();
  ASSIGN_OR_RETURN(Json j, ParseJsonPayload(ipayload, "index"));
  ASSIGN_OR_RETURN(StreamSummary s, StreamSummary::FromJson(j));
  return Found(std::make_pair(std::move(s), stream_start));
}

}  // namespace

void EncodeIndexPointer(const IndexPointer& p, uint8_t out[kIndexPointerPayloadSize]) {
  Put64(out, p.index_offset);
  Put64(out + 8, p.pointer_offset);
}

IndexPointer DecodeIndexPointer(const uint8_t in[kIndexPointerPayloadSize]) {
  return {Get64(in), Get64(in + 8)};
}

Result<std::optional<std::vector<StreamSummary>>> ReadIndexedSummaries(int fd) {
  using Out = std::optional<std::vector<StreamSummary>>;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return Out();
  std::vector<StreamSummary> reversed;
  uint64_t end = static_cast<uint64_t>(st.st_size);
  while (end > 0) {
    ASSIGN_OR_RETURN(auto found, ReadOneIndex(fd, end));
    if (!found) return Out();
    reversed.push_back(std::move(found->first));
    end = found->second;
  }
  if (reversed.empty()) return Out();
  return Out(std::vector<StreamSummary>(reversed.rbegin(), reversed.rend()));
}

}  // namespace segstream
