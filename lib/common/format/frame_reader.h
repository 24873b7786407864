// FrameReader: the lowest reading layer. It splits input into preambles and frames,
// bounds every length before reading, and verifies every frame checksum. It knows nothing
// of tables; StreamReader adds the meaning. Concatenated streams are one input to it.
#pragma once

#include <cstdint>
#include <span>

#include "lib/common/base/status.h"
#include "lib/common/format/frame.h"
#include "lib/common/io/byte_io.h"

namespace segstream {

struct RawFrame {
  FrameHeader header;
  std::span<const uint8_t> header_bytes;  // the 24 encoded bytes
  std::span<const uint8_t> stored;        // payload as stored; valid until the next Next()
  uint64_t offset = 0;                    // byte offset of the frame in the input
  uint64_t number = 0;                    // 1-based frame number in the input
  bool checksum_checked = true;           // false: a deferred DATA frame (see below)
};

// The frame checksum check with FrameReader's error: header bytes and payload as stored.
Status CheckFrameChecksum(const uint8_t header[format::kFrameHeaderSize],
                          std::span<const uint8_t> stored, uint64_t offset, uint64_t number);

class FrameReader {
 public:
  enum class Item { kPreamble, kFrame, kEnd };

  explicit FrameReader(BufferedSource* source) : source_(source) {}

  // Reads the next preamble or frame. Errors carry the byte offset and frame number.
  Result<Item> Next(RawFrame* frame);
  uint64_t offset() const { return source_->offset(); }
  uint64_t frames_read() const { return frames_; }
  // Leaves DATA frames' checksums to the caller (checksum_checked false), who checks them
  // with CheckFrameChecksum, on other threads, before trusting a byte of them.
  void DeferDataChecksums() { defer_data_checksums_ = true; }

 private:
  BufferedSource* source_;
  uint64_t frames_ = 0;
  bool started_ = false;
  bool defer_data_checksums_ = false;
  uint8_t header_bytes_[format::kFrameHeaderSize] = {};
};

}  // namespace segstream
