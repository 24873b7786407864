#include "lib/common/stream/stream_reader.h"

#include "lib/common/format/data_frame_verifier.h"

namespace segstream {

using format::FrameType;

namespace {
// Mapped input is given back in steps this large behind the checked frames: a bounded
// resident size without a syscall per frame.
constexpr uint64_t kReleaseStep = 8 << 20;
}  // namespace

StreamReader::StreamReader(BufferedSource* source, ReaderOptions options)
    : source_(source), frames_(source), options_(options) {
  if (options_.decode_rows && options_.verify_threads > 0 && source->views_stable()) {
    frames_.DeferDataChecksums();
    verifier_ = std::make_unique<DataFrameVerifier>(options_.verify_threads,
                                                    2 * size_t{options_.verify_threads} + 2);
  }
}

StreamReader::~StreamReader() {
  // First: its workers may still be adding to TableStates that members declared after it
  // (open_tables_) own.
  verifier_.reset();
}

Status StreamReader::Next(Event* event) {
  Status st = NextInOrder(event);
  // A frame still being checked comes before whatever ended the input: its failure is
  // the one to report, as a reader checking in order would have.
  if (verifier_ && (!st.ok() || event->type == EventType::kEnd)) {
    Status earlier = verifier_->Drain();
    if (!earlier.ok()) return earlier;
  }
  return st;
}

Status StreamReader::Fail(Status status, const RawFrame& frame, const TableState* table) {
  status = std::move(status).WithOffset(frame.offset).WithFrame(frame.number);
  if (table) status = std::move(status).WithTable(table->info.QualifiedName());
  return status;
}

Result<std::span<const uint8_t>> StreamReader::RawPayload(const RawFrame& frame) {
  if (frame.header.codec == format::Codec::kNone) return frame.stored;
  Status st = decompressor_.Decompress(frame.header.codec, frame.stored, frame.header.raw_len,
                                       &raw_buffer_);
  if (!st.ok()) return st;
  return std::span<const uint8_t>(raw_buffer_);
}

Result<Json> StreamReader::DecodeJson(const RawFrame& frame, const char* what) {
  ASSIGN_OR_RETURN(auto raw, RawPayload(frame));
  return ParseJsonPayload(raw, what);
}

Status StreamReader::NextInOrder(Event* event) {
  closing_table_.reset();
  for (;;) {
    RawFrame frame;
    ASSIGN_OR_RETURN(FrameReader::Item item, frames_.Next(&frame));
    if (item == FrameReader::Item::kEnd) {
      if (state_ == State::kExpectHeader || state_ == State::kInStream) {
        Status st = Status::Corrupt("truncated stream: input ended without a stream trailer")
                        .WithOffset(frames_.offset());
        if (!open_tables_.empty())
          st = std::move(st).WithTable(open_tables_.begin()->second->info.QualifiedName());
        return st;
      }
      *event = Event();
      event->type = EventType::kEnd;
      return Status::Ok();
    }
    if (item == FrameReader::Item::kPreamble) {
      if (state_ == State::kExpectHeader || state_ == State::kInStream)
        return Status::Corrupt("a new stream starts before the previous one ended")
            .WithOffset(frames_.offset() - format::kPreambleSize);
      state_ = State::kExpectHeader;
      continue;
    }
    bool emitted = false;
    Status st = HandleFrame(frame, event, &emitted);
    // A frame whose checksum was deferred but which did not go to the verifier (skipped
    // as optional, or failing here, perhaps from a damaged header) is checked now: the
    // checksum is what a reader checking in order reports first.
    const bool verifying = st.ok() && emitted && event->type == EventType::kDataFrame;
    if (!frame.checksum_checked && !verifying)
      RETURN_IF_ERROR(
          CheckFrameChecksum(frame.header_bytes.data(), frame.stored, frame.offset, frame.number));
    RETURN_IF_ERROR(st);
    if (emitted) {
      event->frame = frame;
      event->stream = &stream_;
      event->stream_number = stream_number_;
      return Status::Ok();
    }
  }
}

Status StreamReader::HandleFrame(const RawFrame& frame, Event* event, bool* emitted) {
  const FrameHeader& h = frame.header;
  if (state_ == State::kAfterStreamEnd || state_ == State::kBetweenStreams) {
    if (h.optional()) return Status::Ok();  // an index after the trailer
    return Fail(Status::Corrupt(std::string(format::FrameTypeName(h.type)) +
                                " frame after the stream trailer"),
                frame);
  }
  ++stream_frames_;
  if (state_ == State::kExpectHeader) {
    if (h.frame_type() != FrameType::kStreamHeader)
      return Fail(Status::Corrupt("stream does not begin with a stream header"), frame);
    auto j = DecodeJson(frame, "stream-header");
    if (!j.ok()) return Fail(j.take_status(), frame);
    auto info = StreamInfo::FromJson(j.value());
    if (!info.ok()) return Fail(info.take_status(), frame);
    stream_ = std::move(info.value());
    ++stream_number_;
    state_ = State::kInStream;
    stream_frames_ = 1;
    seen_totals_ = StreamTotals();
    event->type = EventType::kStreamBegin;
    *emitted = true;
    return Status::Ok();
  }
  *emitted = true;
  switch (h.frame_type()) {
    case FrameType::kTableBegin: return OnTableBegin(frame, event);
    case FrameType::kData: return OnData(frame, event);
    case FrameType::kTableEnd: return OnTableEnd(frame, event);
    case FrameType::kStreamEnd: return OnStreamEnd(frame, event);
    case FrameType::kSql: {
      auto j = DecodeJson(frame, "sql");
      if (!j.ok()) return Fail(j.take_status(), frame);
      auto sql = SqlSection::FromJson(j.value());
      if (!sql.ok()) return Fail(sql.take_status(), frame);
      event->type = EventType::kSql;
      event->sql = std::move(sql.value());
      return Status::Ok();
    }
    case FrameType::kStreamHeader:
      return Fail(Status::Corrupt("second stream header inside a stream"), frame);
    default:
      *emitted = false;
      if (h.optional()) return Status::Ok();
      return Fail(Status::Corrupt("unknown required frame type " + std::to_string(h.type)), frame)
          .WithHint("the stream was written by a newer segstream; upgrade to read it");
  }
}

Status StreamReader::OnTableBegin(const RawFrame& frame, Event* event) {
  uint32_t id = frame.header.table_id;
  if (id == 0) return Fail(Status::Corrupt("table-begin frame with table id 0"), frame);
  if (open_tables_.count(id))
    return Fail(Status::Corrupt("table id " + std::to_string(id) + " begun twice"), frame,
                open_tables_[id].get());
  if (open_tables_.size() >= format::kMaxOpenTables)
    return Fail(Status::Corrupt("more than " + std::to_string(format::kMaxOpenTables) +
                                " tables open at once"),
                frame);
  auto j = DecodeJson(frame, "table-begin");
  if (!j.ok()) return Fail(j.take_status(), frame);
  auto info = TableInfo::FromJson(j.value());
  if (!info.ok()) return Fail(info.take_status(), frame);
  auto state = std::make_unique<TableState>();
  state->info = std::move(info.value());
  event->type = EventType::kTableBegin;
  event->table_id = id;
  event->table = state.get();
  open_tables_[id] = std::move(state);
  return Status::Ok();
}

Status StreamReader::OnData(const RawFrame& frame, Event* event) {
  auto it = open_tables_.find(frame.header.table_id);
  if (it == open_tables_.end())
    return Fail(Status::Corrupt("data frame for table id " + std::to_string(frame.header.table_id) +
                                " which is not open"),
                frame);
  TableState* t = it->second.get();
  t->frames += 1;
  t->stored_bytes += frame.header.stored_len;
  t->raw_bytes += frame.header.raw_len;
  t->codecs_seen |= uint8_t(1u << static_cast<uint8_t>(frame.header.codec));
  event->table_id = frame.header.table_id;
  event->table = t;
  if (!options_.decode_rows) {
    event->type = EventType::kDataFrame;
    return Status::Ok();
  }
  if (verifier_) {
    RETURN_IF_ERROR(verifier_->Submit(frame, t));
    ReleaseMappedBefore(verifier_->SafeOffset(frames_.offset()));
    event->type = EventType::kDataFrame;
    return Status::Ok();
  }
  ReleaseMappedBefore(frame.offset);  // earlier events' views are dead by now
  auto raw = RawPayload(frame);
  if (!raw.ok()) return Fail(raw.take_status(), frame, t);
  // Totals go to a copy first: a frame that fails to parse must not count half its rows.
  TableTotals frame_totals;
  auto view = DataPayloadView::Parse(raw.value(), &frame_totals, options_.check_digests);
  if (!view.ok()) return Fail(view.take_status(), frame, t);
  t->seen.Add(frame_totals);
  event->type = EventType::kRows;
  event->rows = view.value();
  return Status::Ok();
}

void StreamReader::ReleaseMappedBefore(uint64_t offset) {
  if (!source_->views_stable() || offset < released_before_ + kReleaseStep) return;
  source_->ReleaseBefore(offset);
  released_before_ = offset;
}

Status StreamReader::OnTableEnd(const RawFrame& frame, Event* event) {
  auto it = open_tables_.find(frame.header.table_id);
  if (it == open_tables_.end())
    return Fail(Status::Corrupt("table-end frame for table id " +
                                std::to_string(frame.header.table_id) + " which is not open"),
                frame);
  TableState* t = it->second.get();
  auto j = DecodeJson(frame, "table-end");
  if (!j.ok()) return Fail(j.take_status(), frame, t);
  auto trailer = TableTrailer::FromJson(j.value());
  if (!trailer.ok()) return Fail(trailer.take_status(), frame, t);
  const TableTrailer& tr = trailer.value();
  if (verifier_) RETURN_IF_ERROR(verifier_->Drain());  // t->seen is complete only now
  auto mismatch = [&](const std::string& what, uint64_t want, uint64_t got) {
    return Fail(
        Status::Corrupt("table trailer disagrees with the data: " + what + " " +
                        std::to_string(want) + " in trailer, " + std::to_string(got) + " in data"),
        frame, t);
  };
  if (tr.frames != t->frames) return mismatch("frames", tr.frames, t->frames);
  if (options_.decode_rows) {
    if (tr.totals.rows != t->seen.rows) return mismatch("rows", tr.totals.rows, t->seen.rows);
    if (tr.totals.bytes != t->seen.bytes) return mismatch("bytes", tr.totals.bytes, t->seen.bytes);
    if (options_.check_digests && tr.totals.digest != t->seen.digest)
      return Fail(Status::Corrupt("table digest mismatch: trailer " + DigestHex(tr.totals.digest) +
                                  ", data " + DigestHex(t->seen.digest)),
                  frame, t);
  }
  seen_totals_.tables += 1;
  seen_totals_.rows += tr.totals.rows;
  seen_totals_.bytes += tr.totals.bytes;
  closing_table_ = std::move(it->second);
  open_tables_.erase(it);
  event->type = EventType::kTableEnd;
  event->table_id = frame.header.table_id;
  event->table = closing_table_.get();
  event->trailer = tr;
  return Status::Ok();
}

Status StreamReader::OnStreamEnd(const RawFrame& frame, Event* event) {
  if (!open_tables_.empty())
    return Fail(Status::Corrupt("stream ended while a table was still open (begun, never ended)"),
                frame, open_tables_.begin()->second.get());
  auto j = DecodeJson(frame, "stream-end");
  if (!j.ok()) return Fail(j.take_status(), frame);
  auto totals = StreamTotals::FromJson(j.value());
  if (!totals.ok()) return Fail(totals.take_status(), frame);
  const StreamTotals& tt = totals.value();
  seen_totals_.frames = stream_frames_ - 1;  // the trailer does not count itself
  auto mismatch = [&](const std::string& what, uint64_t want, uint64_t got) {
    return Fail(Status::Corrupt("stream trailer disagrees with the stream: " + what + " " +
                                std::to_string(want) + " in trailer, " + std::to_string(got) +
                                " in stream"),
                frame);
  };
  if (tt.tables != seen_totals_.tables) return mismatch("tables", tt.tables, seen_totals_.tables);
  if (tt.rows != seen_totals_.rows) return mismatch("rows", tt.rows, seen_totals_.rows);
  if (tt.bytes != seen_totals_.bytes) return mismatch("bytes", tt.bytes, seen_totals_.bytes);
  if (tt.frames != seen_totals_.frames) return mismatch("frames", tt.frames, seen_totals_.frames);
  state_ = State::kAfterStreamEnd;
  event->type = EventType::kStreamEnd;
  event->stream_totals = tt;
  return Status::Ok();
}

}  // namespace segstream
