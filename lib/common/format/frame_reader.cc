#include "lib/common/format/frame_reader.h"

#include <algorithm>

namespace segstream {

Status CheckFrameChecksum(const uint8_t header[format::kFrameHeaderSize],
                          std::span<const uint8_t> stored, uint64_t offset, uint64_t number) {
  if (FrameChecksumMatches(header, stored)) return Status::Ok();
  return Status::Corrupt("frame checksum mismatch").WithOffset(offset).WithFrame(number);
}

Result<FrameReader::Item> FrameReader::Next(RawFrame* frame) {
  uint64_t offset = source_->offset();
  ASSIGN_OR_RETURN(auto first, source_->Peek(1));
  if (first.empty()) {
    if (!started_) return Status::Corrupt("empty input: not a segstream");
    return Item::kEnd;
  }
  if (first[0] == format::kMagic[0] || !started_) {
    ASSIGN_OR_RETURN(auto pre, source_->ReadUpTo(format::kPreambleSize));
    if (pre.size() < format::kPreambleSize &&
        std::equal(pre.begin(), pre.begin() + std::min<size_t>(8, pre.size()), format::kMagic))
      return Status::Corrupt("truncated stream preamble").WithOffset(offset);
    Status st = CheckPreamble(pre);
    if (!st.ok()) return std::move(st).WithOffset(offset);
    started_ = true;
    return Item::kPreamble;
  }

  uint64_t number = frames_ + 1;
  ASSIGN_OR_RETURN(auto hdr, source_->ReadUpTo(format::kFrameHeaderSize));
  if (hdr.size() < format::kFrameHeaderSize)
    return Status::Corrupt("truncated frame header").WithOffset(offset).WithFrame(number);
  frame->header = DecodeFrameHeader(hdr.data());
  Status valid = ValidateFrameHeader(frame->header);
  if (!valid.ok()) return std::move(valid).WithOffset(offset).WithFrame(number);
  // Keep the header bytes: the payload read below may move the buffer.
  uint8_t header_copy[format::kFrameHeaderSize];
  std::copy(hdr.begin(), hdr.end(), header_copy);

  ASSIGN_OR_RETURN(auto payload, source_->ReadUpTo(frame->header.stored_len));
  if (payload.size() < frame->header.stored_len)
    return Status::Corrupt("truncated frame payload: " + std::to_string(payload.size()) + " of " +
                           std::to_string(frame->header.stored_len) + " bytes")
        .WithOffset(offset)
        .WithFrame(number);
  frame->checksum_checked =
      !(defer_data_checksums_ && frame->header.frame_type() == format::FrameType::kData);
  if (frame->checksum_checked)
    RETURN_IF_ERROR(CheckFrameChecksum(header_copy, payload, offset, number));
  std::copy(header_copy, header_copy + format::kFrameHeaderSize, header_bytes_);
  frame->header_bytes = std::span<const uint8_t>(header_bytes_, format::kFrameHeaderSize);
  frame->stored = payload;
  frame->offset = offset;
  frame->number = number;
  frames_ = number;
  return Item::kFrame;
}

}  // namespace segstream
