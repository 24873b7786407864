// What the target's foreign keys ask of a data-only load: which tables each table must wait
// for (they commit first), which tables --truncate must empty in one statement, and which
// tables outside the load would stop that statement. Names are quoted "schema"."name", as
// TargetPlan::qualified spells them. Greenplum and Cloudberry enforce no foreign keys: there
// the graph is empty.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lib/common/pg/pg_conn.h"

namespace segstream::load {

class LoadOrder {
 public:
  // Reads the target's foreign keys. Called once the target's tables exist (after pre-data).
  Status Read(PGconn* conn, bool mpp);
  bool read() const { return read_; }

  // The tables `table` references, itself excepted.
  std::vector<std::string> References(const std::string& table) const;
  // The tables of `targets` with a foreign key to or from another table: TRUNCATE must name
  // them together with every table referencing them.
  std::set<std::string> Linked(const std::set<std::string>& targets) const;
  // The tables one TRUNCATE must name to empty `group` (from Linked): the group, and each
  // partitioned table with a key to it whose leaves are all in `targets` (emptying it
  // empties only them). `outside` gets "referencing (references referenced)" for each other
  // table referencing the group: TRUNCATE without CASCADE refuses those.
  std::set<std::string> TruncateList(const std::set<std::string>& group,
                                     const std::set<std::string>& targets,
                                     std::vector<std::string>* outside) const;
  // `targets` with the tables each references before it; `cyclic` gets the tables placed
  // early to break a cycle of foreign keys, which no order of loading satisfies.
  std::vector<std::string> ReferencedFirst(const std::set<std::string>& targets,
                                           std::vector<std::string>* cyclic) const;

 private:
  bool read_ = false;
  std::map<std::string, std::set<std::string>> references_;     // referencing -> referenced
  std::map<std::string, std::set<std::string>> referenced_by_;  // referenced -> referencing
  std::map<std::string, std::set<std::string>> leaves_;  // partitioned table with a key -> leaves
};

}  // namespace segstream::load
