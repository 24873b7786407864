#include "lib/common/pg/foreign_keys.h"

#include <queue>

namespace segstream {

namespace {

// Both ends expanded down the inheritance tree: since PostgreSQL 12 a key on a partitioned
// table is cloned onto its partitions, and a key referencing one checks its leaves.
constexpr const char* kForeignKeysSql = R"SQL(
WITH RECURSIVE fk AS (
  SELECT DISTINCT conrelid AS referencing, confrelid AS referenced
  FROM pg_catalog.pg_constraint WHERE contype = 'f'
), down(root, rel) AS (
  SELECT r, r FROM (SELECT referencing AS r FROM fk UNION SELECT referenced FROM fk) roots
  UNION
  SELECT d.root, i.inhrelid FROM down d JOIN pg_catalog.pg_inherits i ON i.inhparent = d.rel
)
SELECT DISTINCT an.nspname, a.relname, bn.nspname, b.relname
FROM fk
JOIN down da ON da.root = fk.referencing
JOIN down db ON db.root = fk.referenced
JOIN pg_catalog.pg_class a ON a.oid = da.rel
JOIN pg_catalog.pg_namespace an ON an.oid = a.relnamespace
JOIN pg_catalog.pg_class b ON b.oid = db.rel
JOIN pg_catalog.pg_namespace bn ON bn.oid = b.relnamespace
WHERE da.rel <> db.rel
ORDER BY 1, 2, 3, 4
)SQL";

constexpr const char* kKeyedPartitionLeavesSql = R"SQL(
WITH RECURSIVE down(root, rel) AS (
  SELECT c.oid, c.oid FROM pg_catalog.pg_class c
  WHERE c.relkind = 'p' AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                                    WHERE k.contype = 'f' AND k.conrelid = c.oid)
  UNION
  SELECT d.root, i.inhrelid FROM down d JOIN pg_catalog.pg_inherits i ON i.inhparent = d.rel
)
SELECT pn.nspname, p.relname, ln.nspname, l.relname
FROM down
JOIN pg_catalog.pg_class p ON p.oid = down.root
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_catalog.pg_class l ON l.oid = down.rel
JOIN pg_catalog.pg_namespace ln ON ln.oid = l.relnamespace
WHERE l.relkind <> 'p'
ORDER BY 1, 2, 3, 4
)SQL";

}  // namespace

Result<std::vector<PartitionLeaf>> ReadKeyedPartitionLeaves(PGconn* conn, bool mpp) {
  std::vector<PartitionLeaf> leaves;
  if (mpp) return leaves;
  auto res = Exec(conn, kKeyedPartitionLeavesSql);
  if (!res.ok()) return res.take_status().Prefix("cannot read the partitions of keyed tables");
  const PGresult* r = res->get();
  for (int i = 0; i < PQntuples(r); ++i)
    leaves.push_back({Field(r, i, 0), Field(r, i, 1), Field(r, i, 2), Field(r, i, 3)});
  return leaves;
}

Result<std::vector<ForeignKeyEdge>> ReadForeignKeys(PGconn* conn, bool mpp) {
  std::vector<ForeignKeyEdge> edges;
  if (mpp) return edges;
  auto res = Exec(conn, kForeignKeysSql);
  if (!res.ok()) return res.take_status().Prefix("cannot read the foreign keys");
  const PGresult* r = res->get();
  for (int i = 0; i < PQntuples(r); ++i)
    edges.push_back({Field(r, i, 0), Field(r, i, 1), Field(r, i, 2), Field(r, i, 3)});
  return edges;
}

ReferencedFirstOrder OrderReferencedFirst(size_t count,
                                          const std::vector<std::pair<size_t, size_t>>& edges) {
  std::vector<std::vector<size_t>> dependents(count);
  std::vector<size_t> waiting_for(count, 0);
  for (const auto& [from, to] : edges) {
    if (from == to || from >= count || to >= count) continue;
    dependents[to].push_back(from);
    ++waiting_for[from];
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < count; ++i)
    if (waiting_for[i] == 0) ready.push(i);
  ReferencedFirstOrder out;
  std::vector<bool> placed(count, false);
  size_t next_forced = 0;
  while (out.order.size() < count) {
    size_t node;
    if (!ready.empty()) {
      node = ready.top();
      ready.pop();
    } else {
      // A cycle: the first unplaced node goes anyway, and what it held back follows.
      while (placed[next_forced]) ++next_forced;
      node = next_forced;
      out.cyclic.push_back(node);
    }
    if (placed[node]) continue;
    placed[node] = true;
    out.order.push_back(node);
    for (size_t d : dependents[node])
      if (--waiting_for[d] == 0 && !placed[d]) ready.push(d);
  }
  return out;
}

}  // namespace segstream
