#include "tools/load-stream/load_order.h"

#include "lib/common/format/stream_meta.h"
#include "lib/common/pg/foreign_keys.h"

namespace segstream::load {

Status LoadOrder::Read(PGconn* conn, bool mpp) {
  ASSIGN_OR_RETURN(std::vector<ForeignKeyEdge> edges, ReadForeignKeys(conn, mpp));
  for (const ForeignKeyEdge& e : edges) {
    std::string from = QuoteIdent(e.referencing_schema) + "." + QuoteIdent(e.referencing_name);
    std::string to = QuoteIdent(e.referenced_schema) + "." + QuoteIdent(e.referenced_name);
    references_[from].insert(to);
    referenced_by_[to].insert(from);
  }
  ASSIGN_OR_RETURN(std::vector<PartitionLeaf> leaves, ReadKeyedPartitionLeaves(conn, mpp));
  for (const PartitionLeaf& l : leaves)
    leaves_[QuoteIdent(l.parent_schema) + "." + QuoteIdent(l.parent_name)].insert(
        QuoteIdent(l.leaf_schema) + "." + QuoteIdent(l.leaf_name));
  read_ = true;
  return Status::Ok();
}

std::vector<std::string> LoadOrder::References(const std::string& table) const {
  auto it = references_.find(table);
  if (it == references_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::set<std::string> LoadOrder::Linked(const std::set<std::string>& targets) const {
  std::set<std::string> out;
  for (const std::string& t : targets)
    if (references_.count(t) || referenced_by_.count(t)) out.insert(t);
  return out;
}

std::set<std::string> LoadOrder::TruncateList(const std::set<std::string>& group,
                                              const std::set<std::string>& targets,
                                              std::vector<std::string>* outside) const {
  std::set<std::string> list = group;
  for (const std::string& t : group) {
    auto it = referenced_by_.find(t);
    if (it == referenced_by_.end()) continue;
    for (const std::string& from : it->second) {
      if (targets.count(from)) continue;
      auto leaves = leaves_.find(from);
      bool all_leaves_loaded = leaves != leaves_.end() && !leaves->second.empty();
      if (all_leaves_loaded)
        for (const std::string& leaf : leaves->second) all_leaves_loaded &= targets.count(leaf) > 0;
      if (all_leaves_loaded) {
        list.insert(from);
      } else {
        outside->push_back(from + " (references " + t + ")");
      }
    }
  }
  return list;
}

std::vector<std::string> LoadOrder::ReferencedFirst(const std::set<std::string>& targets,
                                                    std::vector<std::string>* cyclic) const {
  std::vector<std::string> names(targets.begin(), targets.end());
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
  std::vector<std::pair<size_t, size_t>> edges;
  for (const std::string& from : names) {
    auto it = references_.find(from);
    if (it == references_.end()) continue;
    for (const std::string& to : it->second)
      if (auto j = index.find(to); j != index.end()) edges.emplace_back(index[from], j->second);
  }
  ReferencedFirstOrder order = OrderReferencedFirst(names.size(), edges);
  for (size_t i : order.cyclic) cyclic->push_back(names[i]);
  std::vector<std::string> out;
  for (size_t i : order.order) out.push_back(names[i]);
  return out;
}

}  // namespace segstream::load
