// Applying a stream's schema sections to the target, only ever when the user asked for them
// (--schema, --globals): roles and tablespaces statement by statement, pg_dump archives
// through pg_restore (pre-data in one transaction, post-data with --jobs connections so
// index and constraint builds run in parallel in dependency order), sequence values from the
// stream's structured list (never from its SQL text). And --create-db.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lib/common/format/stream_meta.h"
#include "lib/common/io/child_process.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/table_filter.h"
#include "tools/load-stream/load_options.h"

namespace segstream::load {

// Runs pg_dumpall's globals on a connection of their own (they SET client_encoding and
// more). CREATE ROLE of a role that exists is a warning; any other failure is an error.
Status ApplyGlobals(const ConnOptions& conn, const std::string& sql, bool quiet);

// pg_restore for the database `conn` is connected to: the program of the server's version
// and what it needs to connect (no password on its command line), taken once so that
// threads without a connection of their own can run it.
struct PgRestore {
  std::string program;
  ChildConnection connection;
  int server_version_num = 0;
  // The arguments every run gets: --dbname, --role, --no-owner, --no-privileges.
  std::vector<std::string> CommonArgs(const LoadOptions& o) const;
};
Result<PgRestore> PgRestoreFor(PGconn* conn, const LoadOptions& o);

// pg_restore --list of the archive at `path`, with -L's selection applied.
Result<std::string> ListArchive(const PgRestore& restore, const LoadOptions& o,
                                const std::string& path);

// pg_restore --section=SECTION of the archive at `path` into the database `conn` is
// connected to. `jobs` > 1 runs it in parallel; pre-data runs as one transaction. The
// entries whose dump IDs are in `skip` are left out (built already).
Status RestoreArchive(PGconn* conn, const LoadOptions& o, const std::string& path,
                      const std::string& section, int jobs, const std::set<long>& skip = {});

// pg_restore --use-list of exactly `listing`'s lines (pg_restore --list lines of the archive
// at `path`), in one run: --exit-on-error, and -v's lines with --verbose. `jobs` > 1 builds
// the entries on that many connections at once (a table's indexes in parallel, as pgcopydb's
// --index-jobs does).
Status RestoreListed(const PgRestore& restore, const LoadOptions& o, const std::string& path,
                     const std::string& listing, int jobs = 1);

// Post-data of a resumed load whose earlier run started it (pg_restore --jobs is not one
// transaction, so part of it may be there): its SQL statement by statement on a connection
// of its own, keeping the indexes, constraints, triggers, rules and policies that exist
// already (by SQLSTATE, whatever the server's language) and failing on anything else.
Status ReapplyPostData(const LoadOptions& o, const std::string& path);

// setval for every sequence of a "sequences" section (its "sequences" list: schema, name,
// last_value, is_called, and owner_schema/owner_table for owned ones), with names and
// values as bound parameters. With a selection (`filter` has includes or excludes), only
// sequences whose owning table it selects, or free-standing ones it selects by name. A
// sequence the target lacks is a warning (unless `quiet`), not a failure.
// With `listed` (-L), only the sequences it names.
Status ApplySequences(PGconn* conn, const SqlSection& section, const TableFilter& filter,
                      const std::set<std::pair<std::string, std::string>>* listed, bool quiet);

// CREATE DATABASE for the target named by o.conn, with `encoding`, on the maintenance
// database "postgres" of the same server. An existing database is an error unless
// `exists_ok` (a resumed load).
Status CreateTargetDatabase(const LoadOptions& o, const std::string& encoding, bool exists_ok,
                            bool quiet);

}  // namespace segstream::load
