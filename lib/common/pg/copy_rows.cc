#include "lib/common/pg/copy_rows.h"

#include <cstring>
#include <string>

#include "lib/common/format/format.h"

namespace segstream {
Status CopyRowSplitter::FeedAny(std::span<const uint8_t> data, const RowFn& emit) {
  return format_ == CopyFormat::kBinary ? FeedBinary(data, emit) : FeedText(data, emit);
}

size_t CopyRowSplitter::TextRowEnd(std::span<const uint8_t> data) {
  const uint8_t* begin = data.data();
  const uint8_t* end = begin + data.size();
  if (format_ == CopyFormat::kText) {
    // COPY text writes a newline inside a value as \n: a raw one always ends the row.
    auto nl = static_cast<const uint8_t*>(std::memchr(begin, '\n', data.size()));
    return nl ? static_cast<size_t>(nl - begin) + 1 : 0;
  }
  // csv: a newline inside a quoted field is data. "" inside quotes toggles twice.
  for (const uint8_t* p = begin; p < end;) {
    auto nl = static_cast<const uint8_t*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const uint8_t* stop = nl ? nl : end;
    for (const uint8_t* q = p;
         (q = static_cast<const uint8_t*>(std::memchr(q, '"', static_cast<size_t>(stop - q)))); ++q)
      in_quotes_ = !in_quotes_;
    if (!nl) return 0;
    if (!in_quotes_) return static_cast<size_t>(nl - begin) + 1;
    p = nl + 1;
  }
  return 0;
}

Status CopyRowSplitter::FeedText(std::span<const uint8_t> data, const RowFn& emit) {
  if (!pending_.empty()) {
    size_t end = TextRowEnd(data);
    if (end == 0) {
      pending_.insert(pending_.end(), data.begin(), data.end());
      return Status::Ok();
    }
    pending_.insert(pending_.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(end));
    Status st = emit(pending_);
    pending_.clear();
    RETURN_IF_ERROR(st);
    data = data.subspan(end);
  }
  while (!data.empty()) {
    size_t end = TextRowEnd(data);
    if (end == 0) {
      pending_.assign(data.begin(), data.end());
      return Status::Ok();
    }
    RETURN_IF_ERROR(emit(data.first(end)));
    data = data.subspan(end);
  }
  return Status::Ok();
}

Result<int64_t> CopyRowSplitter::BinaryUnit(std::span<const uint8_t> data) const {
  if (!header_done_) {
    constexpr size_t kFixed = sizeof(format::kPgBinaryHeader);
    if (data.size() < kFixed) return int64_t{0};
    if (std::memcmp(data.data(), format::kPgBinaryHeader, 11) != 0)
      return Status::Server("binary COPY data does not start with the PGCOPY signature");
    int32_t ext = Be32(data.data() + 15);
    if (ext < 0) return Status::Server("binary COPY header extension has a negative length");
    int64_t size = static_cast<int64_t>(kFixed) + ext;
    return static_cast<int64_t>(data.size()) < size ? 0 : size;
  }
  const int64_t size = TupleSize(data);
  if (size == kNegativeCount) return Status::Server("binary COPY tuple has a negative field count");
  if (size == kNegativeLength) return Status::Server("binary COPY field has a negative length");
  return size;  // the trailer's kTrailer is BinaryUnit's -1 too
}

Status CopyRowSplitter::FeedBinary(std::span<const uint8_t> data, const RowFn& emit) {
  if (trailer_seen_) {
    if (data.empty()) return Status::Ok();
    return Status::Server("binary COPY data continues after its trailer");
  }
  const bool gathered = !pending_.empty();
  if (gathered) pending_.insert(pending_.end(), data.begin(), data.end());
  std::span<const uint8_t> buf = gathered ? std::span<const uint8_t>(pending_) : data;
  size_t consumed = 0;
  while (consumed < buf.size()) {
    ASSIGN_OR_RETURN(int64_t unit, BinaryUnit(buf.subspan(consumed)));
    if (unit == 0) break;
    if (unit == -1) {
      trailer_seen_ = true;
      consumed += 2;
      if (consumed != buf.size())
        return Status::Server("binary COPY data continues after its trailer");
      break;
    }
    if (header_done_) RETURN_IF_ERROR(emit(buf.subspan(consumed, static_cast<size_t>(unit))));
    header_done_ = true;
    consumed += static_cast<size_t>(unit);
  }
  if (gathered) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(consumed));
  } else {
    pending_.assign(buf.begin() + static_cast<ptrdiff_t>(consumed), buf.end());
  }
  return Status::Ok();
}

Status CopyRowSplitter::Finish() const {
  if (!pending_.empty())
    return Status::Server("COPY data ended inside a row (" + std::to_string(pending_.size()) +
                          " bytes of it arrived)");
  if (format_ == CopyFormat::kBinary && !trailer_seen_)
    return Status::Server(header_done_ ? "binary COPY data ended without its trailer"
                                       : "binary COPY data ended without its header");
  return Status::Ok();
}

}  // namespace segstream
