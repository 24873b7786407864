// How segsplit decides where each row of a table goes: the placement rules (the command
// line's --hash/--round-robin/--replicate and --key, plus what dump-stream recorded in the
// table's metadata) resolved, once per table, into a TablePlacement that places rows without
// allocating. Resolution errors are usage errors (exit 2) naming the table and column; a key
// value that cannot be parsed is a stream error (exit 3) naming table, row and column.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/common/format/copy_format.h"
#include "lib/common/format/stream_meta.h"
#include "lib/common/hash/datum.h"
#include "lib/common/hash/distribution_hash.h"

namespace segstream::segsplit {

// kFirstOutput: every row to output 0, for large objects (lib/common/large_objects.h),
// whose name row and byte rows must arrive together.
enum class PlacementKind { kHash, kRoundRobin, kReplicate, kFirstOutput };

// What the command line asked for.
struct PlacementRules {
  // --hash METHOD; nullopt means "from each table's metadata".
  std::optional<DistributionMethod> method;
  bool round_robin = false;  // --round-robin: every table, rows dealt in turn
  bool replicate = false;    // --replicate: every table, every row to every output
  int32_t targets = 1;       // --segments N
  // Explicit keys by {schema, name}: from --key and --key-file.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> keys;

  // Parses "[schema.]table=col1,col2" (unqualified means public) into `keys`.
  Status AddKeySpec(const std::string& spec);
  // Reads lines "schema.table col1,col2"; blank lines and lines starting with # skipped.
  Status AddKeyFile(const std::string& path);
};

// The resolved placement of one table's rows. Not thread-safe (owns the parser's buffers).
class TablePlacement {
 public:
  // Resolves the rules for `table` (read in `copy_format`).
  static Result<TablePlacement> Create(const PlacementRules& rules, const TableInfo& table,
                                       CopyFormat copy_format);

  PlacementKind kind() const { return kind_; }
  // For kHash: the target of one row as COPY produced it (text/csv rows with their newline).
  // On a bad key value returns false and sets *error to "column NAME: what is wrong".
  bool Place(std::span<const uint8_t> row, int32_t* target, std::string* error);
  // For kRoundRobin: the next target in turn.
  int32_t NextRoundRobin() {
    int32_t t = next_;
    if (++next_ == targets_) next_ = 0;
    return t;
  }
  // "greenplum by (id)", "round-robin", ...: what --verbose style messages show.
  std::string Describe() const;

 private:
  TablePlacement() = default;
  PlacementKind kind_ = PlacementKind::kHash;
  int32_t targets_ = 1;
  int32_t next_ = 0;
  CopyFormat format_ = CopyFormat::kText;
  std::vector<std::string> column_names_;  // of the whole table, for messages
  std::vector<std::string> key_names_;
  std::optional<KeyParser> parser_;
  std::optional<RowPlacer> placer_;
};

}  // namespace segstream::segsplit
