// What dump-stream learns from the catalogs: server facts for the stream header, and the
// selected tables with the metadata their TABLE_BEGIN frames carry. Every query passes user
// input as parameters; selection is done on the client by TableFilter.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "lib/common/format/stream_meta.h"
#include "lib/common/pg/server_profile.h"
#include "lib/common/pg/table_filter.h"

namespace segstream::dump {

struct ServerFacts {
  std::string version;   // server_version
  int version_num = 0;   // server_version_num
  std::string encoding;  // the database encoding: COPY data is written in it
  std::string database;
  uint64_t block_size = 8192;
  std::string mpp;  // "greenplum", "cloudberry" or "" for plain PostgreSQL
  bool has_distribution_policy = false;
  ServerProfile profile;  // what this server's catalog and session have
};

Result<ServerFacts> ReadServerFacts(PGconn* conn);

// A new stream's header as every dump starts it: this producer, a fresh stream id and time,
// the server's version, encoding and database, and where it came from (never a password).
StreamInfo NewStreamInfo(PGconn* conn, const ServerFacts& facts, CopyFormat copy_format);

struct DumpTable {
  TableInfo info;                         // part/parts left at 0/1; the planner sets them per part
  std::string oid;                        // pg_class oid, as text
  uint64_t relation_bytes = 0;            // pg_relation_size of the main fork
  std::vector<std::string> copy_columns;  // stored (not generated) columns, COPY order
  std::string copy_query;  // a SELECT to COPY instead of the relation (large objects)
  // With --schema: the names of the table's indexes (in its schema), which the stream
  // header announces so that a loader can build them as soon as the table's rows commit.
  std::vector<std::string> index_names;
};

using LockFunction = std::function<Status(const std::vector<DumpTable>&)>;

// The regular tables (and partition leaves) selected by `filter`, sorted by schema and
// name. `lock` is called once the selection is known (only oid and identity are set) and
// before any query that would itself lock a table (sizes, bounds), so lock waits are
// bounded by --lock-wait-timeout. Partitioned parents have no data and are never returned; a leaf
// is also selected when one of its partitioned ancestors matches an include rule and `excludes`
// (the exclude rules alone) does not drop the leaf. Selected foreign and external tables are not
// returned but named in `left_out` ("foreign table public.ft"): COPY cannot read them.
Result<std::vector<DumpTable>> DiscoverTables(PGconn* conn, const ServerFacts& facts,
                                              const TableFilter& filter,
                                              const TableFilter& excludes, const LockFunction& lock,
                                              std::vector<std::string>* left_out);

// DiscoverTables with the dump's locks (ACCESS SHARE, bounded by `lock_wait_timeout`), a
// note on stderr naming the tables left out (unless `quiet`), and a usage error when
// include patterns matched nothing.
Result<std::vector<DumpTable>> SelectAndLockTables(PGconn* conn, const ServerFacts& facts,
                                                   const TableFilter& filter,
                                                   const TableFilter& excludes,
                                                   const std::string& lock_wait_timeout,
                                                   bool quiet);

// Fills in every table's index_names, in one query.
Status AddIndexNames(PGconn* conn, std::vector<DumpTable>* tables);

}  // namespace segstream::dump
