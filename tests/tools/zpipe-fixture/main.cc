// zpipe-fixture (test only): wraps COPY text lines from stdin into a segstream with one
// table, so zpipe's tests and benchmark need no dump-stream. --bad writes a stream with one
// deliberately broken DATA frame (valid frame checksum, bad contents) for the error tests.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "lib/common/cli/version.h"
#include "lib/common/format/codec.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_writer.h"

using namespace segstream;

namespace {

Status ForEachLine(int fd, const std::function<Status(std::span<const uint8_t>)>& fn) {
  std::vector<uint8_t> buf(4 << 20);
  size_t have = 0;
  for (;;) {
    if (have == buf.size()) buf.resize(buf.size() * 2);  // one line longer than the buffer
    ASSIGN_OR_RETURN(size_t n, ReadSome(fd, buf.data() + have, buf.size() - have, "stdin"));
    if (n == 0) break;
    have += n;
    size_t start = 0;
    while (const void* nl = std::memchr(buf.data() + start, '\n', have - start)) {
      size_t end = static_cast<const uint8_t*>(nl) - buf.data() + 1;
      RETURN_IF_ERROR(fn(std::span<const uint8_t>(buf.data() + start, end - start)));
      start = end;
    }
    std::memmove(buf.data(), buf.data() + start, have - start);
    have -= start;
  }
  if (have > 0) return fn(std::span<const uint8_t>(buf.data(), have));
  return Status::Ok();
}

Status WriteBad(StreamWriter* writer, const TableInfo& info, const std::string& bad) {
  ASSIGN_OR_RETURN(uint32_t id, writer->OpenTable(info));
  DataPayloadBuilder builder;
  std::string row = "1\tsome text that compresses well well well well well well\n";
  for (int i = 0; i < 2000; ++i)
    builder.AddRow(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(row.data()), row.size()));
  std::vector<uint8_t> raw, packed;
  builder.SerializeTo(&raw);
  FrameCompressor zstd(format::Codec::kZstd, 3);
  RETURN_IF_ERROR(zstd.Compress(raw, &packed));
  auto raw_len = static_cast<uint32_t>(raw.size());
  if (bad == "corrupt-payload") {
    packed.resize(packed.size() - 8);  // a zstd frame missing its last bytes never decodes
    RETURN_IF_ERROR(writer->WriteData(id, format::Codec::kZstd, raw_len, packed));
  } else if (bad == "unknown-codec") {
    RETURN_IF_ERROR(writer->WriteData(id, static_cast<format::Codec>(9), raw_len, packed));
  } else if (bad == "oversize") {
    // Declares half the real size: a reader must refuse, not grow its buffer.
    RETURN_IF_ERROR(writer->WriteData(id, format::Codec::kZstd, raw_len / 2, packed));
  } else if (bad == "wrong-digest") {
    // Every frame is sound; only the trailer's digest disagrees with the rows.
    RETURN_IF_ERROR(writer->WriteData(id, format::Codec::kZstd, raw_len, packed));
  } else {
    return Status::Usage("unknown --bad mode " + bad);
  }
  TableTrailer trailer;
  trailer.frames = 1;
  trailer.totals.rows = 2000;
  trailer.totals.bytes = 2000 * row.size();
  trailer.totals.digest = 12345;
  RETURN_IF_ERROR(writer->CloseTable(id, trailer));
  return Status::Ok();
}

}  // namespace

// A test fixture: an exception that escapes fails the test that ran it, as it should.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  IgnoreSigpipe();
  std::string table = "public.t", codec = "none", bad;
  int level = 0;
  size_t frame_size = format::kDefaultFrameSize;
  CLI::App app{"wrap COPY text lines from stdin into a one-table segstream (tests only)",
               "zpipe-fixture"};
  app.add_option("--table", table, "schema.name of the table");
  app.add_option("--codec", codec, "frame codec");
  app.add_option("--level", level, "codec level (0: codec default)");
  app.add_option("--frame-size", frame_size, "target raw frame size");
  app.add_option("--bad", bad,
                 "corrupt-payload | unknown-codec | oversize | wrong-digest (ignores stdin)");
  CLI11_PARSE(app, argc, argv);

  WriterOptions wo;
  if (!format::ParseCodecName(codec, &wo.codec)) {
    std::fprintf(stderr, "zpipe-fixture: error: unknown codec %s\n", codec.c_str());
    return 2;
  }
  wo.level = level ? level : LevelRangeFor(wo.codec).default_level;
  wo.frame_size = frame_size;
  BufferedSink sink(1, "stdout");
  StreamWriter writer(&sink, wo);
  StreamInfo info;
  info.producer = segstream::ProducerName("zpipe-fixture");
  info.stream_id = RandomHexId();
  info.created_at = NowIso8601();
  info.encoding = "UTF8";
  info.database = "fixture";
  TableInfo t;
  auto dot = table.find('.');
  t.schema = dot == std::string::npos ? "public" : table.substr(0, dot);
  t.name = dot == std::string::npos ? table : table.substr(dot + 1);
  t.columns = {{"line", "text", false}};

  Status st = writer.Begin(info);
  if (st.ok() && !bad.empty()) {
    st = WriteBad(&writer, t, bad);
  } else if (st.ok()) {
    auto tw = writer.NewTable(t);
    if (!tw.ok())
      st = tw.take_status();
    else {
      TableWriter* w = tw.value().get();
      st = ForEachLine(0, [w](std::span<const uint8_t> row) { return w->AddRow(row); });
      if (st.ok()) st = w->Finish();
    }
  }
  if (st.ok()) st = writer.Finish();
  if (!st.ok()) return ReportError("zpipe-fixture", st);
  return 0;
}
