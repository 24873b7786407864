// copy-to-stream (test only): wraps the output of COPY ... TO STDOUT read on stdin into a
// one-table segstream on stdout, so load-stream can be tested without dump-stream.
//   psql -c "COPY t TO STDOUT" | copy-to-stream --table public.t --columns 'a integer,b text'
// Rows are found properly in every format: text rows end at a newline (COPY escapes
// newlines inside values), csv rows at a newline outside double quotes (default QUOTE and
// ESCAPE only), binary input is parsed tuple by tuple after its 19-byte header.
// --parts N deals the rows round robin into N table ids of the same identity, written
// interleaved frame by frame (what dump-stream --split-larger-than with jobs produces).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "lib/common/cli/version.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/pg/table_filter.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream {
namespace {

struct Options {
  std::string table;
  std::string columns;
  std::string format = "text";
  std::string encoding = "UTF8";
  std::string codec = "none";
  int parts = 1;
  size_t frame_size = format::kDefaultFrameSize;
};

Status ParseColumns(const std::string& spec, std::vector<ColumnInfo>* out) {
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    // Types like numeric(10,2) contain commas: a comma inside parentheses does not split.
    int depth = 0;
    for (size_t i = pos; i < spec.size(); ++i) {
      if (spec[i] == '(') ++depth;
      if (spec[i] == ')') --depth;
      if (spec[i] == ',' && depth == 0) {
        comma = i;
        break;
      }
      if (i + 1 == spec.size()) comma = std::string::npos;
    }
    std::string item =
        spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    ColumnInfo c;
    if (!item.empty() && item[0] == '"') {  // "quoted name" type
      size_t i = 1;
      for (; i < item.size(); ++i) {
        if (item[i] == '"') {
          if (i + 1 < item.size() && item[i + 1] == '"') {
            c.name += '"';
            ++i;
            continue;
          }
          break;
        }
        c.name += item[i];
      }
      c.type = item.substr(std::min(item.size(), i + 2));
    } else {
      size_t sp = item.find(' ');
      if (sp == std::string::npos) return Status::Usage("column '" + item + "' has no type");
      c.name = item.substr(0, sp);
      c.type = item.substr(sp + 1);
    }
    if (c.type.empty()) return Status::Usage("column '" + item + "' has no type");
    out->push_back(c);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (out->empty()) return Status::Usage("--columns lists no column");
  return Status::Ok();
}

// Length of the first complete row in [p, end), 0 if none is complete yet.
size_t RowLength(const std::string& fmt, const uint8_t* p, const uint8_t* end, bool at_eof) {
  if (fmt == "text") {
    const void* nl = std::memchr(p, '\n', end - p);
    return nl ? static_cast<const uint8_t*>(nl) - p + 1 : 0;
  }
  if (fmt == "csv") {
    bool quoted = false;
    for (const uint8_t* q = p; q < end; ++q) {
      if (*q == '"')
        quoted = !quoted;
      else if (*q == '\n' && !quoted)
        return q - p + 1;
    }
    return 0;
  }
  // binary tuple: int16 field count, then per field int32 length (-1 NULL) and bytes
  auto be32 = [](const uint8_t* q) {
    return int32_t(uint32_t(q[0]) << 24 | uint32_t(q[1]) << 16 | uint32_t(q[2]) << 8 | q[3]);
  };
  if (end - p < 2) return 0;
  int16_t fields = int16_t(p[0] << 8 | p[1]);
  if (fields == -1) return 0;  // the trailer: handled by the caller
  const uint8_t* q = p + 2;
  for (int i = 0; i < fields; ++i) {
    if (end - q < 4) return 0;
    int32_t len = be32(q);
    q += 4;
    if (len > 0) {
      if (end - q < len) return 0;
      q += len;
    }
  }
  (void)at_eof;
  return q - p;
}

Status Run(const Options& o) {
  TableInfo info;
  RETURN_IF_ERROR(SplitQualifiedName(o.table, &info.schema, &info.name));
  if (info.schema.empty()) info.schema = "public";
  RETURN_IF_ERROR(ParseColumns(o.columns, &info.columns));
  if (o.format != "text" && o.format != "csv" && o.format != "binary")
    return Status::Usage("--format takes text, csv or binary");
  WriterOptions wo;
  wo.frame_size = o.frame_size;
  if (!format::ParseCodecName(o.codec, &wo.codec)) return Status::Usage("unknown codec " + o.codec);
  if (wo.codec != format::Codec::kNone) wo.level = LevelRangeFor(wo.codec).default_level;
  RETURN_IF_ERROR(RefuseTerminalOutput(1, false));
  BufferedSink sink(1, "stdout");
  StreamWriter writer(&sink, wo);
  StreamInfo si;
  si.producer = segstream::ProducerName("copy-to-stream");
  si.stream_id = RandomHexId();
  si.created_at = NowIso8601();
  si.encoding = o.encoding;
  si.database = "test";
  si.copy_format = *ParseCopyFormat(o.format);  // checked above
  RETURN_IF_ERROR(writer.Begin(si));
  std::vector<std::unique_ptr<TableWriter>> parts;
  for (int i = 0; i < o.parts; ++i) {
    TableInfo ti = info;
    if (o.parts > 1) {
      ti.part = i;
      ti.parts = o.parts;
    }
    ASSIGN_OR_RETURN(auto w, writer.NewTable(ti));
    parts.push_back(std::move(w));
  }

  std::vector<uint8_t> buf;
  size_t begin = 0;
  bool eof = false, header_done = o.format != "binary", trailer_seen = false;
  uint64_t row_number = 0;
  while (!eof || begin < buf.size()) {
    if (!eof) {
      if (begin > 0) {
        buf.erase(buf.begin(), buf.begin() + begin);
        begin = 0;
      }
      size_t old = buf.size();
      buf.resize(old + (1 << 20));
      ASSIGN_OR_RETURN(size_t got, ReadSome(0, buf.data() + old, 1 << 20, "stdin"));
      buf.resize(old + got);
      if (got == 0) eof = true;
    }
    if (!header_done) {
      if (buf.size() - begin < 19) {
        if (eof) return Status::Corrupt("binary input shorter than its header");
        continue;
      }
      if (std::memcmp(buf.data() + begin, format::kPgBinaryHeader, 11) != 0)
        return Status::Corrupt("binary input does not start with PGCOPY");
      begin += 19;
      header_done = true;
    }
    for (;;) {
      const uint8_t* p = buf.data() + begin;
      const uint8_t* end = buf.data() + buf.size();
      if (p == end || trailer_seen) break;
      if (o.format == "binary" && end - p >= 2 && p[0] == 0xff && p[1] == 0xff) {
        trailer_seen = true;
        begin = buf.size();
        break;
      }
      size_t len = RowLength(o.format, p, end, eof);
      if (len == 0) {
        if (eof) {
          if (o.format == "binary") return Status::Corrupt("binary input ends inside a tuple");
          len = end - p;  // a last row without its newline
        } else {
          break;
        }
      }
      RETURN_IF_ERROR(parts[row_number++ % parts.size()]->AddRow({p, len}));
      begin += len;
    }
    if (eof && (begin >= buf.size() || trailer_seen)) break;
  }
  for (auto& w : parts) RETURN_IF_ERROR(w->Finish());
  return writer.Finish();
}

}  // namespace
}  // namespace segstream

// A test fixture: an exception that escapes fails the test that ran it, as it should.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::Options o;
  CLI::App app{
      "test only: wrap COPY TO STDOUT output (stdin) into a one-table segstream (stdout). "
      "Text rows end at newlines, csv rows at newlines outside double quotes (default "
      "QUOTE/ESCAPE only), binary input is parsed tuple by tuple.",
      "copy-to-stream"};
  app.add_option("--table", o.table, "schema.table the stream names")->required();
  app.add_option("--columns", o.columns, "'name type, ...' (quote names with \"\")")->required();
  app.add_option("--format", o.format, "text | csv | binary (default text)");
  app.add_option("--encoding", o.encoding, "encoding recorded in the stream header (default UTF8)");
  app.add_option("--codec", o.codec, "none | zstd | lz4 | gzip (default none)");
  app.add_option("--parts", o.parts, "split rows round robin into N interleaved parts");
  app.add_option("--frame-size", o.frame_size, "target raw bytes per DATA frame");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "copy-to-stream: error: %s\n", e.what());
    return 2;
  }
  if (o.parts < 1) o.parts = 1;
  segstream::Status st = segstream::Run(o);
  return st.ok() ? 0 : segstream::ReportError("copy-to-stream", st);
}
