// One instant for the whole dump: the leader's REPEATABLE READ READ ONLY transaction exports
// its snapshot (or imports the user's), every job connection imports it, and the leader
// holds ACCESS SHARE locks on the selected tables, as pg_dump does, so no DDL can change
// them until the dump ends.
#pragma once

#include <string>
#include <vector>

#include <libpq-fe.h>

#include "lib/common/format/stream_meta.h"
#include "lib/common/pg/server_profile.h"

namespace segstream::dump {

// Settings that make COPY text the same whatever the server's defaults are, and encoding
// conversion impossible (client_encoding = the database encoding). Returns what was set,
// for the stream header.
Result<Json> ApplySessionSettings(PGconn* conn, const std::string& encoding,
                                  const ServerProfile& profile);

// Starts the leader's transaction; returns the snapshot id every job imports. An empty
// `import_snapshot` exports a new one.
Result<std::string> BeginLeaderTransaction(PGconn* conn, const std::string& import_snapshot);

// LOCK TABLE ... IN ACCESS SHARE MODE on each "schema"."name", pipelined in batches;
// `lock_wait_timeout` ("" = wait forever) bounds the wait, and a timeout names the table.
// `st` with a hint to raise max_locks_per_transaction when the server's lock table ran
// out ("out of shared memory", as pg_dump explains it), for a dump of `tables` tables.
Status ExplainLockTableFull(Status st, size_t tables);
Status LockTables(PGconn* conn, const std::vector<std::string>& qualified_names,
                  const std::string& lock_wait_timeout);

// Starts a job's transaction on `snapshot`.
Status BeginJobTransaction(PGconn* conn, const std::string& snapshot);

}  // namespace segstream::dump
