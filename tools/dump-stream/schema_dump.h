// The parts of a dump that are not table rows: pg_dump's pre-data and post-data sections
// (custom-format archives taken in the dump's own snapshot), the sequences' values read in
// the dump's transaction, and pg_dumpall's globals (roles, tablespaces). pg_dump and
// pg_dumpall run as children with argv arrays; the password travels in their environment.
#pragma once

#include <string>
#include <vector>

#include <libpq-fe.h>

#include "lib/common/format/stream_meta.h"
#include "lib/common/io/child_process.h"
#include "lib/common/pg/server_profile.h"
#include "lib/common/pg/table_filter.h"
#include "tools/dump-stream/dump_options.h"

namespace segstream::dump {

// pg_dump's table selection arguments for the options' -t/-n/-T/-N and table files. Names
// of an --exclude-table-file keep their definitions (--exclude-table-data): the file is how
// a resumed migration skips tables whose rows already arrived, and their indexes and
// constraints are still wanted.
std::vector<std::string> PgDumpSelectionArgs(const DumpOptions& o);

// Runs pg_dump -Fc --section=SECTION --snapshot=SNAPSHOT into a temporary file and returns
// it. Pre-data is --schema-only unless `large_object_shells`: then it also creates the large
// objects, with their owners and grants, whose bytes the stream's rows carry.
// Greenplum and Cloudberry get their own pg_dump (ClientProgramFor), given only options
// its version knows, and their internal schemas are left out.
Result<TempFile> DumpSchemaSection(PGconn* conn, const ServerProfile& server, const DumpOptions& o,
                                   const std::string& snapshot, const std::string& section,
                                   bool large_object_shells = false);

// The selected sequences' (last_value, is_called), read in `conn`'s current transaction
// (the dump's snapshot), as a "sequences" section: readable setval statements in "sql" and
// the values themselves in "sequences", which is what load-stream applies.
Result<SqlSection> ReadSequences(PGconn* conn, const TableFilter& filter);

// pg_dumpall --globals-only as a "globals" section.
Result<SqlSection> DumpGlobals(PGconn* conn, const ServerProfile& server, const DumpOptions& o);

// An exact name as a pg_dump pattern that matches exactly that table: "schema"."name", or
// "name" alone (the table visible in the search path) for a bare name.
std::string ExactPgDumpPattern(const ExactName& name);

}  // namespace segstream::dump
