#include "tools/load-stream/early_post_data.h"

#include <algorithm>

#include <sstream>

#include "tools/load-stream/use_list.h"

namespace segstream::load {
namespace {

const std::string* StringMember(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

}  // namespace

PostDataByTable SplitPostDataByTable(const std::string& listing, const Json& announced) {
  // The descriptors that name one table's entries, and that table.
  std::map<std::string, TableName> index_of, constraint_prefix;
  if (announced.is_array()) {
    for (const Json& t : announced) {
      if (!t.is_object()) continue;
      const std::string* schema = StringMember(t, "schema");
      const std::string* name = StringMember(t, "name");
      if (!schema || !name) continue;
      TableName table{*schema, *name};
      constraint_prefix["CONSTRAINT " + *schema + " " + *name + " "] = table;
      auto indexes = t.find("indexes");
      if (indexes == t.end() || !indexes->is_array()) continue;
      for (const Json& i : *indexes)
        if (i.is_string()) index_of["INDEX " + *schema + " " + i.get<std::string>()] = table;
    }
  }
  PostDataByTable out;
  std::istringstream in(listing);
  std::string line;
  while (std::getline(in, line)) {
    long id = 0;
    size_t at = 0;
    if (line.empty() || line[0] == ';' || !SplitListLine(line, &id, &at)) continue;
    // The listing prints names bare, so a blank may be part of one: of the announced
    // descriptors the line starts with, the longest wins.
    const TableName* table = nullptr;
    size_t best = 0;
    if (line.compare(at, 6, "INDEX ") == 0) {
      for (size_t end = line.find(' ', at + 6);; end = line.find(' ', end + 1)) {
        const size_t stop = end == std::string::npos ? line.size() : end;
        auto it = index_of.find(line.substr(at, stop - at));
        if (it != index_of.end()) table = &it->second;  // a longer match replaces a shorter
        if (end == std::string::npos) break;
      }
    } else if (line.compare(at, 11, "CONSTRAINT ") == 0) {
      for (const auto& [prefix, t] : constraint_prefix)
        if (prefix.size() > best && line.compare(at, prefix.size(), prefix) == 0) {
          table = &t;
          best = prefix.size();
        }
    }
    if (!table) continue;
    out.lines[*table] += line + "\n";
    out.ids[*table].insert(id);
  }
  return out;
}

EarlyPostData::~EarlyPostData() {
  {
    MutexLock lock(mu_);
    finishing_ = true;
    stopped_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void EarlyPostData::Start(const LoadOptions& options, PgRestore restore, std::string archive,
                          Json announced, int threads) {
  options_ = &options;
  restore_ = std::move(restore);
  archive_ = std::move(archive);
  {
    MutexLock lock(mu_);
    announced_ = std::move(announced);
    started_ = true;
    for (const TableName& t : committed_)
      if (!stopped_) queue_.push_back(t);
    committed_.clear();
  }
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { BuildLoop(); });
  cv_.notify_all();
}

void EarlyPostData::TableCommitted(const TableName& table) {
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    if (!started_) {
      committed_.insert(table);
      return;
    }
    queue_.push_back(table);
  }
  cv_.notify_one();
}

void EarlyPostData::StopQueuing() {
  MutexLock lock(mu_);
  stopped_ = true;
  committed_.clear();
}

void EarlyPostData::BuildLoop() {
  MutexLock lock(mu_);
  for (;;) {
    while (queue_.empty() && !finishing_) lock.Wait(cv_);
    if (queue_.empty()) return;
    TableName table = queue_.front();
    queue_.pop_front();
    if (!first_error_.ok()) continue;  // after a failure the final run reports the rest
    if (!planned_) {
      // Under the lock, once: the other builders wait for the plan rather than list too.
      planned_ = true;
      auto listing = ListArchive(restore_, *options_, archive_);
      if (!listing.ok()) {
        first_error_ = listing.take_status();
        continue;
      }
      plan_ = SplitPostDataByTable(listing.value(), announced_);
    }
    if (!plan_.lines.count(table)) continue;
    std::string lines = plan_.lines[table];
    const std::set<long>& ids = plan_.ids[table];
    handed_.insert(ids.begin(), ids.end());
    // A table's indexes build concurrently: its big primary key need not wait for the rest.
    const int jobs = static_cast<int>(std::min<size_t>(ids.size(), std::max(1, options_->jobs)));
    lock.Unlock();
    Status st = RestoreListed(restore_, *options_, archive_, lines, jobs);
    lock.Lock();
    if (!st.ok() && first_error_.ok())
      first_error_ = std::move(st).Prefix("indexes of " + QuoteIdent(table.first) + "." +
                                          QuoteIdent(table.second));
  }
}

Status EarlyPostData::Finish(std::set<long>* built) {
  {
    MutexLock lock(mu_);
    finishing_ = true;
    stopped_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  MutexLock lock(mu_);
  *built = handed_;
  return first_error_;
}

}  // namespace segstream::load
