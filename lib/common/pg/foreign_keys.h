// Foreign keys between tables, as both ends of a migration need them: dump-stream writes
// referenced tables first, and load-stream starts a table only after the tables it
// references have committed. Partitions are expanded (a key on a partitioned table binds
// each of its leaves), so the graph speaks of the tables COPY actually fills.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/pg/pg_conn.h"

namespace segstream {

struct ForeignKeyEdge {
  // Unquoted names. A table referencing itself is never an edge: COPY checks such keys at
  // the end of its own statement, whatever the row order.
  std::string referencing_schema, referencing_name;
  std::string referenced_schema, referenced_name;
};

// Every foreign key of the connected database between two distinct tables. PostgreSQL only:
// Greenplum and Cloudberry do not enforce foreign keys, and an empty list is returned for them.
Result<std::vector<ForeignKeyEdge>> ReadForeignKeys(PGconn* conn, bool mpp);

// Every partitioned table with a foreign key and its leaf partitions, the tables COPY fills:
// TRUNCATE must name the partitioned table itself when its key references a table emptied.
struct PartitionLeaf {
  std::string parent_schema, parent_name;
  std::string leaf_schema, leaf_name;
};
Result<std::vector<PartitionLeaf>> ReadKeyedPartitionLeaves(PGconn* conn, bool mpp);

// A topological order of `count` nodes where each edge {from, to} means `from` needs `to`
// first. Among nodes that are ready it keeps their index order (callers index in the order
// they prefer, largest first for instance). Nodes of a cycle are placed in
// index order where a cycle blocks; the node placed to break each cycle is in `cyclic`.
struct ReferencedFirstOrder {
  std::vector<size_t> order;
  std::vector<size_t> cyclic;
};
ReferencedFirstOrder OrderReferencedFirst(size_t count,
                                          const std::vector<std::pair<size_t, size_t>>& edges);

}  // namespace segstream
