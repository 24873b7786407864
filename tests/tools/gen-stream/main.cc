// gen-stream: a test-only generator of segstreams for bats fixtures, the fuzz seed corpus
// and benchmarks. Rows are a pure function of (table, row number), so a test can ask for
// the exact bytes `toc --extract` must print (--emit-rows) without keeping fixtures.
// It can also write a few deliberately broken streams (--bad-trailer, --unended-table,
// --preamble) that byte edits in a shell cannot produce because checksums would catch them.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "lib/common/cli/version.h"
#include "lib/common/format/checksum.h"
#include "lib/common/format/codec.h"
#include "lib/common/format/frame.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream {
namespace {

struct GenOptions {
  int tables = 2;
  uint64_t rows = 5;
  size_t row_bytes = 0;
  std::vector<std::string> names;
  std::string codec = "none";
  int level = 0;
  size_t frame_size = format::kDefaultFrameSize;
  bool interleave = false;
  bool index = false;
  int segment = -1;
  int segments = 0;
  int parts = 1;
  std::string copy_format = "text";
  int emit_rows = 0;  // 1-based table whose extraction output to print instead of a stream
  std::string bad_trailer;
  bool unended_table = false;
  std::string preamble;
  std::string label_type = "text";  // the second column's type in TABLE_BEGIN
  std::string policy;               // distribution_policy of every table ("" for none)
  int nest_header = 0;  // a stream whose header carries a key nested this deep, then stops
  int nest_table = 0;   // the same in its first TABLE_BEGIN frame
};

struct GenTable {
  std::string schema;
  std::string name;
};

GenTable TableFor(const GenOptions& o, int t) {
  std::string spec =
      t < static_cast<int>(o.names.size()) ? o.names[t] : "public.t" + std::to_string(t + 1);
  auto dot = spec.find('.');
  if (dot == std::string::npos) return {"public", spec};
  return {spec.substr(0, dot), spec.substr(dot + 1)};
}

void Put32Be(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// Row `i` of table `t`, exactly as COPY TO would have produced it in the chosen format.
void MakeRow(const GenOptions& o, int t, uint64_t i, std::string* row) {
  row->clear();
  std::string label = "t" + std::to_string(t + 1) + "-row-" + std::to_string(i);
  std::string pad(o.row_bytes, static_cast<char>('a' + (i % 26)));
  if (o.copy_format == "binary") {
    row->append("\x00\x03", 2);  // three fields
    Put32Be(row, 4);
    Put32Be(row, static_cast<uint32_t>(i));
    Put32Be(row, static_cast<uint32_t>(label.size()));
    row->append(label);
    if (i % 7 == 3) {
      Put32Be(row, 0xffffffffu);  // NULL
    } else {
      Put32Be(row, static_cast<uint32_t>(pad.size()));
      row->append(pad);
    }
    return;
  }
  if (o.copy_format == "csv") {
    *row =
        std::to_string(i) + ",\"" + label + ", \"\"quoted\"\"\"," + (i % 7 == 3 ? "" : pad) + "\n";
    return;
  }
  *row = std::to_string(i) + "\t" + label + "\t" + (i % 7 == 3 ? "\\N" : pad + "\\ttab") + "\n";
}

Status EmitRows(const GenOptions& o) {
  BufferedSink sink(1, "stdout");
  int t = o.emit_rows - 1;
  std::string row;
  if (o.copy_format == "binary") RETURN_IF_ERROR(sink.Write(format::kPgBinaryHeader, 19));
  for (uint64_t i = 0; i < o.rows; ++i) {
    MakeRow(o, t, i, &row);
    RETURN_IF_ERROR(sink.Write(row.data(), row.size()));
  }
  if (o.copy_format == "binary") RETURN_IF_ERROR(sink.Write(format::kPgBinaryTrailer, 2));
  return sink.Flush();
}

// A 16-byte preamble of any version, with a valid check value, for version tests.
Status EmitPreamble(const std::string& version) {
  unsigned major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%u.%u", &major, &minor) != 2)
    return Status::Usage("--preamble wants MAJOR.MINOR");
  uint8_t p[format::kPreambleSize];
  EncodePreamble(p, static_cast<uint16_t>(major), static_cast<uint16_t>(minor));
  return WriteAll(1, p, sizeof p, "stdout");
}

void WriteRawFrame(std::string* out, format::FrameType type, uint32_t table_id,
                   const std::string& text) {
  FrameHeader h;
  h.type = static_cast<uint8_t>(type);
  h.codec = format::Codec::kNone;
  h.table_id = table_id;
  h.stored_len = h.raw_len = static_cast<uint32_t>(text.size());
  std::span<const uint8_t> payload(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  uint8_t header[format::kFrameHeaderSize];
  EncodeFrameHeader(&h, payload, header);
  out->append(reinterpret_cast<const char*>(header), sizeof header);
  out->append(text);
}

// A hostile stream: metadata with a key nested `levels` deep (written as text, since no
// JSON library could build it without recursing), in the header or the first TABLE_BEGIN.
Status EmitNested(const StreamInfo& info, int levels, bool in_table) {
  std::string deep(static_cast<size_t>(levels), '[');
  deep += "1";
  deep.append(static_cast<size_t>(levels), ']');
  uint8_t p[format::kPreambleSize];
  EncodePreamble(p);
  std::string out(reinterpret_cast<const char*>(p), sizeof p);
  std::string header = info.ToJson().dump();
  if (!in_table) header = header.substr(0, header.size() - 1) + ",\"deep\":" + deep + "}";
  WriteRawFrame(&out, format::FrameType::kStreamHeader, 0, header);
  if (in_table) {
    WriteRawFrame(&out, format::FrameType::kTableBegin, 1,
                  "{\"schema\":\"public\",\"name\":\"t1\",\"columns\":[{\"name\":\"id\","
                  "\"type\":\"integer\"}],\"deep\":" +
                      deep + "}");
  }
  return WriteAll(1, out.data(), out.size(), "stdout");
}

// Writes one table's rows as DATA frames by hand, so that the trailer can be made to lie.
Status WriteLyingTable(StreamWriter* writer, const GenOptions& o, int t, const TableInfo& info) {
  ASSIGN_OR_RETURN(uint32_t id, writer->OpenTable(info));
  DataPayloadBuilder builder;
  TableTotals totals;
  std::string row;
  for (uint64_t i = 0; i < o.rows; ++i) {
    MakeRow(o, t, i, &row);
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(row.data()), row.size());
    builder.AddRow(bytes);
    totals.AddRow(bytes);
  }
  TableTrailer trailer;
  if (!builder.empty()) {
    std::vector<uint8_t> raw;
    builder.SerializeTo(&raw);
    RETURN_IF_ERROR(
        writer->WriteData(id, format::Codec::kNone, static_cast<uint32_t>(raw.size()), raw));
    trailer.frames = 1;
  }
  trailer.totals = totals;
  if (o.bad_trailer == "rows")
    trailer.totals.rows += 1;
  else if (o.bad_trailer == "bytes")
    trailer.totals.bytes += 1;
  else if (o.bad_trailer == "digest")
    trailer.totals.digest ^= 1;
  else if (o.bad_trailer == "frames")
    trailer.frames += 1;
  return writer->CloseTable(id, trailer);
}

Status Generate(const GenOptions& o) {
  if (!o.preamble.empty()) return EmitPreamble(o.preamble);
  if (o.emit_rows > 0) return EmitRows(o);
  WriterOptions wo;
  if (!format::ParseCodecName(o.codec, &wo.codec)) return Status::Usage("unknown codec " + o.codec);
  wo.level = o.level ? o.level : LevelRangeFor(wo.codec).default_level;
  wo.frame_size = o.frame_size;
  wo.write_index = o.index;
  BufferedSink sink(1, "stdout");
  StreamWriter writer(&sink, wo);
  StreamInfo info;
  info.producer = segstream::ProducerName("gen-stream");
  info.stream_id = "00000000000000000000000000000" + std::to_string(100 + o.segment + 1);
  info.created_at = "2024-01-02T03:04:05Z";
  info.server_version = "15.4";
  info.server_version_num = 150004;
  info.encoding = "UTF8";
  info.database = "gen";
  info.source = "localhost:5432";
  info.snapshot = "00000003-00000002-1";
  info.copy_format = *ParseCopyFormat(o.copy_format);  // checked by --format
  info.segment = o.segment;
  info.segments = o.segments;
  if (o.nest_header > 0) return EmitNested(info, o.nest_header, false);
  if (o.nest_table > 0) return EmitNested(info, o.nest_table, true);
  RETURN_IF_ERROR(writer.Begin(info));

  struct Part {
    int table;
    uint64_t from, to;
    std::unique_ptr<TableWriter> writer;
  };
  std::vector<Part> parts;
  for (int t = 0; t < o.tables; ++t) {
    GenTable gt = TableFor(o, t);
    TableInfo ti;
    ti.schema = gt.schema;
    ti.name = gt.name;
    ti.columns = {{"id", "integer", true}, {"label", o.label_type, false}, {"pad", "text", false}};
    ti.primary_key = {"id"};
    ti.distribution_policy = o.policy;
    ti.estimated_rows = static_cast<int64_t>(o.rows);
    bool last = t == o.tables - 1;
    if (last && !o.bad_trailer.empty()) {
      RETURN_IF_ERROR(WriteLyingTable(&writer, o, t, ti));
      continue;
    }
    for (int p = 0; p < o.parts; ++p) {
      if (o.parts > 1) {
        ti.part = p;
        ti.parts = o.parts;
      }
      ASSIGN_OR_RETURN(auto tw, writer.NewTable(ti));
      parts.push_back({t, o.rows * p / o.parts, o.rows * (p + 1) / o.parts, std::move(tw)});
      if (!o.interleave) {
        Part& part = parts.back();
        std::string row;
        for (uint64_t i = part.from; i < part.to; ++i) {
          MakeRow(o, t, i, &row);
          RETURN_IF_ERROR(part.writer->AddRow(
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(row.data()), row.size())));
        }
        if (!(last && o.unended_table)) RETURN_IF_ERROR(part.writer->Finish());
      }
    }
  }
  if (o.interleave) {
    // Round-robin a few rows at a time, so frames of every table alternate in the stream.
    std::string row;
    bool more = true;
    for (uint64_t at = 0; more; at += 7) {
      more = false;
      for (auto& part : parts) {
        for (uint64_t i = part.from + at; i < part.to && i < part.from + at + 7; ++i) {
          MakeRow(o, part.table, i, &row);
          RETURN_IF_ERROR(part.writer->AddRow(
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(row.data()), row.size())));
        }
        if (part.from + at + 7 < part.to) more = true;
      }
    }
    for (auto& part : parts) {
      if (o.unended_table && part.table == o.tables - 1) continue;
      RETURN_IF_ERROR(part.writer->Finish());
    }
  }
  return writer.Finish();
}

}  // namespace
}  // namespace segstream

