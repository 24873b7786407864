#include "tools/toc/listing.h"

#include <unistd.h>

#include <cerrno>

#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_reader.h"
#include "tools/toc/commands.h"

namespace segstream::toc {

namespace {

Result<std::vector<StreamSummary>> Scan(int fd, const std::string& name) {
  BufferedSource source(fd, name);
  ReaderOptions options;
  options.decode_rows = false;
  StreamReader reader(&source, options);
  std::vector<StreamSummary> streams;
  SummaryBuilder builder;
  uint64_t stream_start = 0;
  for (;;) {
    Event ev;
    RETURN_IF_ERROR(reader.Next(&ev));
    switch (ev.type) {
      case EventType::kEnd: return streams;
      case EventType::kStreamBegin:
        // The preamble sits right before the stream header frame.
        stream_start = ev.frame.offset - format::kPreambleSize;
        builder.OnStreamBegin(*ev.stream);
        break;
      case EventType::kTableBegin:
        builder.OnTableBegin(ev.table_id, ev.table->info, ev.frame.offset - stream_start);
        break;
      case EventType::kRows:
      case EventType::kDataFrame: builder.OnData(ev.table_id, ev.frame.header); break;
      case EventType::kTableEnd: builder.OnTableEnd(ev.table_id, ev.trailer); break;
      case EventType::kSql: builder.OnSql(ev.sql); break;
      case EventType::kStreamEnd: {
        uint64_t end = ev.frame.offset + format::kFrameHeaderSize + ev.frame.header.stored_len;
        builder.OnStreamEnd(ev.stream_totals, end - stream_start);
        streams.push_back(builder.summary());
        break;
      }
    }
  }
}

}  // namespace

Result<Listing> ReadListing(int fd, const std::string& name, bool use_index) {
  Listing listing;
  listing.input = name;
  if (use_index) {
    // A damaged or missing index is not an error: the stream itself is the truth, so
    // fall back to scanning it.
    auto indexed = ReadIndexedSummaries(fd);
    if (indexed.ok() && indexed->has_value()) {
      listing.streams = std::move(**indexed);
      listing.from_index = true;
      return listing;
    }
    if (IsSeekableFile(fd) && ::lseek(fd, 0, SEEK_SET) != 0)
      return Status::FromErrno(errno, "seek " + name);
  }
  auto scanned = Scan(fd, name);
  if (!scanned.ok()) return InContext(scanned.take_status(), name);
  listing.streams = std::move(scanned.value());
  return listing;
}

}  // namespace segstream::toc
