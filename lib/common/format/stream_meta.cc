#include "lib/common/format/stream_meta.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <random>
#include <set>

#include "lib/common/format/format.h"

namespace segstream {

namespace {

// Reads a key if present; type errors surface as json exceptions caught by FromJson.
template <typename T>
void Get(const Json& j, const char* key, T* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    *out = JsonInteger<T>(*it, key);
  } else {
    *out = it->template get<T>();
  }
}

// Keeps the keys a struct does not know, so they pass through unchanged.
Json Extra(const Json& j, std::initializer_list<const char*> known) {
  Json extra = Json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }))
      extra[it.key()] = it.value();
  }
  return extra;
}

void MergeExtra(Json* j, const Json& extra) {
  for (auto it = extra.begin(); it != extra.end(); ++it) (*j)[it.key()] = it.value();
}

template <typename Fn>
auto Guarded(const char* what, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("malformed ") + what + " metadata: " + e.what());
  }
}

const std::set<std::string>& ReservedWords() {
  // PostgreSQL's reserved key words: these need quotes as identifiers.
  static const std::set<std::string> words = {"all",          "analyse",
                                              "analyze",      "and",
                                              "any",          "array",
                                              "as",           "asc",
                                              "asymmetric",   "both",
                                              "case",         "cast",
                                              "check",        "collate",
                                              "column",       "constraint",
                                              "create",       "current_catalog",
                                              "current_date", "current_role",
                                              "current_time", "current_timestamp",
                                              "current_user", "default",
                                              "deferrable",   "desc",
                                              "distinct",     "do",
                                              "else",         "end",
                                              "except",       "false",
                                              "fetch",        "for",
                                              "foreign",      "from",
                                              "grant",        "group",
                                              "having",       "in",
                                              "initially",    "intersect",
                                              "into",         "lateral",
                                              "leading",      "limit",
                                              "localtime",    "localtimestamp",
                                              "not",          "null",
                                              "offset",       "on",
                                              "only",         "or",
                                              "order",        "placing",
                                              "primary",      "references",
                                              "returning",    "select",
                                              "session_user", "some",
                                              "symmetric",    "table",
                                              "then",         "to",
                                              "trailing",     "true",
                                              "union",        "unique",
                                              "user",         "using",
                                              "variadic",     "when",
                                              "where",        "window",
                                              "with"};
  return words;
}

}  // namespace

std::string QuoteIdent(const std::string& ident) {
  bool plain =
      !ident.empty() && (std::islower(static_cast<unsigned char>(ident[0])) || ident[0] == '_');
  for (char c : ident) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '_')) plain = false;
  }
  if (plain && !ReservedWords().count(ident)) return ident;
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteLiteral(const std::string& value) {
  std::string out = "'";
  bool backslash = false;
  for (char c : value) {
    if (c == '\'') out += '\'';
    if (c == '\\') {
      out += '\\';
      backslash = true;
    }
    out += c;
  }
  out += "'";
  return backslash ? "E" + out : out;
}

std::string DigestHex(uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, digest);
  return buf;
}

bool ParseDigestHex(const std::string& hex, uint64_t* digest) {
  if (hex.size() != 16) return false;
  uint64_t v = 0;
  for (char c : hex) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                                                        : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *digest = v;
  return true;
}

