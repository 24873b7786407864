// --verify: a full decoding read. StreamReader does the checking (frame checksums, table
// and stream trailers, digests, truncation); this file only counts and reports.
#include <cstdio>
#include <thread>

#include "lib/common/base/text_escape.h"
#include "lib/common/stream/stream_reader.h"
#include "tools/toc/commands.h"

namespace segstream::toc {

namespace {

struct Counts {
  uint64_t streams = 0, tables = 0, rows = 0, bytes = 0, input_bytes = 0;
};

Status ReadAll(const Input& in, unsigned threads, bool verbose, Counts* counts) {
  BufferedSource source(in.fd, in.name);
  // A file is mapped, not read: no copy, and frames can be checked on other threads.
  source.MapFile();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  ReaderOptions ro;
  ro.verify_threads = threads > 1 ? threads : 0;
  StreamReader reader(&source, ro);
  for (;;) {
    Event ev;
    RETURN_IF_ERROR(reader.Next(&ev));
    switch (ev.type) {
      case EventType::kEnd: counts->input_bytes = reader.offset(); return Status::Ok();
      case EventType::kStreamBegin: counts->streams += 1; break;
      case EventType::kTableEnd:
        counts->tables += 1;
        counts->rows += ev.trailer.totals.rows;
        counts->bytes += ev.trailer.totals.bytes;
        if (verbose)
          std::fprintf(stderr, "%s\n",
                       EscapeForMessage("toc: verified " + ev.table->info.QualifiedName() + ": " +
                                        std::to_string(ev.trailer.totals.rows) + " rows, " +
                                        std::to_string(ev.trailer.totals.bytes) + " bytes")
                           .c_str());
        break;
      default: break;
    }
  }
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

Status Verify(const Input& in, const TocOptions& options, BufferedSink* out) {
  Counts counts;
  Status st = InContext(ReadAll(in, options.threads, options.verbose, &counts), in.name);
  std::string text;
  if (options.json) {
    Json j = {{"input", in.name}, {"ok", st.ok()}};
    if (st.ok()) {
      j["streams"] = counts.streams;
      j["tables"] = counts.tables;
      j["rows"] = counts.rows;
      j["bytes"] = counts.bytes;
      j["input_bytes"] = counts.input_bytes;
    } else {
      j["error"] = st.ToString();
      if (st.frame()) j["frame"] = *st.frame();
      if (st.offset()) j["offset"] = *st.offset();
      if (st.table()) j["table"] = *st.table();
    }
    text = j.dump(2) + "\n";
  } else if (st.ok() && !options.quiet) {
    text = in.name + ": ok: " + Plural(counts.streams, "stream", "streams") + ", " +
           Plural(counts.tables, "table", "tables") + ", " + Plural(counts.rows, "row", "rows") +
           ", " + Plural(counts.bytes, "byte", "bytes") +
           " of COPY data; every checksum, trailer and digest verified\n";
  }
  if (!text.empty()) {
    Status w = out->Write(text.data(), text.size());
    if (w.ok()) w = out->Flush();
    if (!w.ok() && st.ok()) return w;
  }
  return st;
}

}  // namespace segstream::toc
