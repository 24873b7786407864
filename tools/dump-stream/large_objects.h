// The large objects of a dump (format: lib/common/large_objects.h). A dump carries them as
// pg_dump does: in a whole-database dump (no -t or -n), unless --no-large-objects, or
// --exclude-table names pg_catalog.pg_largeobject (a --list-done file of a resumed load).
#pragma once

#include <optional>

#include <libpq-fe.h>

#include "lib/common/base/status.h"
#include "lib/common/pg/table_filter.h"
#include "tools/dump-stream/catalog.h"
#include "tools/dump-stream/dump_options.h"

namespace segstream::dump {

// The pseudo-table that carries the database's large objects, or nothing when this dump
// does not carry them or there are none. Runs in the leader's snapshot transaction.
Result<std::optional<DumpTable>> PlanLargeObjects(PGconn* leader, const DumpOptions& o,
                                                  const TableFilter& filter);

}  // namespace segstream::dump
