#include "lib/common/stream/stream_writer.h"

namespace segstream {

using format::Codec;
using format::FrameType;

StreamWriter::StreamWriter(BufferedSink* sink, WriterOptions options)
    : sink_(sink), options_(options) {}

Status StreamWriter::WriteFrameLocked(FrameType type, uint8_t flags, uint32_t table_id, Codec codec,
                                      uint32_t raw_len, std::span<const uint8_t> stored,
                                      std::span<const uint8_t> stored_tail) {
  FrameHeader h;
  h.type = static_cast<uint8_t>(type);
  h.flags = flags;
  h.codec = codec;
  h.table_id = table_id;
  h.stored_len = static_cast<uint32_t>(stored.size() + stored_tail.size());
  h.raw_len = raw_len;
  uint8_t header[format::kFrameHeaderSize];
  // One piece keeps the vectorised checksum; two are hashed as one stream.
  if (stored_tail.empty())
    EncodeFrameHeader(&h, stored, header);
  else
    EncodeFrameHeaderParts(&h, stored, stored_tail, header);
  if (type == FrameType::kData) summary_.OnData(table_id, h);
  ++frames_;
  RETURN_IF_ERROR(sink_->Write(header, sizeof header));
  RETURN_IF_ERROR(sink_->Write(stored));
  return sink_->Write(stored_tail);
}

Status StreamWriter::WriteJsonLocked(FrameType type, uint8_t flags, uint32_t table_id,
                                     const Json& j) {
  std::string text = j.dump();
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  if (bytes.size() > format::kMaxJsonPayload)
    return Status::Usage(std::string(format::FrameTypeName(static_cast<uint8_t>(type))) +
                         " metadata exceeds the format's limit");
  return WriteFrameLocked(type, flags, table_id, Codec::kNone, static_cast<uint32_t>(bytes.size()),
                          bytes);
}

Status StreamWriter::Begin(const StreamInfo& info) {
  std::lock_guard lock(mu_);
  uint8_t preamble[format::kPreambleSize];
  EncodePreamble(preamble);
  stream_start_ = sink_->offset();
  frames_ = 0;
  totals_ = StreamTotals();
  next_table_id_ = 1;
  summary_ = SummaryBuilder();
  summary_.OnStreamBegin(info);
  RETURN_IF_ERROR(sink_->Write(preamble, sizeof preamble));
  return WriteJsonLocked(FrameType::kStreamHeader, 0, 0, info.ToJson());
}

Result<uint32_t> StreamWriter::OpenTable(const TableInfo& info, uint32_t table_id) {
  std::lock_guard lock(mu_);
  if (table_id == 0)
    table_id = next_table_id_++;
  else if (table_id >= next_table_id_)
    next_table_id_ = table_id + 1;
  summary_.OnTableBegin(table_id, info, sink_->offset() - stream_start_);
  RETURN_IF_ERROR(WriteJsonLocked(FrameType::kTableBegin, 0, table_id, info.ToJson()));
  return table_id;
}

Status StreamWriter::WriteData(uint32_t table_id, Codec codec, uint32_t raw_len,
                               std::span<const uint8_t> stored) {
  std::lock_guard lock(mu_);
  return WriteFrameLocked(FrameType::kData, 0, table_id, codec, raw_len, stored);
}

Status StreamWriter::WriteDataParts(uint32_t table_id, std::span<const uint8_t> head,
                                    std::span<const uint8_t> tail) {
  std::lock_guard lock(mu_);
  return WriteFrameLocked(FrameType::kData, 0, table_id, Codec::kNone,
                          static_cast<uint32_t>(head.size() + tail.size()), head, tail);
}

Status StreamWriter::CloseTable(uint32_t table_id, const TableTrailer& trailer) {
  std::lock_guard lock(mu_);
  totals_.tables += 1;
  totals_.rows += trailer.totals.rows;
  totals_.bytes += trailer.totals.bytes;
  summary_.OnTableEnd(table_id, trailer);
  return WriteJsonLocked(FrameType::kTableEnd, 0, table_id, trailer.ToJson());
}

Status StreamWriter::WriteSql(const SqlSection& sql) {
  std::lock_guard lock(mu_);
  summary_.OnSql(sql);
  return WriteJsonLocked(FrameType::kSql, 0, 0, sql.ToJson());
}

Status StreamWriter::Finish() {
  std::lock_guard lock(mu_);
  totals_.frames = frames_;
  RETURN_IF_ERROR(WriteJsonLocked(FrameType::kStreamEnd, 0, 0, totals_.ToJson()));
  summary_.OnStreamEnd(totals_, sink_->offset() - stream_start_);
  // The index is optional: one too large for a metadata frame (millions of tables) is left
  // out, and toc scans that stream instead.
  std::string index = options_.write_index ? summary_.summary().ToJson().dump() : std::string();
  if (options_.write_index && index.size() <= format::kMaxJsonPayload) {
    IndexPointer pointer;
    pointer.index_offset = sink_->offset() - stream_start_;
    RETURN_IF_ERROR(WriteFrameLocked(
        FrameType::kIndex, format::kFlagOptional, 0, Codec::kNone,
        static_cast<uint32_t>(index.size()),
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(index.data()), index.size())));
    pointer.pointer_offset = sink_->offset() - stream_start_;
    uint8_t payload[kIndexPointerPayloadSize];
    EncodeIndexPointer(pointer, payload);
    RETURN_IF_ERROR(WriteFrameLocked(FrameType::kIndexPointer, format::kFlagOptional, 0,
                                     Codec::kNone, sizeof payload,
                                     std::span<const uint8_t>(payload, sizeof payload)));
  }
  return sink_->Flush();
}

