// Each table's indexes and constraints, built as soon as its rows commit rather than after
// the last table: the index builds of the tables that are done overlap the COPY of those
// still loading, as pgcopydb does. Only a table's own INDEX and CONSTRAINT entries (primary
// keys, unique and exclusion constraints) of the post-data archive go early; foreign keys,
// triggers, rules, policies, comments and everything else wait for the final pg_restore,
// which skips what was built early. The SQL is always pg_dump's, run by pg_restore
// --use-list; the stream only steers which entries run when.
// Thread safety: TableCommitted from any thread (the load jobs); the rest from the reader
// thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lib/common/base/mutex.h"
#include "lib/common/base/status.h"
#include "lib/common/format/stream_meta.h"
#include "tools/load-stream/load_options.h"
#include "tools/load-stream/schema_apply.h"

namespace segstream::load {

// Only tables of at least --early-indexes bytes (16 MiB by default) go early: a pg_restore of
// its own costs tens of milliseconds, more than building a small table's indexes, and 20,000
// tiny tables would start 20,000 of them. The others wait for the final run.

using TableName = std::pair<std::string, std::string>;  // schema, name as the stream has them

// The lines of a post-data listing (pg_restore --list) that belong to one table each.
struct PostDataByTable {
  std::map<TableName, std::string> lines;  // the table's listing lines, in listing order
  std::map<TableName, std::set<long>> ids;
};

// Splits `listing` by table: "INDEX schema index owner" lines of the indexes `announced`
// (the stream header's "tables": schema, name, indexes) names, and "CONSTRAINT schema table
// name owner" lines of its tables. Malformed announcements are ignored: they can only make
// an entry wait for the final run.
PostDataByTable SplitPostDataByTable(const std::string& listing, const Json& announced);

class EarlyPostData {
 public:
  EarlyPostData() = default;
  ~EarlyPostData();
  EarlyPostData(const EarlyPostData&) = delete;
  EarlyPostData& operator=(const EarlyPostData&) = delete;

  // Starts `threads` builders for the post-data archive at `archive` and the stream header's
  // `announced` tables; tables that committed before are queued at once. The archive is
  // listed (one more pg_restore) only once a table is queued: a load of small tables
  // starts no process for this.
  void Start(const LoadOptions& options, PgRestore restore, std::string archive, Json announced,
             int threads);
  // Every part of this table is committed.
  void TableCommitted(const TableName& table);
  // No more early builds (another stream began: a table may get more rows).
  void StopQueuing();
  // Waits for the builds under way. The first failure; `*built` gets the dump IDs of every
  // entry handed to pg_restore, which the final run leaves out.
  Status Finish(std::set<long>* built);

 private:
  void BuildLoop();

  const LoadOptions* options_ = nullptr;
  PgRestore restore_;
  std::string archive_;
  Mutex mu_;
  std::condition_variable cv_;
  bool started_ GUARDED_BY(mu_) = false;
  bool planned_ GUARDED_BY(mu_) = false;
  Json announced_ GUARDED_BY(mu_);
  bool stopped_ GUARDED_BY(mu_) = false;  // no more queuing
  bool finishing_ GUARDED_BY(mu_) = false;
  PostDataByTable plan_ GUARDED_BY(mu_);
  std::set<TableName> committed_ GUARDED_BY(mu_);  // before Start
  std::deque<TableName> queue_ GUARDED_BY(mu_);
  std::set<long> handed_ GUARDED_BY(mu_);
  Status first_error_ GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace segstream::load
