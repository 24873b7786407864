#include "lib/common/format/frame.h"

#include <algorithm>
#include <cstring>

#include "lib/common/format/checksum.h"

namespace segstream {

namespace {

void Put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
}
void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
void Put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint16_t Get16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t Get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t Get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint32_t PreambleCheck(const uint8_t* first12) {
  return static_cast<uint32_t>(XXH3_64bits(first12, 12));
}

}  // namespace

void EncodePreamble(uint8_t out[format::kPreambleSize], uint16_t major, uint16_t minor) {
  std::memcpy(out, format::kMagic, 8);
  Put16(out + 8, major);
  Put16(out + 10, minor);
  Put32(out + 12, PreambleCheck(out));
}

bool StartsWithMagic(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), format::kMagic, 8) == 0;
}

Status CheckPreamble(std::span<const uint8_t> p) {
  if (p.size() < format::kPreambleSize || !StartsWithMagic(p))
    return Status::Corrupt("not a segstream (wrong magic bytes)");
  uint16_t major = Get16(p.data() + 8);
  if (Get32(p.data() + 12) != PreambleCheck(p.data()))
    return Status::Corrupt("stream preamble checksum mismatch");
  if (major != format::kVersionMajor)
    return Status::Corrupt("unsupported segstream format version " + std::to_string(major) + "." +
                           std::to_string(Get16(p.data() + 10)))
        .WithHint("this build reads format version " + std::to_string(format::kVersionMajor) +
                  ".x; use a newer segstream");
  return Status::Ok();
}

namespace {

// The 16 checked bytes of a frame header.
void PutHeaderFields(const FrameHeader& h, uint8_t out[format::kFrameHeaderSize]) {
  out[0] = h.type;
  out[1] = h.flags;
  out[2] = static_cast<uint8_t>(h.codec);
  out[3] = 0;
  Put32(out + 4, h.table_id);
  Put32(out + 8, h.stored_len);
  Put32(out + 12, h.raw_len);
}

}  // namespace

void EncodeFrameHeader(FrameHeader* h, std::span<const uint8_t> stored,
                       uint8_t out[format::kFrameHeaderSize]) {
  PutHeaderFields(*h, out);
  h->checksum = FrameChecksum(out, stored);
  Put64(out + 16, h->checksum);
}

void EncodeFrameHeaderParts(FrameHeader* h, std::span<const uint8_t> head,
                            std::span<const uint8_t> tail, uint8_t out[format::kFrameHeaderSize]) {
  PutHeaderFields(*h, out);
  h->checksum = FrameChecksumParts(out, head, tail);
  Put64(out + 16, h->checksum);
}

FrameHeader DecodeFrameHeader(const uint8_t in[format::kFrameHeaderSize]) {
  FrameHeader h;
  h.type = in[0];
  h.flags = in[1];
  h.codec = static_cast<format::Codec>(in[2]);
  h.table_id = Get32(in + 4);
  h.stored_len = Get32(in + 8);
  h.raw_len = Get32(in + 12);
  h.checksum = Get64(in + 16);
  return h;
}

bool FrameChecksumMatches(const uint8_t in[format::kFrameHeaderSize],
                          std::span<const uint8_t> stored) {
  return FrameChecksum(in, stored) == Get64(in + 16);
}

Status ValidateFrameHeader(const FrameHeader& h) {
  if (h.type == 0 || h.type > format::kMaxFrameType)
    return Status::Corrupt("invalid frame type " + std::to_string(h.type));
  if (h.flags & ~format::kKnownFlags)
    return Status::Corrupt("unknown frame flags " + std::to_string(h.flags));
  if (static_cast<uint8_t>(h.codec) > format::kMaxCodec)
    return Status::Corrupt("unknown codec id " + std::to_string(static_cast<int>(h.codec)));
  if (h.stored_len > format::kMaxPayload || h.raw_len > format::kMaxPayload)
    return Status::Corrupt("frame length " + std::to_string(std::max(h.stored_len, h.raw_len)) +
                           " exceeds the format limit of " + std::to_string(format::kMaxPayload));
  if (h.codec == format::Codec::kNone && h.stored_len != h.raw_len)
    return Status::Corrupt("uncompressed frame with differing stored and raw lengths");
  auto type = h.frame_type();
  bool metadata = type == format::FrameType::kStreamHeader ||
                  type == format::FrameType::kTableBegin || type == format::FrameType::kTableEnd ||
                  type == format::FrameType::kStreamEnd || type == format::FrameType::kIndex ||
                  type == format::FrameType::kSql;
  if (metadata && h.raw_len > format::kMaxJsonPayload)
    return Status::Corrupt(std::string(format::FrameTypeName(h.type)) +
                           " frame exceeds the metadata limit");
  return Status::Ok();
}

