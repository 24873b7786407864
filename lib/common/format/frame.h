// Encoding and decoding of the fixed parts of the format: preamble, frame header, and the
// layout of a DATA payload. No I/O here; FrameReader and StreamWriter do that.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/format/checksum.h"
#include "lib/common/format/format.h"

namespace segstream {

struct FrameHeader {
  uint8_t type = 0;
  uint8_t flags = 0;
  format::Codec codec = format::Codec::kNone;
  uint32_t table_id = 0;
  uint32_t stored_len = 0;
  uint32_t raw_len = 0;
  uint64_t checksum = 0;

  bool optional() const { return flags & format::kFlagOptional; }
  format::FrameType frame_type() const { return static_cast<format::FrameType>(type); }
};

// Writes a preamble with a valid check value; tests pass other versions to build streams
// that only the version check rejects.
void EncodePreamble(uint8_t out[format::kPreambleSize], uint16_t major = format::kVersionMajor,
                    uint16_t minor = format::kVersionMinor);
// Checks magic, version and the preamble's own check value.
Status CheckPreamble(std::span<const uint8_t> preamble);
bool StartsWithMagic(std::span<const uint8_t> bytes);

// Writes the 24 header bytes; computes the checksum over them and `stored`.
void EncodeFrameHeader(FrameHeader* header, std::span<const uint8_t> stored,
                       uint8_t out[format::kFrameHeaderSize]);
// The same for a payload stored as `head` then `tail` (h->stored_len must be their sum).
void EncodeFrameHeaderParts(FrameHeader* h, std::span<const uint8_t> head,
                            std::span<const uint8_t> tail, uint8_t out[format::kFrameHeaderSize]);
FrameHeader DecodeFrameHeader(const uint8_t in[format::kFrameHeaderSize]);
// Everything that can be checked before the payload is read: flags, codec, lengths within
// the format's limits. Runs before any allocation sized by the header.
Status ValidateFrameHeader(const FrameHeader& header);
bool FrameChecksumMatches(const uint8_t in[format::kFrameHeaderSize],
                          std::span<const uint8_t> stored);

// LEB128, as used for row lengths.
size_t PutVarint32(uint32_t value, uint8_t* out);
// Returns bytes consumed, 0 if malformed or running past `end`. Inline: it runs once per
// row on every read.
inline size_t GetVarint32(const uint8_t* p, const uint8_t* end, uint32_t* value) {
  if (p < end && !(p[0] & 0x80)) {  // rows under 128 bytes
    *value = p[0];
    return 1;
  }
  uint32_t v = 0;
  for (size_t i = 0; i < format::kMaxVarintBytes && p + i < end; ++i) {
    uint8_t b = p[i];
    if (i == 4 && b > 0x0f) return 0;  // would overflow 32 bits
    v |= uint32_t(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *value = v;
      return i + 1;
    }
  }
  return 0;
}

// Accumulates rows for one DATA payload: u32 count | varint lengths | rows. The rows are
// stored after some free room, where Payload() writes the count and lengths: the payload
// is then contiguous without copying the rows a second time.
class DataPayloadBuilder {
 public:
  DataPayloadBuilder();
  void AddRow(std::span<const uint8_t> row);
  uint32_t row_count() const { return row_count_; }
  size_t rows_bytes() const { return buf_.size() - room_; }
  // Size of the payload Serialize() would produce.
  size_t payload_size() const { return 4 + lengths_.size() + rows_bytes(); }
  bool empty() const { return row_count_ == 0; }
  // The whole payload, in place: valid until the next AddRow, Clear or SerializeTo.
  std::span<const uint8_t> Payload();
  // Appends the payload to *out and clears the builder (keeping its capacity).
  void SerializeTo(std::vector<uint8_t>* out);
  void Clear();

 private:
  uint32_t row_count_ = 0;
  std::vector<uint8_t> lengths_;
  size_t room_;               // bytes of buf_ before the first row
  std::vector<uint8_t> buf_;  // room_ bytes, then the rows
};

// A validated view of a raw DATA payload.
class DataPayloadView {
 public:
  // Checks that the count, lengths and row bytes agree exactly. With `totals`, also adds
  // every row to it in the same pass (verification reads each row once).
  // `totals`, when given, gets the frame's rows and bytes, and with `digest` their digest.
  static Result<DataPayloadView> Parse(std::span<const uint8_t> raw, TableTotals* totals = nullptr,
                                       bool digest = true);
  uint32_t row_count() const { return row_count_; }
  // All rows back to back: exactly the COPY bytes.
  std::span<const uint8_t> rows() const { return rows_; }

  // Iterates rows in order: `for (auto it = view.begin(); it.Next(&row);)`.
  class Cursor {
   public:
    bool Next(std::span<const uint8_t>* row);

   private:
    friend class DataPayloadView;
    const uint8_t* len_pos_ = nullptr;
    const uint8_t* len_end_ = nullptr;
    const uint8_t* row_pos_ = nullptr;
  };
  Cursor begin() const;

 private:
  uint32_t row_count_ = 0;
  std::span<const uint8_t> lengths_;
  std::span<const uint8_t> rows_;
};

}  // namespace segstream