int JsonNestingDepth(std::span<const uint8_t> text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    uint8_t c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped byte cannot end the string
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<Json> ParseJsonPayload(std::span<const uint8_t> payload, const char* what) {
  // Bounded before parsing: the parse, copies and destruction of a JSON value recurse once
  // per level, and 100,000 levels overflow the stack.
  if (JsonNestingDepth(payload, format::kMaxJsonDepth) > format::kMaxJsonDepth)
    return Status::Corrupt(std::string(what) + " frame nests JSON deeper than " +
                           std::to_string(format::kMaxJsonDepth) + " levels");
  Json j = Json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Status::Corrupt(std::string(what) + " frame does not hold a JSON object");
  return j;
}

std::string NowIso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string RandomHexId() {
  std::random_device rd;
  uint64_t hi = (uint64_t(rd()) << 32) | rd();
  uint64_t lo = (uint64_t(rd()) << 32) | rd();
  return DigestHex(hi) + DigestHex(lo);
}

Json StreamInfo::ToJson() const {
  Json j = {{"producer", producer},
            {"stream_id", stream_id},
            {"created_at", created_at},
            {"server_version", server_version},
            {"server_version_num", server_version_num},
            {"encoding", encoding},
            {"database", database},
            {"source", source},
            {"snapshot", snapshot},
            {"copy_format", CopyFormatName(copy_format)},
            {"segment", segment},
            {"segments", segments}};
  MergeExtra(&j, extra);
  return j;
}

Result<StreamInfo> StreamInfo::FromJson(const Json& j) {
  return Guarded("stream header", [&]() -> Result<StreamInfo> {
    StreamInfo s;
    Get(j, "producer", &s.producer);
    Get(j, "stream_id", &s.stream_id);
    Get(j, "created_at", &s.created_at);
    Get(j, "server_version", &s.server_version);
    Get(j, "server_version_num", &s.server_version_num);
    Get(j, "encoding", &s.encoding);
    Get(j, "database", &s.database);
    Get(j, "source", &s.source);
    Get(j, "snapshot", &s.snapshot);
    std::string copy_format = "text";
    Get(j, "copy_format", &copy_format);
    Get(j, "segment", &s.segment);
    Get(j, "segments", &s.segments);
    // It reaches COPY's ENCODING option and client_encoding: a name, nothing else.
    if (s.encoding.size() > 32 ||
        s.encoding.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789_") != std::string::npos)
      return Status::Corrupt("stream header names an invalid encoding '" + s.encoding + "'");
    auto parsed = ParseCopyFormat(copy_format);
    if (!parsed)
      return Status::Corrupt("stream header names unknown COPY format '" + copy_format + "'");
    s.copy_format = *parsed;
    s.extra = Extra(
        j, {"producer", "stream_id", "created_at", "server_version", "server_version_num",
            "encoding", "database", "source", "snapshot", "copy_format", "segment", "segments"});
    return s;
  });
}

std::string TableInfo::QualifiedName() const { return QuoteIdent(schema) + "." + QuoteIdent(name); }

Json TableInfo::ToJson() const {
  Json cols = Json::array();
  for (const auto& c : columns)
    cols.push_back({{"name", c.name}, {"type", c.type}, {"not_null", c.not_null}});
  Json j = {{"schema", schema}, {"name", name}, {"columns", cols}};
  if (!primary_key.empty()) j["primary_key"] = primary_key;
  if (!partition_parent.empty()) j["partition_parent"] = partition_parent;
  if (!partition_bound.empty()) j["partition_bound"] = partition_bound;
  if (!hash_partition_key.empty()) j["hash_partition_key"] = hash_partition_key;
  if (!distribution_policy.empty()) j["distribution_policy"] = distribution_policy;
  if (!distribution_key.empty()) j["distribution_key"] = distribution_key;
  if (!distribution_opclasses.empty()) j["distribution_opclasses"] = distribution_opclasses;
  j["estimated_rows"] = estimated_rows;
  if (parts > 1) {
    j["part"] = part;
    j["parts"] = parts;
  }
  MergeExtra(&j, extra);
  return j;
}

Result<TableInfo> TableInfo::FromJson(const Json& j) {
  return Guarded("table", [&]() -> Result<TableInfo> {
    TableInfo t;
    Get(j, "schema", &t.schema);
    Get(j, "name", &t.name);
    if (t.name.empty()) return Status::Corrupt("table-begin metadata has no table name");
    if (auto it = j.find("columns"); it != j.end()) {
      for (const auto& c : *it) {
        ColumnInfo col;
        Get(c, "name", &col.name);
        Get(c, "type", &col.type);
        Get(c, "not_null", &col.not_null);
        t.columns.push_back(std::move(col));
      }
    }
    Get(j, "primary_key", &t.primary_key);
    Get(j, "partition_parent", &t.partition_parent);
    Get(j, "partition_bound", &t.partition_bound);
    Get(j, "hash_partition_key", &t.hash_partition_key);
    Get(j, "distribution_policy", &t.distribution_policy);
    Get(j, "distribution_key", &t.distribution_key);
    Get(j, "distribution_opclasses", &t.distribution_opclasses);
    Get(j, "estimated_rows", &t.estimated_rows);
    Get(j, "part", &t.part);
    Get(j, "parts", &t.parts);
    // Names become quoted identifiers; a NUL would end the SQL text inside one.
    std::vector<const std::string*> names = {&t.schema, &t.name};
    for (const auto& c : t.columns) names.push_back(&c.name);
    for (const auto& k : t.primary_key) names.push_back(&k);
    for (const auto& k : t.distribution_key) names.push_back(&k);
    for (const std::string* n : names)
      if (n->find('\0') != std::string::npos)
        return Status::Corrupt("table-begin metadata has a name with a NUL byte");
    t.extra =
        Extra(j, {"schema", "name", "columns", "primary_key", "partition_parent", "partition_bound",
                  "hash_partition_key", "distribution_policy", "distribution_key",
                  "distribution_opclasses", "estimated_rows", "part", "parts"});
    return t;
  });
}

Json TableTrailer::ToJson() const {
  return {{"rows", totals.rows},
          {"bytes", totals.bytes},
          {"frames", frames},
          {"digest", DigestHex(totals.digest)}};
}

Result<TableTrailer> TableTrailer::FromJson(const Json& j) {
  return Guarded("table-end", [&]() -> Result<TableTrailer> {
    TableTrailer t;
    t.totals.rows = JsonIntegerAt<uint64_t>(j, "rows");
    t.totals.bytes = JsonIntegerAt<uint64_t>(j, "bytes");
    t.frames = JsonIntegerAt<uint64_t>(j, "frames");
    if (!ParseDigestHex(j.at("digest").get<std::string>(), &t.totals.digest))
      return Status::Corrupt("table-end digest is not 16 hex digits");
    return t;
  });
}

Json StreamTotals::ToJson() const {
  return {{"tables", tables}, {"rows", rows}, {"bytes", bytes}, {"frames", frames}};
}

Result<StreamTotals> StreamTotals::FromJson(const Json& j) {
  return Guarded("stream-end", [&]() -> Result<StreamTotals> {
    StreamTotals t;
    t.tables = JsonIntegerAt<uint64_t>(j, "tables");
    t.rows = JsonIntegerAt<uint64_t>(j, "rows");
    t.bytes = JsonIntegerAt<uint64_t>(j, "bytes");
    t.frames = JsonIntegerAt<uint64_t>(j, "frames");
    return t;
  });
}

Json SqlSection::ToJson() const {
  Json j = {{"section", section}, {"sql", sql}};
  MergeExtra(&j, extra);
  return j;
}

Result<SqlSection> SqlSection::FromJson(const Json& j) {
  return Guarded("sql", [&]() -> Result<SqlSection> {
    SqlSection s;
    s.section = j.at("section").get<std::string>();
    s.sql = j.at("sql").get<std::string>();
    s.extra = Extra(j, {"section", "sql"});
    return s;
  });
}

}  // namespace segstream