size_t PutVarint32(uint32_t v, uint8_t* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = uint8_t(v | 0x80);
    v >>= 7;
  }
  out[n++] = uint8_t(v);
  return n;
}

namespace {
// Room for the count and the lengths of 16 Ki short rows; a frame of smaller rows widens it
// once (Payload), for the rest of the table.
constexpr size_t kInitialRoom = 4 + (16u << 10);
}  // namespace

DataPayloadBuilder::DataPayloadBuilder() : room_(kInitialRoom), buf_(kInitialRoom) {}

void DataPayloadBuilder::AddRow(std::span<const uint8_t> row) {
  const auto size = static_cast<uint32_t>(row.size());
  if (size < 0x80) {
    lengths_.push_back(static_cast<uint8_t>(size));  // most rows: no call to insert
  } else {
    uint8_t tmp[format::kMaxVarintBytes];
    size_t n = PutVarint32(size, tmp);
    lengths_.insert(lengths_.end(), tmp, tmp + n);
  }
  buf_.insert(buf_.end(), row.begin(), row.end());
  ++row_count_;
}

std::span<const uint8_t> DataPayloadBuilder::Payload() {
  const size_t head = 4 + lengths_.size();
  if (head > room_) {
    const size_t wider = std::max(head, 2 * room_);
    buf_.insert(buf_.begin(), wider - room_, 0);
    room_ = wider;
  }
  uint8_t* start = buf_.data() + room_ - head;
  Put32(start, row_count_);
  std::memcpy(start + 4, lengths_.data(), lengths_.size());
  return {start, head + rows_bytes()};
}

void DataPayloadBuilder::SerializeTo(std::vector<uint8_t>* out) {
  std::span<const uint8_t> payload = Payload();
  out->insert(out->end(), payload.begin(), payload.end());
  Clear();
}

void DataPayloadBuilder::Clear() {
  row_count_ = 0;
  lengths_.clear();
  buf_.resize(room_);
}

Result<DataPayloadView> DataPayloadView::Parse(std::span<const uint8_t> raw, TableTotals* totals,
                                               bool digest) {
  if (raw.size() < 4) return Status::Corrupt("data frame too short for its row count");
  DataPayloadView view;
  view.row_count_ = Get32(raw.data());
  // Every row costs at least one length byte: bounds the count before the loops.
  if (view.row_count_ > raw.size() - 4)
    return Status::Corrupt("data frame row count " + std::to_string(view.row_count_) +
                           " exceeds its size");
  const uint8_t* lengths = raw.data() + 4;
  const uint8_t* end = raw.data() + raw.size();
  // The lengths region ends after row_count varint terminators (bytes below 0x80); finding
  // it first lets one pass below decode each length and hash its row together.
  const uint8_t* rows = lengths;
  for (uint32_t seen = 0; seen < view.row_count_; ++rows) {
    if (rows == end) return Status::Corrupt("data frame has a malformed row length");
    if (!(*rows & 0x80)) ++seen;
  }
  const uint8_t* p = lengths;
  const uint8_t* row = rows;
  while (p < rows) {
    uint32_t len = 0;
    size_t n = GetVarint32(p, rows, &len);
    if (n == 0) return Status::Corrupt("data frame has a malformed row length");
    p += n;
    if (len > static_cast<size_t>(end - row))
      return Status::Corrupt("data frame row lengths do not add up to its size");
    if (totals) {
      if (digest) {
        totals->AddRow(std::span<const uint8_t>(row, len));
      } else {
        totals->rows += 1;
        totals->bytes += len;
      }
    }
    row += len;
  }
  if (row != end) return Status::Corrupt("data frame row lengths do not add up to its size");
  view.lengths_ = std::span<const uint8_t>(lengths, rows);
  view.rows_ = std::span<const uint8_t>(rows, end);
  return view;
}

DataPayloadView::Cursor DataPayloadView::begin() const {
  Cursor c;
  c.len_pos_ = lengths_.data();
  c.len_end_ = lengths_.data() + lengths_.size();
  c.row_pos_ = rows_.data();
  return c;
}

bool DataPayloadView::Cursor::Next(std::span<const uint8_t>* row) {
  if (len_pos_ >= len_end_) return false;
  uint32_t len = 0;
  len_pos_ += GetVarint32(len_pos_, len_end_, &len);  // validated by Parse
  *row = std::span<const uint8_t>(row_pos_, len);
  row_pos_ += len;
  return true;
}

}  // namespace segstream
