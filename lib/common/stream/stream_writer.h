// StreamWriter writes one stream (or several in a row) to a sink. Tables are opened,
// written and closed through it; any number may be open at once, and it is safe to call
// from several threads, so parallel dump jobs share one output. Each TableWriter belongs
// to one thread: it frames and compresses rows without holding the writer's lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "lib/common/format/codec.h"
#include "lib/common/format/frame.h"
#include "lib/common/format/stream_meta.h"
#include "lib/common/format/stream_summary.h"
#include "lib/common/io/byte_io.h"

namespace segstream {

struct WriterOptions {
  size_t frame_size = format::kDefaultFrameSize;  // target raw size of a DATA frame
  format::Codec codec = format::Codec::kNone;
  int level = 0;
  // Append INDEX + INDEX_POINTER after the stream trailer. On by default, pipes included:
  // the writer knows every offset either way, and a pipe often ends in a file
  // (`dump-stream | ssh host 'cat > app.sgs'`) that toc should list without a scan.
  bool write_index = true;
};

class TableWriter;

class StreamWriter {
 public:
  StreamWriter(BufferedSink* sink, WriterOptions options);
  const WriterOptions& options() const { return options_; }

  // Preamble and stream header; also starts a new stream after Finish().
  Status Begin(const StreamInfo& info);
  // Opens a table; table_id 0 picks the next free id.
  Result<uint32_t> OpenTable(const TableInfo& info, uint32_t table_id = 0);
  // One DATA frame, already encoded (and compressed with `codec` when not kNone).
  Status WriteData(uint32_t table_id, format::Codec codec, uint32_t raw_len,
                   std::span<const uint8_t> stored);
  // One uncompressed DATA frame whose payload is `head` then `tail`, written without
  // joining them (a row of hundreds of MB is not copied to be framed).
  Status WriteDataParts(uint32_t table_id, std::span<const uint8_t> head,
                        std::span<const uint8_t> tail);
  Status CloseTable(uint32_t table_id, const TableTrailer& trailer);
  Status WriteSql(const SqlSection& sql);
  // Stream trailer (totals of what was written), the index if asked, then a flush.
  Status Finish();
  // A writer for one table's rows; the table is opened here.
  Result<std::unique_ptr<TableWriter>> NewTable(const TableInfo& info);
  const StreamSummary& summary() const { return summary_.summary(); }

 private:
  Status WriteFrameLocked(format::FrameType type, uint8_t flags, uint32_t table_id,
                          format::Codec codec, uint32_t raw_len, std::span<const uint8_t> stored,
                          std::span<const uint8_t> stored_tail = {});
  Status WriteJsonLocked(format::FrameType type, uint8_t flags, uint32_t table_id, const Json& j);

  BufferedSink* sink_;
  WriterOptions options_;
  std::mutex mu_;
  uint64_t stream_start_ = 0;  // sink offset of the current stream's preamble
  uint64_t frames_ = 0;
  StreamTotals totals_;
  uint32_t next_table_id_ = 1;
  SummaryBuilder summary_;
  std::vector<uint8_t> scratch_;
};

class TableWriter {
 public:
  TableWriter(StreamWriter* stream, uint32_t table_id);
  // Adds one row exactly as COPY produced it. A row of at least the frame size gets a
  // frame of its own, written uncompressed straight from `row` (one copy when compressing),
  // and buffers grown for it are given back: memory stays a small multiple of the largest
  // row, not of every large row a table has.
  Status AddRow(std::span<const uint8_t> row);
  // Flushes the last frame and writes the table trailer.
  Status Finish();
  const TableTotals& totals() const { return totals_; }
  uint32_t table_id() const { return table_id_; }

 private:
  Status FlushFrame();
  Status WriteLargeRow(std::span<const uint8_t> row);
  void ReleaseLargeBuffers();

  StreamWriter* stream_;
  uint32_t table_id_;
  DataPayloadBuilder builder_;
  std::unique_ptr<FrameCompressor> compressor_;
  std::vector<uint8_t> raw_;
  std::vector<uint8_t> compressed_;
  TableTotals totals_;
  uint64_t frames_ = 0;
};

}  // namespace segstream
