// StreamReader: reads one stream or several concatenated streams as a sequence of events,
// checking everything the format promises: frame checksums, that tables begin before
// their data and end once, that each table's trailer agrees with its data (rows, bytes,
// frames, digest), that the stream trailer agrees with the stream, and that the input does
// not stop before a stream trailer. Memory is one frame plus per-open-table counters.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "lib/common/format/codec.h"
#include "lib/common/format/frame_reader.h"
#include "lib/common/format/stream_meta.h"

namespace segstream {

struct ReaderOptions {
  // Decompress DATA frames, split them into rows and check trailers' rows, bytes and digest.
  // Off, a reader only checks frame checksums and frame counts (fast listing).
  bool decode_rows = true;
  // For readers that want the verdict, not the rows: with a source whose views are stable
  // (BufferedSource::MapFile), DATA frames are checked on this many worker threads and
  // give kDataFrame events instead of kRows; every check and error is the same. 0, or an
  // unmapped source, checks them on the calling thread.
  unsigned verify_threads = 0;
  // Off: rows and bytes are still counted and checked, but not the digest, which costs a
  // hash of every row. Only for a caller that hashes every row itself (a writer does) and
  // checks its sum against each kTableEnd trailer: segsplit, which would hash twice.
  bool check_digests = true;
};

enum class EventType {
  kStreamBegin,  // a stream header was read; `stream` is set
  kTableBegin,   // `table` is set
  kRows,         // `rows` holds one DATA frame's rows (only with decode_rows)
  kDataFrame,    // one DATA frame, not decoded (without decode_rows)
  kTableEnd,     // `trailer` is set and verified against the data (rows, bytes, frames,
                 // and the digest unless check_digests is off)
  kSql,          // `sql` is set
  kStreamEnd,    // `stream_totals` is set and verified
  kEnd,          // end of input after complete streams
};

// One open table as the reader tracks it.
struct TableState {
  TableInfo info;
  TableTotals seen;  // counted from the data (decode_rows) ...
  uint64_t frames = 0;
  uint64_t stored_bytes = 0;  // payload bytes as stored
  uint64_t raw_bytes = 0;     // payload bytes after decompression
  uint8_t codecs_seen = 0;    // bit i set: a frame used codec i
};

struct Event {
  EventType type = EventType::kEnd;
  uint32_t table_id = 0;
  const StreamInfo* stream = nullptr;  // the current stream, set for every event but kEnd
  const TableState* table = nullptr;   // for table events
  DataPayloadView rows;
  TableTrailer trailer;
  SqlSection sql;
  StreamTotals stream_totals;
  RawFrame frame;              // the underlying frame (not for kStreamBegin's preamble)
  uint64_t stream_number = 0;  // 1-based count of streams read in this input
};

class DataFrameVerifier;

class StreamReader {
 public:
  StreamReader(BufferedSource* source, ReaderOptions options = {});
  ~StreamReader();
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;
  // The next event. After an error the reader must not be used again.
  Status Next(Event* event);
  uint64_t offset() const { return frames_.offset(); }

 private:
  Status NextInOrder(Event* event);
  Status HandleFrame(const RawFrame& frame, Event* event, bool* emitted);
  Status OnTableBegin(const RawFrame& frame, Event* event);
  Status OnData(const RawFrame& frame, Event* event);
  Status OnTableEnd(const RawFrame& frame, Event* event);
  Status OnStreamEnd(const RawFrame& frame, Event* event);
  // Gives back a mapped source's pages before `offset` once a release step has passed.
  void ReleaseMappedBefore(uint64_t offset);
  Result<Json> DecodeJson(const RawFrame& frame, const char* what);
  Result<std::span<const uint8_t>> RawPayload(const RawFrame& frame);
  Status Fail(Status status, const RawFrame& frame, const TableState* table = nullptr);

  enum class State { kBetweenStreams, kExpectHeader, kInStream, kAfterStreamEnd };

  BufferedSource* source_;
  FrameReader frames_;
  ReaderOptions options_;
  std::unique_ptr<DataFrameVerifier> verifier_;  // with verify_threads on a mapped source
  uint64_t released_before_ = 0;                 // mapped input given back below this
  FrameDecompressor decompressor_;
  std::vector<uint8_t> raw_buffer_;
  State state_ = State::kBetweenStreams;
  StreamInfo stream_;
  uint64_t stream_number_ = 0;
  uint64_t stream_frames_ = 0;
  StreamTotals seen_totals_;
  std::unordered_map<uint32_t, std::unique_ptr<TableState>> open_tables_;
  std::unique_ptr<TableState> closing_table_;  // the table of the last kTableEnd event
};

}  // namespace segstream
