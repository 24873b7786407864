// What a server's catalog and session have, by version and flavour, in one table: every
// "does this server have X" in the tools reads a ServerProfile instead of comparing version
// numbers where the query is built. Greenplum 6 runs on a PostgreSQL 9.4 catalog,
// Greenplum 7 on 12, Cloudberry on 14; PostgreSQL 12 to 18 are the plain rows.
//
// Verified against live servers: PostgreSQL 12 to 18, and Greenplum 6.24.3 (tests/mpp).
// The Greenplum 7 and Cloudberry rows come from their catalogs' sources and documentation;
// neither was run against a live cluster.
#pragma once

#include <string>

#include "lib/common/base/status.h"

namespace segstream {

enum class ServerFlavor { kPostgres, kGreenplum, kCloudberry };

struct ServerProfile {
  ServerFlavor flavor = ServerFlavor::kPostgres;
  int version_num = 0;  // server_version_num: the PostgreSQL base
  int mpp_major = 0;    // Greenplum's or Cloudberry's own major version; 0 for PostgreSQL

  // Session settings a dump sets (each exists from the version in the table).
  bool row_security = false;                 // 9.5
  bool idle_in_transaction_timeout = false;  // 9.6
  // Catalog columns and tables.
  bool declarative_partitions = false;  // 10: relispartition, relpartbound, pg_partitioned_table
  bool generated_columns = false;       // 12: pg_attribute.attgenerated
  // gp_distribution_policy's operator-class column: "distclass" on Greenplum 6,
  // "distclasses" from Greenplum 7 and on Cloudberry; "" without the catalog.
  std::string distribution_opclass_column;
  // The setting that puts a segment session in utility mode: gp_session_role=utility on
  // Greenplum 6, gp_role=utility from Greenplum 7 and on Cloudberry; "" for PostgreSQL.
  std::string utility_mode_setting;
  // Greenplum 6 marks external tables by pg_class.relstorage 'x' (relkind 'r'); from
  // Greenplum 7 and on Cloudberry they are foreign tables (relkind 'f').
  bool external_tables_by_relstorage = false;
  // Greenplum 6's own partitioning (pg_partition, pg_partition_rule): parents are ordinary
  // relkind 'r' tables whose COPY TO also copies every partition's rows.
  bool legacy_partitions = false;

  bool mpp() const { return flavor != ServerFlavor::kPostgres; }
  std::string Describe() const;  // "Greenplum 6 (PostgreSQL 9.4 catalog)"
};

// The profile of a server from its server_version_num and version() banner. kUsage for a
// server older than every row of the table (PostgreSQL before 9.4).
Result<ServerProfile> ProfileFor(int version_num, const std::string& version_banner);

}  // namespace segstream
