// What a stream holds, per table, without its rows: what `toc` lists, and what the INDEX
// frame at the end of a seekable file stores so that listing it needs no scan.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/common/format/frame.h"
#include "lib/common/format/stream_meta.h"

namespace segstream {

struct TableSummary {
  uint32_t table_id = 0;
  TableInfo info;
  std::optional<TableTrailer> trailer;  // unset while the table is open
  uint64_t frames = 0;
  uint64_t stored_bytes = 0;  // DATA payload bytes as stored (compressed)
  uint64_t raw_bytes = 0;     // DATA payload bytes decompressed
  uint8_t codecs = 0;         // bit i: some frame used codec i
  uint64_t offset = 0;        // of the table-begin frame, from the stream start

  std::string CodecList() const;  // "zstd", "none+zstd"
  Json ToJson() const;
  static Result<TableSummary> FromJson(const Json& j);
};

struct StreamSummary {
  StreamInfo info;
  std::vector<TableSummary> tables;  // in table-begin order
  std::vector<std::string> sql_sections;
  std::optional<StreamTotals> totals;  // unset until the stream trailer
  uint64_t stored_bytes = 0;           // whole stream, preamble to trailer

  Json ToJson() const;
  static Result<StreamSummary> FromJson(const Json& j);
};

// Builds a StreamSummary from what a writer writes or a reader reads.
class SummaryBuilder {
 public:
  void OnStreamBegin(const StreamInfo& info);
  void OnTableBegin(uint32_t id, const TableInfo& info, uint64_t offset);
  void OnData(uint32_t id, const FrameHeader& header);
  void OnTableEnd(uint32_t id, const TableTrailer& trailer);
  void OnSql(const SqlSection& sql);
  void OnStreamEnd(const StreamTotals& totals, uint64_t stream_bytes);
  const StreamSummary& summary() const { return summary_; }

 private:
  StreamSummary summary_;
  std::map<uint32_t, size_t> open_;  // table id -> index in summary_.tables
};

// INDEX_POINTER payload: where the INDEX frame and the pointer itself are, both counted from
// the start of their stream, so a reader can find the stream's start from the file's end
// and walk back through concatenated streams.
struct IndexPointer {
  uint64_t index_offset = 0;
  uint64_t pointer_offset = 0;
};
inline constexpr size_t kIndexPointerPayloadSize = 16;
inline constexpr size_t kIndexPointerFrameSize =
    format::kFrameHeaderSize + kIndexPointerPayloadSize;
void EncodeIndexPointer(const IndexPointer& p, uint8_t out[kIndexPointerPayloadSize]);
IndexPointer DecodeIndexPointer(const uint8_t in[kIndexPointerPayloadSize]);

// Reads the summaries of every stream in a seekable file from their indexes, walking back
// from the end. Returns nullopt when any stream lacks an index (the caller then scans).
Result<std::optional<std::vector<StreamSummary>>> ReadIndexedSummaries(int fd);

}  // namespace segstream
