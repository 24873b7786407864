// The JSON metadata of a stream: the stream header, each table's identity and trailer, the
// stream's totals and schema sections. Unknown keys survive a read/write round trip (kept
// in `extra`), so older tools pass newer metadata through unchanged.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/common/base/status.h"
#include "lib/common/format/checksum.h"
#include "lib/common/format/copy_format.h"

namespace segstream {

using Json = nlohmann::ordered_json;

struct StreamInfo {
  std::string producer;        // "dump-stream 0.1.0"
  std::string stream_id;       // random 128-bit hex: identity for resume journals
  std::string created_at;      // ISO 8601 UTC
  std::string server_version;  // "15.18"
  int server_version_num = 0;
  std::string encoding;  // database encoding; COPY data is in it
  std::string database;
  std::string source;  // host:port, never a password
  std::string snapshot;
  CopyFormat copy_format = CopyFormat::kText;
  int segment = -1;  // MPP segment id, -1 when not a segment
  int segments = 0;  // segment count of the source cluster, 0 when unknown
  Json extra = Json::object();

  Json ToJson() const;
  static Result<StreamInfo> FromJson(const Json& j);
};

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type(): "integer", "character varying(20)", "text[]"
  bool not_null = false;
};

struct TableInfo {
  std::string schema;
  std::string name;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  std::string partition_parent;                 // "schema.name" of the parent, "" if none
  std::string partition_bound;                  // pg_get_expr of relpartbound
  std::vector<std::string> hash_partition_key;  // columns of the parent's PARTITION BY HASH
  std::vector<std::string> distribution_key;    // MPP distribution columns
  std::vector<std::string> distribution_opclasses;
  std::string distribution_policy;  // "hash", "random", "replicated" or ""
  int64_t estimated_rows = -1;
  int part = 0;   // with --split-larger-than: this part's number (0-based) ...
  int parts = 1;  // ... of this many; all parts carry the same identity
  Json extra = Json::object();

  // schema.name with identifiers quoted where SQL needs it: public."Order Items".
  std::string QualifiedName() const;
  Json ToJson() const;
  static Result<TableInfo> FromJson(const Json& j);
};

struct TableTrailer {
  TableTotals totals;
  uint64_t frames = 0;  // DATA frames of this table
  Json ToJson() const;
  static Result<TableTrailer> FromJson(const Json& j);
};

struct StreamTotals {
  uint64_t tables = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t frames = 0;  // all frames of the stream before STREAM_END
  Json ToJson() const;
  static Result<StreamTotals> FromJson(const Json& j);
};

struct SqlSection {
  std::string section;  // "pre-data", "post-data", "globals", "sequences"
  std::string sql;
  Json extra = Json::object();
  Json ToJson() const;
  static Result<SqlSection> FromJson(const Json& j);
};

// Quotes an identifier the way quote_ident() does: only when it must.
std::string QuoteIdent(const std::string& ident);
std::string QuoteLiteral(const std::string& value);
std::string DigestHex(uint64_t digest);
bool ParseDigestHex(const std::string& hex, uint64_t* digest);

// An integer member of stream metadata, checked: the JSON library converts a fraction or a
// number beyond 64 bits (stored as a double) to an integer type without complaint, and a
// double out of the type's range is undefined behaviour. Throws std::out_of_range, which
// the FromJson functions report as malformed metadata.
template <typename T>
T JsonInteger(const Json& v, const char* key) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  bool fits = false;
  if (v.is_number_unsigned()) {
    fits = v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
  } else if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    fits = std::is_signed_v<T> ? n >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                                     n <= static_cast<int64_t>(std::numeric_limits<T>::max())
                               : n >= 0;
  }
  if (!fits) throw std::out_of_range(std::string("'") + key + "' is not an integer in range");
  return v.get<T>();
}
template <typename T>
T JsonIntegerAt(const Json& j, const char* key) {
  return JsonInteger<T>(j.at(key), key);
}

// The deepest nesting of arrays and objects in JSON text, counting no further than one past
// `limit`. Brackets inside strings do not count; malformed text is the parser's to refuse.
int JsonNestingDepth(std::span<const uint8_t> text, int limit);
// One metadata payload as a JSON object; kCorrupt when it is not one or nests deeper than
// format::kMaxJsonDepth.
Result<Json> ParseJsonPayload(std::span<const uint8_t> payload, const char* what);
std::string NowIso8601();
std::string RandomHexId();

}  // namespace segstream