Result<std::unique_ptr<TableWriter>> StreamWriter::NewTable(const TableInfo& info) {
  ASSIGN_OR_RETURN(uint32_t id, OpenTable(info));
  return std::make_unique<TableWriter>(this, id);
}

TableWriter::TableWriter(StreamWriter* stream, uint32_t table_id)
    : stream_(stream), table_id_(table_id) {
  if (stream->options().codec != Codec::kNone)
    compressor_ =
        std::make_unique<FrameCompressor>(stream->options().codec, stream->options().level);
}

Status TableWriter::AddRow(std::span<const uint8_t> row) {
  if (row.size() > format::kMaxPayload - format::kMaxVarintBytes - 4)
    return Status::Usage("row of " + std::to_string(row.size()) +
                         " bytes exceeds the format's frame limit");
  const size_t frame_size = stream_->options().frame_size;
  if (!builder_.empty() &&
      builder_.payload_size() + row.size() + format::kMaxVarintBytes > frame_size)
    RETURN_IF_ERROR(FlushFrame());
  totals_.AddRow(row);
  if (row.size() >= frame_size) return WriteLargeRow(row);
  builder_.AddRow(row);
  return Status::Ok();
}

Status TableWriter::WriteLargeRow(std::span<const uint8_t> row) {
  ++frames_;
  uint8_t head[4 + format::kMaxVarintBytes] = {1, 0, 0, 0};  // row count 1, little-endian
  size_t head_size = 4 + PutVarint32(static_cast<uint32_t>(row.size()), head + 4);
  std::span<const uint8_t> head_span(head, head_size);
  if (!compressor_) return stream_->WriteDataParts(table_id_, head_span, row);
  raw_.assign(head, head + head_size);
  raw_.insert(raw_.end(), row.begin(), row.end());
  Status st = compressor_->Compress(raw_, &compressed_);
  if (st.ok()) {
    auto raw_len = static_cast<uint32_t>(raw_.size());
    st = compressed_.size() < raw_.size()
             ? stream_->WriteData(table_id_, compressor_->codec(), raw_len, compressed_)
             : stream_->WriteDataParts(table_id_, head_span, row);
  }
  ReleaseLargeBuffers();
  return st;
}

void TableWriter::ReleaseLargeBuffers() {
  // Kept capacity is what makes the next ordinary frame cheap; past a few frames' worth it
  // is only the memory of one large row, held for the rest of the table.
  const size_t keep = 4 * stream_->options().frame_size;
  if (raw_.capacity() > keep) std::vector<uint8_t>().swap(raw_);
  if (compressed_.capacity() > keep) std::vector<uint8_t>().swap(compressed_);
}

Status TableWriter::FlushFrame() {
  if (builder_.empty()) return Status::Ok();
  std::span<const uint8_t> raw = builder_.Payload();
  ++frames_;
  auto raw_len = static_cast<uint32_t>(raw.size());
  Status st;
  if (compressor_) st = compressor_->Compress(raw, &compressed_);
  // A frame that does not shrink is stored as it is.
  if (st.ok())
    st = compressor_ && compressed_.size() < raw.size()
             ? stream_->WriteData(table_id_, compressor_->codec(), raw_len, compressed_)
             : stream_->WriteData(table_id_, Codec::kNone, raw_len, raw);
  builder_.Clear();
  return st;
}

Status TableWriter::Finish() {
  RETURN_IF_ERROR(FlushFrame());
  TableTrailer trailer;
  trailer.totals = totals_;
  trailer.frames = frames_;
  return stream_->CloseTable(table_id_, trailer);
}

}  // namespace segstream