// A test fixture: an exception that escapes fails the test that ran it, as it should.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  segstream::IgnoreSigpipe();
  segstream::GenOptions o;
  CLI::App app{"gen-stream: writes a generated segstream to stdout (test-only)"};
  app.add_option("--tables", o.tables, "number of tables")->check(CLI::Range(0, 100000));
  app.add_option("--rows", o.rows, "rows per table");
  app.add_option("--label-type", o.label_type, "the type TABLE_BEGIN gives column label");
  app.add_option("--policy", o.policy,
                 "distribution policy of every table (hash, random, replicated)");
  app.add_option("--nest-header", o.nest_header, "only a header with a key nested N deep");
  app.add_option("--nest-table", o.nest_table, "only a header and a TABLE_BEGIN nested N deep");
  app.add_option("--row-bytes", o.row_bytes, "padding bytes per row");
  app.add_option("--name", o.names, "schema.table for the next table (repeatable)");
  app.add_option("--codec", o.codec, "none, zstd, lz4 or gzip");
  app.add_option("--level", o.level, "compression level");
  app.add_option("--frame-size", o.frame_size, "target raw bytes per DATA frame")
      ->check(CLI::Range(size_t{64}, size_t{1} << 30));
  app.add_flag("--interleave", o.interleave, "alternate the tables' frames");
  app.add_flag("--index", o.index, "append the index (for seekable files)");
  app.add_option("--segment", o.segment, "segment id in the stream header");
  app.add_option("--segments", o.segments, "segment count in the stream header");
  app.add_option("--parts", o.parts, "split each table into this many parts")
      ->check(CLI::Range(1, 1000));
  app.add_option("--format", o.copy_format, "COPY format")
      ->check(CLI::IsMember({"text", "csv", "binary"}));
  app.add_option("--emit-rows", o.emit_rows, "print table N's COPY output instead of a stream");
  app.add_option("--bad-trailer", o.bad_trailer, "make the last table's trailer lie")
      ->check(CLI::IsMember({"rows", "bytes", "digest", "frames"}));
  app.add_flag("--unended-table", o.unended_table, "never end the last table");
  app.add_option("--preamble", o.preamble, "print only a preamble of version MAJOR.MINOR");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "gen-stream: error: %s\n", e.what());
    return 2;
  }
  segstream::Status st = segstream::Generate(o);
  return st.ok() ? 0 : segstream::ReportError("gen-stream", st);
}
