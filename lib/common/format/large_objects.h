// Large objects travel as one pseudo-table, pg_catalog.pg_largeobject, marked
// "large_objects": true in its table-begin metadata, with three columns:
//   loid oid, "offset" bigint, data bytea
// A row with a null offset names a large object (so an empty one exists too); the other
// rows are its bytes at that offset (pg_largeobject's pages, or the whole object read with
// lo_get). A loader creates each named object that is missing, empties each one that
// exists, and writes every row's bytes with lo_put, in the table's own transaction.
#pragma once

#include "lib/common/format/stream_meta.h"

namespace segstream {

inline constexpr const char* kLargeObjectsSchema = "pg_catalog";
inline constexpr const char* kLargeObjectsTable = "pg_largeobject";
inline constexpr const char* kLargeObjectsMarker = "large_objects";

inline bool IsLargeObjectsTable(const TableInfo& info) {
  auto it = info.extra.find(kLargeObjectsMarker);
  return info.schema == kLargeObjectsSchema && info.name == kLargeObjectsTable &&
         it != info.extra.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace segstream
