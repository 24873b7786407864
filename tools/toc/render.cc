#include "tools/toc/render.h"

#include <algorithm>
#include <cstdio>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/copy_format.h"

namespace segstream::toc {

namespace {

struct Row {
  std::string table, segment, rows, raw, stored, frames, codec, digest;
};

std::string TableLabel(const TableSummary& t) {
  std::string label = t.info.QualifiedName();
  if (t.info.parts > 1)
    label +=
        " (part " + std::to_string(t.info.part + 1) + " of " + std::to_string(t.info.parts) + ")";
  return EscapeForMessage(label);  // a listing is read on a terminal
}

std::string SegmentLabel(const StreamInfo& info) {
  return info.segment < 0 ? "-" : std::to_string(info.segment);
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string Codecs(const TableSummary& t) { return t.frames == 0 ? "-" : t.CodecList(); }

// Totals of one stream as listed (from its tables, so index and scan agree).
struct Sums {
  uint64_t tables = 0, rows = 0, bytes = 0, raw_payload = 0, stored = 0, frames = 0;
  void Add(const TableSummary& t) {
    tables += 1;
    if (t.trailer) {
      rows += t.trailer->totals.rows;
      bytes += t.trailer->totals.bytes;
    }
    raw_payload += t.raw_bytes;
    stored += t.stored_bytes;
    frames += t.frames;
  }
  void Add(const Sums& s) {
    tables += s.tables;
    rows += s.rows;
    bytes += s.bytes;
    raw_payload += s.raw_payload;
    stored += s.stored;
    frames += s.frames;
  }
};

Sums SumsOf(const StreamSummary& s) {
  Sums sums;
  for (const auto& t : s.tables) sums.Add(t);
  return sums;
}

void AppendHeader(const StreamSummary& s, size_t number, bool human, std::string* out) {
  const StreamInfo& i = s.info;
  auto line = [out](const char* key, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "  %-13s", key);
    *out += buf + EscapeForMessage(value) + "\n";
  };
  *out += "stream " + std::to_string(number) + "\n";
  line("producer", OrDash(i.producer));
  line("created", OrDash(i.created_at));
  std::string server = i.server_version.empty() ? "-" : "PostgreSQL " + i.server_version;
  if (!i.source.empty()) server += " at " + i.source;
  line("server", server);
  line("database", OrDash(i.database));
  line("encoding", OrDash(i.encoding));
  std::string segment = i.segment < 0 ? "-" : std::to_string(i.segment);
  if (i.segment >= 0 && i.segments > 0) segment += " of " + std::to_string(i.segments);
  line("segment", segment);
  line("snapshot", OrDash(i.snapshot));
  line("copy format", CopyFormatName(i.copy_format));
  line("stream id", OrDash(i.stream_id));
  if (!s.sql_sections.empty()) {
    std::string sql;
    for (const auto& section : s.sql_sections) sql += (sql.empty() ? "" : ", ") + section;
    line("sql", sql);
  }
  line("size", human ? HumanSize(s.stored_bytes) : std::to_string(s.stored_bytes) + " bytes");
}

void AppendTable(const std::vector<Row>& rows, std::string* out) {
  const Row header{"TABLE",        "SEGMENT", "ROWS",  "RAW BYTES",
                   "STORED BYTES", "FRAMES",  "CODEC", "DIGEST"};
  auto fields = [](const Row& r) {
    return std::vector<const std::string*>{&r.table,  &r.segment, &r.rows,  &r.raw,
                                           &r.stored, &r.frames,  &r.codec, &r.digest};
  };
  std::vector<size_t> width(8, 0);
  for (const Row* r : {&header}) {
    auto f = fields(*r);
    for (size_t c = 0; c < 8; ++c) width[c] = std::max(width[c], f[c]->size());
  }
  for (const Row& r : rows) {
    auto f = fields(r);
    for (size_t c = 0; c < 8; ++c) width[c] = std::max(width[c], f[c]->size());
  }
  // Names and codec read left to right; numbers line up on their last digit.
  const bool left[8] = {true, false, false, false, false, false, true, true};
  auto emit = [&](const Row& r) {
    auto f = fields(r);
    std::string line;
    for (size_t c = 0; c < 8; ++c) {
      std::string pad(width[c] - f[c]->size(), ' ');
      line += "  ";
      line += left[c] ? *f[c] + pad : pad + *f[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    *out += line + "\n";
  };
  emit(header);
  for (const Row& r : rows) emit(r);
}

std::string Size(uint64_t bytes, bool human) {
  return human ? HumanSize(bytes) : std::to_string(bytes);
}

}  // namespace

std::string HumanSize(uint64_t bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string RenderText(const Listing& listing, const RenderOptions& options) {
  std::string out;
  Sums all;
  for (size_t n = 0; n < listing.streams.size(); ++n) {
    const StreamSummary& s = listing.streams[n];
    if (n > 0) out += "\n";
    AppendHeader(s, n + 1, options.human, &out);
    out += "\n";
    std::vector<Row> rows;
    for (const auto& t : s.tables) {
      Row r;
      r.table = TableLabel(t);
      r.segment = SegmentLabel(s.info);
      r.rows = t.trailer ? std::to_string(t.trailer->totals.rows) : "-";
      r.raw = t.trailer ? Size(t.trailer->totals.bytes, options.human) : "-";
      r.stored = Size(t.stored_bytes, options.human);
      r.frames = std::to_string(t.frames);
      r.codec = Codecs(t);
      r.digest = t.trailer ? DigestHex(t.trailer->totals.digest) : "(not ended)";
      rows.push_back(std::move(r));
    }
    Sums sums = SumsOf(s);
    all.Add(sums);
    Row total;
    total.table =
        "total: " + std::to_string(sums.tables) + (sums.tables == 1 ? " table" : " tables");
    total.segment = SegmentLabel(s.info);
    total.rows = std::to_string(sums.rows);
    total.raw = Size(sums.bytes, options.human);
    total.stored = Size(sums.stored, options.human);
    total.frames = std::to_string(sums.frames);
    rows.push_back(std::move(total));
    AppendTable(rows, &out);
  }
  if (listing.streams.size() > 1) {
    out += "\nall " + std::to_string(listing.streams.size()) +
           " streams: " + std::to_string(all.tables) + " tables, " + std::to_string(all.rows) +
           " rows, " + Size(all.bytes, options.human) + (options.human ? "" : " bytes") + " raw, " +
           Size(all.stored, options.human) + (options.human ? "" : " bytes") + " stored\n";
  }
  return out;
}

Json RenderJson(const Listing& listing) {
  Json streams = Json::array();
  Sums all;
  for (size_t n = 0; n < listing.streams.size(); ++n) {
    const StreamSummary& s = listing.streams[n];
    Json tables = Json::array();
    for (const auto& t : s.tables) {
      Json jt = {{"table", t.info.QualifiedName()},
                 {"schema", t.info.schema},
                 {"name", t.info.name},
                 {"part", t.info.part},
                 {"parts", t.info.parts},
                 {"segment", s.info.segment}};
      if (t.trailer) {
        jt["rows"] = t.trailer->totals.rows;
        jt["bytes"] = t.trailer->totals.bytes;
      } else {
        jt["rows"] = nullptr;
        jt["bytes"] = nullptr;
      }
      jt["raw_payload_bytes"] = t.raw_bytes;
      jt["stored_bytes"] = t.stored_bytes;
      jt["frames"] = t.frames;
      jt["codec"] = Codecs(t);
      jt["digest"] = t.trailer ? Json(DigestHex(t.trailer->totals.digest)) : Json(nullptr);
      jt["table_id"] = t.table_id;
      jt["offset"] = t.offset;
      tables.push_back(std::move(jt));
    }
    Sums sums = SumsOf(s);
    all.Add(sums);
    streams.push_back({{"stream", n + 1},
                       {"header", s.info.ToJson()},
                       {"size", s.stored_bytes},
                       {"sql_sections", s.sql_sections},
                       {"tables", std::move(tables)},
                       {"totals",
                        {{"tables", sums.tables},
                         {"rows", sums.rows},
                         {"bytes", sums.bytes},
                         {"raw_payload_bytes", sums.raw_payload},
                         {"stored_bytes", sums.stored},
                         {"frames", sums.frames}}}});
  }
  return {{"input", listing.input},
          {"streams", std::move(streams)},
          {"totals",
           {{"streams", listing.streams.size()},
            {"tables", all.tables},
            {"rows", all.rows},
            {"bytes", all.bytes},
            {"raw_payload_bytes", all.raw_payload},
            {"stored_bytes", all.stored},
            {"frames", all.frames}}}};
}

}  // namespace segstream::toc
