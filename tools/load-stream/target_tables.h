// Where each table of a stream goes: the target name after --table-map and
// --redirect-schema, whether it exists, whether its columns can take the stream's rows,
// and (with --create-tables) the DDL that creates it. Catalog lookups pass names as query
// parameters; every identifier put into SQL text goes through QuoteIdent.
// Not thread-safe: used by the reader thread on its own connection.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lib/common/format/stream_meta.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/server_profile.h"
#include "tools/load-stream/column_types.h"
#include "tools/load-stream/load_options.h"

namespace segstream::load {

struct TargetPlan {
  std::string schema;       // unquoted
  std::string name;         // unquoted
  std::string qualified;    // quoted schema.name, for SQL and messages
  std::string column_list;  // "(a, \"B c\")" in stream column order
  // Set when the table must still be created (single transaction): one statement each.
  std::vector<std::string> create_sql;
  bool partitioned = false;  // COPY FREEZE is not allowed on a partitioned table
  bool created = false;      // created by this run
  // Large objects (lib/common/large_objects.h): COPY fills a temporary table that
  // before_copy_sql makes, and after_copy_sql writes the objects from it.
  std::vector<std::string> before_copy_sql;
  std::vector<std::string> after_copy_sql;
};

class TargetResolver {
 public:
  // `conn` is borrowed and must outlive the resolver.
  TargetResolver(PGconn* conn, const LoadOptions& options);
  // Reads the target's profile and parses --table-map; a usage error for a malformed
  // mapping.
  Status Init();
  // The target of one table of a stream in `copy_format`. Fails with a kServer status naming
  // the table when it is missing (and not to be created) or its columns do not fit. With
  // `execute_create` false a missing table is not created here: create_sql says how.
  Result<std::shared_ptr<const TargetPlan>> Resolve(const TableInfo& info, CopyFormat copy_format,
                                                    bool execute_create);
  // Reads, in one query, what Resolve needs of the targets of these tables of a stream
  // (source schema and name, mapped as Resolve maps them): whether each exists, its kind
  // and its columns. A stream of thousands of tables then costs one catalog round trip
  // instead of two per table. Only a shortcut: when it fails, Resolve asks per table.
  void Prefetch(const std::vector<std::pair<std::string, std::string>>& source_names);
  // The quoted target name of a stream's table, as Resolve would choose it.
  std::string TargetName(const std::string& source_schema, const std::string& source_name) const;
  const ServerProfile& profile() const { return profile_; }

 private:
  // What the target's catalog says of one table: nothing when it is missing.
  struct TargetColumn {
    std::string type;  // format_type()
    bool generated = false;
  };
  struct TargetFacts {
    bool exists = false;
    std::string relkind;
    std::map<std::string, TargetColumn> columns;
  };

  std::pair<std::string, std::string> MapName(const std::string& source_schema,
                                              const std::string& source_name) const;
  // The catalog's facts of one target, from Prefetch when it read them, else queried now.
  Result<TargetFacts> Facts(const std::string& schema, const std::string& name);
  Status CheckColumns(const TableInfo& info, CopyFormat copy_format, const TargetFacts& target,
                      const std::string& qualified) const;

  PGconn* conn_;
  const LoadOptions& options_;
  load::TypeResolver types_;
  ServerProfile profile_;
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> map_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<TargetPlan>> cache_;
  // Read by Prefetch, by target (schema, name); each is used once, then cache_ has the plan.
  std::map<std::pair<std::string, std::string>, TargetFacts> prefetched_;
};

// "CREATE TABLE q (cols..., PRIMARY KEY (...))" from a stream's column metadata, with
// `types[i]` (checked by load::TypeResolver, never the stream's text) for column i. For a
// Greenplum or Cloudberry target (`mpp`) the stream's distribution policy follows:
// DISTRIBUTED BY (key opclass, ...), RANDOMLY or REPLICATED, names quoted.
std::string CreateTableSql(const std::string& qualified, const TableInfo& info,
                           const std::vector<std::string>& types, bool mpp = false);

}  // namespace segstream::load
