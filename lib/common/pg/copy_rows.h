// COPY TO output split into rows by the COPY format itself. PostgreSQL happens to send one
// row per CopyData message, but its protocol does not promise it, and a Greenplum
// coordinator sends several rows in one message (and may cut one across two). So nothing
// may take a message for a row: text rows end at a newline, csv rows at a newline outside
// quotes, binary tuples where their field lengths say.
//
// Rows that arrive whole inside one message are passed on as views of it, without a copy
// (PostgreSQL's case); only a row cut across messages is gathered first.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/format/copy_format.h"

namespace segstream {

class CopyRowSplitter {
 public:
  using RowFn = std::function<Status(std::span<const uint8_t> row)>;

  explicit CopyRowSplitter(CopyFormat format) : format_(format) {}

  // Calls `emit` for every row completed by `data`, in order. Binary: the file header is
  // checked and dropped, and the trailer ends the data; binary rows are the tuples alone.
  // A kServer status for output no COPY writes (a bad header, bytes after the trailer).
  template <typename Emit>
  Status Feed(std::span<const uint8_t> data, Emit&& emit) {
    // Binary, inline: whole tuples are passed on however many a message holds; what is
    // left (a cut tuple, the trailer, a bad length) goes the long way, which judges it.
    if (format_ == CopyFormat::kBinary) {
      if (header_done_ && !trailer_seen_ && pending_.empty()) {
        for (int64_t len; (len = TupleSize(data)) > 0;) {
          RETURN_IF_ERROR(emit(data.first(static_cast<size_t>(len))));
          data = data.subspan(static_cast<size_t>(len));
        }
        if (data.empty()) return Status::Ok();
      }
      return FeedAny(data, RowFn(std::ref(emit)));
    }
    // Text and csv, PostgreSQL's case inline: nothing pending, the message exactly one row.
    if (pending_.empty() && !data.empty() && data.back() == '\n' &&
        !std::memchr(data.data(), '\n', data.size() - 1) &&
        (format_ == CopyFormat::kText || !std::memchr(data.data(), '"', data.size())))
      return emit(data);
    return FeedAny(data, RowFn(std::ref(emit)));
  }
  // At the end of the COPY: a row left unfinished (or binary data without its trailer) is
  // a kServer status.
  Status Finish() const;

 private:
  Status FeedAny(std::span<const uint8_t> data, const RowFn& emit);
  // What starts `data` once the header is done: the size of a whole tuple (> 0), 0 when
  // more bytes are needed, or one of these. The inline path and BinaryUnit both walk with it.
  static constexpr int64_t kTrailer = -1, kNegativeCount = -2, kNegativeLength = -3;
  // The protocol's big-endian int32 (GCC and clang make this one load and a byte swap).
  static int32_t Be32(const uint8_t* p) {
    return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                (uint32_t{p[2]} << 8) | uint32_t{p[3]});
  }
  static int64_t TupleSize(std::span<const uint8_t> data) {
    const uint8_t* p = data.data();
    const size_t n = data.size();
    if (n < 2) return 0;
    const int fields = static_cast<int16_t>((p[0] << 8) | p[1]);
    if (fields == -1) return kTrailer;
    if (fields < 0) return kNegativeCount;
    size_t at = 2;
    for (int f = 0; f < fields; ++f) {
      if (n - at < 4) return 0;
      const int32_t len = Be32(p + at);
      at += 4;
      if (len == -1) continue;  // NULL
      if (len < 0) return kNegativeLength;
      if (n - at < static_cast<size_t>(len)) return 0;
      at += static_cast<size_t>(len);
    }
    return static_cast<int64_t>(at);
  }
  // Where the row starting at `data[0]` ends (one past its newline), continuing the quote
  // state of the bytes already gathered; 0 when `data` does not finish it.
  size_t TextRowEnd(std::span<const uint8_t> data);
  Status FeedText(std::span<const uint8_t> data, const RowFn& emit);
  Status FeedBinary(std::span<const uint8_t> data, const RowFn& emit);
  // The length of the binary tuple (or header) at the start of `data`, or 0 when more
  // bytes are needed; -1 for the trailer.
  Result<int64_t> BinaryUnit(std::span<const uint8_t> data) const;

  CopyFormat format_;
  std::vector<uint8_t> pending_;  // a row cut across messages, so far
  bool in_quotes_ = false;        // csv: inside a quoted field at the end of `pending_`
  bool header_done_ = false;      // binary
  bool trailer_seen_ = false;     // binary
};

}  // namespace segstream
