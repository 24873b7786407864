#include "tools/dump-stream/large_objects.h"

#include <string>

#include "lib/common/format/large_objects.h"
#include "lib/common/pg/pg_conn.h"

namespace segstream::dump {
namespace {

// A name row per object, then its bytes. pg_largeobject holds them in pages of
// LOBLKSIZE = BLCKSZ / 4 bytes, readable only by superusers; others read each object they
// may read whole with lo_get (so one of over 1 GB fails there, as bytea cannot hold it).
constexpr const char* kNames =
    "SELECT oid AS loid, NULL::pg_catalog.int8 AS \"offset\", NULL::pg_catalog.bytea AS data "
    "FROM pg_catalog.pg_largeobject_metadata";
constexpr const char* kPages =
    "SELECT loid, pageno::pg_catalog.int8 * (pg_catalog.current_setting('block_size')::int / 4), "
    "data FROM pg_catalog.pg_largeobject";
constexpr const char* kWhole =
    "SELECT oid, 0::pg_catalog.int8, pg_catalog.lo_get(oid) "
    "FROM pg_catalog.pg_largeobject_metadata";

// count(*) of the catalog, in a savepoint: a server without it (an MPP segment) must not
// abort the snapshot's transaction; it has no large objects to carry.
Result<int64_t> CountLargeObjects(PGconn* conn) {
  RETURN_IF_ERROR(Exec(conn, "SAVEPOINT count_large_objects").status());
  auto n = Exec(conn, "SELECT count(*) FROM pg_catalog.pg_largeobject_metadata");
  RETURN_IF_ERROR(Exec(conn, n.ok() ? "RELEASE SAVEPOINT count_large_objects"
                                    : "ROLLBACK TO SAVEPOINT count_large_objects")
                      .status());
  return n.ok() ? std::stoll(Field(n->get(), 0, 0)) : 0;
}

}  // namespace

Result<std::optional<DumpTable>> PlanLargeObjects(PGconn* leader, const DumpOptions& o,
                                                  const TableFilter& filter) {
  if (!o.WantsRows() || o.no_large_objects || filter.has_includes() ||
      !filter.Matches(kLargeObjectsSchema, kLargeObjectsTable, false))
    return std::optional<DumpTable>();
  ASSIGN_OR_RETURN(int64_t count, CountLargeObjects(leader));
  if (count == 0) return std::optional<DumpTable>();
  ASSIGN_OR_RETURN(PgResultPtr may_read, Exec(leader,
                                              "SELECT pg_catalog.has_table_privilege("
                                              "'pg_catalog.pg_largeobject', 'SELECT')"));
  const bool pages = Field(may_read.get(), 0, 0) == "t";

  DumpTable t;
  t.info.schema = kLargeObjectsSchema;
  t.info.name = kLargeObjectsTable;
  t.info.columns = {{"loid", "oid", true}, {"offset", "bigint", false}, {"data", "bytea", false}};
  t.info.estimated_rows = count;
  t.info.extra[kLargeObjectsMarker] = true;
  t.info.extra["large_object_count"] = count;
  t.copy_query = std::string(kNames) + " UNION ALL " + (pages ? kPages : kWhole);
  return std::optional<DumpTable>(std::move(t));
}

}  // namespace segstream::dump
