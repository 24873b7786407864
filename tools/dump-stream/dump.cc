// The order of a dump: connect, pin the snapshot, pick and lock tables, connect the jobs,
// then write. Everything that can fail for a user reason (bad pattern, no tables, lock
// timeout, refused job connection) fails before the first byte is written.
#include "tools/dump-stream/dump.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/format.h"
#include "lib/common/format/large_objects.h"
#include "lib/common/io/byte_io.h"
#include "lib/common/pg/foreign_keys.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/table_filter.h"
#include "lib/common/stream/schema_archive.h"
#include "lib/common/stream/stream_writer.h"
#include "tools/dump-stream/catalog.h"
#include "tools/dump-stream/copy_format_choice.h"
#include "tools/dump-stream/copy_out.h"
#include "tools/dump-stream/large_objects.h"
#include "tools/dump-stream/schema_dump.h"
#include "tools/dump-stream/snapshot.h"
#include "tools/dump-stream/split.h"

namespace segstream::dump {
namespace {

Status ValidateOptions(const DumpOptions& o) {
  if (o.jobs < 1) return Status::Usage("--jobs must be at least 1");
  if (o.segments < 0) return Status::Usage("--segments must not be negative");
  if (o.segment < -1) return Status::Usage("--segment must not be negative");
  if (o.schema_only && o.data_only)
    return Status::Usage("--schema-only and --data-only contradict each other");
  if (o.schema && o.data_only)
    return Status::Usage("--schema and --data-only contradict each other")
        .WithHint("--data-only already leaves the schema out");
  if (o.no_role_passwords && !o.globals)
    return Status::Usage("--no-role-passwords only makes sense with --globals");
  if (o.segment >= 0 && o.segments > 0 && o.segment >= o.segments) {
    return Status::Usage("--segment " + std::to_string(o.segment) + " is not below --segments " +
                         std::to_string(o.segments));
  }
  return Status::Ok();
}

Status BuildFilters(const DumpOptions& o, TableFilter* filter, TableFilter* excludes) {
  return o.selection.AddTo(filter, excludes);
}

// The selection for sequence values: that of the tables, but without the exclude files,
// whose tables are only left out for their rows (a resumed migration still needs their
// sequences set, as the interrupted run never got that far).
Status BuildSequenceFilter(const DumpOptions& o, TableFilter* filter) {
  DumpOptions without_files = o;
  without_files.selection.exclude_table_files.clear();
  TableFilter ignored;
  return BuildFilters(without_files, filter, &ignored);
}

// One unit of work for a job: a whole table, or one block range of it.
struct WorkItem {
  const DumpTable* table;
  TableInfo info;  // with part / parts set
  BlockRange range;
  uint64_t bytes;  // estimated, for ordering
};

SplitRule ChooseSplitRule(const DumpOptions& o, const ServerFacts& facts,
                          const std::vector<DumpTable>& tables) {
  uint64_t total = 0;
  for (const DumpTable& t : tables) total += t.relation_bytes;
  if (o.split_auto) return AutoSplitRule(facts.version_num, !facts.mpp.empty(), o.jobs, total);
  return SplitRule{o.split_larger_than, o.split_larger_than, 1};
}

std::vector<WorkItem> PlanWork(const std::vector<DumpTable>& tables, uint64_t block_size,
                               const SplitRule& rule) {
  std::vector<WorkItem> items;
  for (const DumpTable& t : tables) {
    std::vector<BlockRange> ranges = PlanSplit(t.relation_bytes, block_size, rule);
    for (size_t i = 0; i < ranges.size(); ++i) {
      WorkItem w{&t, t.info, ranges[i], t.relation_bytes / ranges.size()};
      w.info.part = static_cast<int>(i);
      w.info.parts = static_cast<int>(ranges.size());
      items.push_back(std::move(w));
    }
  }
  // Largest first, so the last job to finish is not the one that got the biggest table last.
  std::stable_sort(items.begin(), items.end(),
                   [](const WorkItem& a, const WorkItem& b) { return a.bytes > b.bytes; });
  return items;
}

// Referenced tables before the tables referencing them, otherwise largest first: a loader
// can then commit each table's rows while its foreign keys are checked, without holding
// back (and spilling) the tables that come too early.
std::vector<WorkItem> ReferencedFirst(std::vector<WorkItem> items,
                                      const std::vector<ForeignKeyEdge>& keys) {
  if (keys.empty()) return items;
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> by_name;
  for (size_t i = 0; i < items.size(); ++i)
    by_name[{items[i].info.schema, items[i].info.name}].push_back(i);
  std::vector<std::pair<size_t, size_t>> edges;
  for (const ForeignKeyEdge& k : keys) {
    auto from = by_name.find({k.referencing_schema, k.referencing_name});
    auto to = by_name.find({k.referenced_schema, k.referenced_name});
    if (from == by_name.end() || to == by_name.end()) continue;
    for (size_t a : from->second)
      for (size_t b : to->second) edges.emplace_back(a, b);
  }
  std::vector<WorkItem> ordered;
  for (size_t i : OrderReferencedFirst(items.size(), edges).order)
    ordered.push_back(std::move(items[i]));
  return ordered;
}

// The tables the stream will carry, announced in its header: a loader knows up front which
// tables are still to come (to wait for them, or to empty them all at once).
Json AnnouncedTables(const std::vector<DumpTable>& tables, const std::vector<WorkItem>& items) {
  std::map<const DumpTable*, int> parts;
  for (const WorkItem& w : items) parts[w.table] = w.info.parts;
  Json out = Json::array();
  for (const DumpTable& t : tables) {
    if (IsLargeObjectsTable(t.info)) continue;
    Json entry = {{"schema", t.info.schema}, {"name", t.info.name}, {"parts", parts[&t]}};
    if (!t.index_names.empty()) entry["indexes"] = t.index_names;
    out.push_back(std::move(entry));
  }
  return out;
}

// The jobs' shared state: the next item to take and the first failure.
class JobQueue {
 public:
  explicit JobQueue(const std::vector<WorkItem>* items) : items_(items) {}
  const WorkItem* Next() {
    if (cancelled_.load()) return nullptr;
    size_t i = next_.fetch_add(1);
    return i < items_->size() ? &(*items_)[i] : nullptr;
  }
  void Fail(Status st) {
    std::lock_guard lock(mu_);
    if (first_error_.ok()) first_error_ = std::move(st);
    cancelled_.store(true);
  }
  const std::atomic<bool>* cancelled() const { return &cancelled_; }
  Status TakeError() {
    std::lock_guard lock(mu_);
    return std::move(first_error_);
  }

 private:
  const std::vector<WorkItem>* items_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  Status first_error_;
};

// How a work item is named on the progress line and in -v lines.
std::string ItemName(const TableInfo& info) {
  std::string name = info.QualifiedName();
  if (info.parts > 1)
    name += " (part " + std::to_string(info.part + 1) + " of " + std::to_string(info.parts) + ")";
  return name;
}

Status DumpItem(PGconn* conn, const WorkItem& item, CopyFormat copy_format, StreamWriter* writer,
                Progress* progress, bool verbose, const std::atomic<bool>* cancelled) {
  const auto started = std::chrono::steady_clock::now();
  const std::string qualified = item.info.QualifiedName();
  const std::string shown = ItemName(item.info);
  Json where = {{"part", item.info.part}, {"parts", item.info.parts}};
  progress->TableBegin(shown, where);
  ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> table, writer->NewTable(item.info));
  CopyOutSession session(conn, progress, cancelled);
  Status st =
      session.Run(BuildCopySql(*item.table, item.range, copy_format), copy_format, table.get());
  if (!st.ok()) return std::move(st).WithTable(qualified);
  RETURN_IF_ERROR(table->Finish());
  where["rows"] = table->totals().rows;
  where["bytes"] = table->totals().bytes;
  progress->TableEnd(shown, where);
  if (verbose) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress->Log("dump-stream: dumped " + shown + ": " + std::to_string(table->totals().rows) +
                  " rows, " + std::to_string(table->totals().bytes) + " bytes in " +
                  FormatSeconds(seconds));
  }
  return Status::Ok();
}

void JobLoop(PGconn* conn, CopyFormat copy_format, StreamWriter* writer, Progress* progress,
             bool verbose, JobQueue* queue) {
  while (const WorkItem* item = queue->Next()) {
    Status st = DumpItem(conn, *item, copy_format, writer, progress, verbose, queue->cancelled());
    if (!st.ok()) {
      queue->Fail(std::move(st));
      return;
    }
  }
}

// The SQL sections of a dump, taken before any row is written, so every failure of theirs
// still leaves no output; pg_dump sees the same snapshot the jobs will.
struct SqlSections {
  std::optional<SqlSection> globals;
  bool schema = false;
  TempFile pre_data, post_data;  // pg_dump archives, when `schema`
  std::optional<SqlSection> sequences;

  // The header's "sql_sections": the sections in the order the stream carries them.
  Json Names() const {
    Json names = Json::array();
    if (globals) names.push_back(format::section::kGlobals);
    if (schema) names.push_back(format::section::kPreData);
    if (schema) names.push_back(format::section::kPostData);
    if (sequences) names.push_back(format::section::kSequences);
    return names;
  }
};

Result<SqlSections> TakeSqlSections(PGconn* leader, const ServerFacts& facts, const DumpOptions& o,
                                    const std::string& snapshot, bool large_objects) {
  SqlSections out;
  if (o.globals) {
    ASSIGN_OR_RETURN(out.globals, DumpGlobals(leader, facts.profile, o));
  }
  out.schema = o.WantsSchema();
  if (out.schema) {
    // Pre-data holds the large objects' owners and grants when the rows hold their bytes.
    ASSIGN_OR_RETURN(out.pre_data, DumpSchemaSection(leader, facts.profile, o, snapshot,
                                                     format::section::kPreData, large_objects));
    ASSIGN_OR_RETURN(out.post_data, DumpSchemaSection(leader, facts.profile, o, snapshot,
                                                      format::section::kPostData));
  }
  if (o.WantsSequences()) {
    TableFilter sequence_filter;
    RETURN_IF_ERROR(BuildSequenceFilter(o, &sequence_filter));
    ASSIGN_OR_RETURN(out.sequences, ReadSequences(leader, sequence_filter));
    // A plain dump without sequences carries no empty section (--schema and --data-only
    // always did, and still do).
    if (!o.schema && !o.data_only && out.sequences->extra["sequences"].empty())
      out.sequences.reset();
  }
  return out;
}

// With one job the leader copies; with more it only holds the snapshot and the locks, and
// each job gets a connection of its own in the leader's snapshot.
Result<std::vector<PgConnPtr>> OpenJobConnections(const DumpOptions& o, const ServerFacts& facts,
                                                  const std::string& snapshot, int jobs) {
  std::vector<PgConnPtr> conns;
  if (jobs == 1) return conns;
  for (int i = 0; i < jobs; ++i) {
    ASSIGN_OR_RETURN(PgConnPtr c, Connect(o.conn));
    ASSIGN_OR_RETURN(Json ignored, ApplySessionSettings(c.get(), facts.encoding, facts.profile));
    RETURN_IF_ERROR(BeginJobTransaction(c.get(), snapshot));
    conns.push_back(std::move(c));
  }
  return conns;
}

// Outside the transaction: the function may be refused, and that must not abort it.
std::string SystemIdentifier(PGconn* leader) {
  auto sysid = Exec(leader, "SELECT system_identifier::text FROM pg_control_system()");
  return sysid.ok() ? Field(sysid->get(), 0, 0) : std::string();
}

// Copies every work item on `jobs` connections (the leader's alone for one job); the
// first failure stops the others.
Status CopyTables(PGconn* leader, const std::vector<PgConnPtr>& job_conns,
                  const std::vector<WorkItem>& items, CopyFormat copy_format, StreamWriter* writer,
                  Progress* progress, bool verbose) {
  JobQueue queue(&items);
  if (job_conns.empty()) {
    JobLoop(leader, copy_format, writer, progress, verbose, &queue);
  } else {
    std::vector<std::thread> threads;
    for (const PgConnPtr& conn : job_conns)
      threads.emplace_back(JobLoop, conn.get(), copy_format, writer, progress, verbose, &queue);
    for (std::thread& t : threads) t.join();
  }
  return queue.TakeError();
}

}  // namespace

Status RunDump(const DumpOptions& o) {
  RETURN_IF_ERROR(ValidateOptions(o));
  TableFilter filter;
  TableFilter excludes;
  RETURN_IF_ERROR(BuildFilters(o, &filter, &excludes));

  PendingOutput pending;
  ASSIGN_OR_RETURN(UniqueFd out, OpenOutput(o.output, &pending));
  RETURN_IF_ERROR(RefuseTerminalOutput(out.get(), o.force));

  ASSIGN_OR_RETURN(PgConnPtr leader, Connect(o.conn));
  ASSIGN_OR_RETURN(ServerFacts facts, ReadServerFacts(leader.get()));
  const std::string system_identifier = SystemIdentifier(leader.get());
  ASSIGN_OR_RETURN(Json settings,
                   ApplySessionSettings(leader.get(), facts.encoding, facts.profile));
  ASSIGN_OR_RETURN(std::string snapshot, BeginLeaderTransaction(leader.get(), o.snapshot));
  ASSIGN_OR_RETURN(
      std::vector<DumpTable> tables,
      SelectAndLockTables(leader.get(), facts, filter, excludes, o.lock_wait_timeout, o.quiet));
  ASSIGN_OR_RETURN(std::optional<DumpTable> large_objects,
                   PlanLargeObjects(leader.get(), o, filter));
  ASSIGN_OR_RETURN(SqlSections sections,
                   TakeSqlSections(leader.get(), facts, o, snapshot, large_objects.has_value()));
  if (!o.WantsRows()) tables.clear();
  if (sections.schema) RETURN_IF_ERROR(AddIndexNames(leader.get(), &tables));
  CopyFormat copy_format = o.copy_format;
  if (o.copy_format_auto) {
    ASSIGN_OR_RETURN(copy_format, ChooseCopyFormat(leader.get(), facts, tables));
  }
  if (large_objects) tables.push_back(std::move(*large_objects));

  ASSIGN_OR_RETURN(std::vector<ForeignKeyEdge> keys,
                   ReadForeignKeys(leader.get(), facts.profile.mpp()));
  const SplitRule split_rule = ChooseSplitRule(o, facts, tables);
  std::vector<WorkItem> items =
      ReferencedFirst(PlanWork(tables, facts.block_size, split_rule), keys);
  const int jobs =
      std::max(1, std::min<int>(o.jobs, static_cast<int>(std::max<size_t>(1, items.size()))));
  ASSIGN_OR_RETURN(std::vector<PgConnPtr> job_conns, OpenJobConnections(o, facts, snapshot, jobs));

  StreamInfo info = NewStreamInfo(leader.get(), facts, copy_format);
  info.snapshot = snapshot;
  info.segment = o.segment;
  info.segments = o.segments;
  info.extra["session_settings"] = settings;
  info.extra["jobs"] = jobs;
  if (!facts.mpp.empty()) info.extra["mpp"] = facts.mpp;
  if (split_rule.larger_than) info.extra["split_larger_than"] = split_rule.larger_than;
  if (!system_identifier.empty()) info.extra["system_identifier"] = system_identifier;
  if (Json names = sections.Names(); !names.empty()) info.extra["sql_sections"] = names;
  info.extra["tables"] = AnnouncedTables(tables, items);

  // The tables' size on disk: near enough to their COPY bytes for a percentage and an ETA,
  // here and in a loader that reads it from the header.
  uint64_t expected = 0;
  for (const DumpTable& t : tables) expected += t.relation_bytes;
  if (expected) info.extra["expected_bytes"] = expected;

  Progress progress("dump-stream", o.quiet ? ProgressMode::kOff : o.progress);
  progress.SetExpectedBytes(expected);

  BufferedSink sink(out.get(), OutputName(o.output));
  WriterOptions wopts;
  StreamWriter writer(&sink, wopts);
  RETURN_IF_ERROR(writer.Begin(info));
  // Globals and pre-data come before the first table: a loader creates the roles and
  // tables before any row arrives. Post-data too, so that a loader can build each table's
  // indexes as soon as its rows commit, while later tables still load.
  if (sections.globals) RETURN_IF_ERROR(writer.WriteSql(*sections.globals));
  if (sections.schema) {
    progress.SetPhase("schema");
    RETURN_IF_ERROR(
        WriteArchiveSection(&writer, format::section::kPreData, sections.pre_data.path()));
    RETURN_IF_ERROR(
        WriteArchiveSection(&writer, format::section::kPostData, sections.post_data.path()));
  }
  // A failure leaves no stream trailer: readers see a truncated stream.
  progress.SetPhase("data");
  RETURN_IF_ERROR(
      CopyTables(leader.get(), job_conns, items, copy_format, &writer, &progress, o.verbose));
  if (sections.sequences) RETURN_IF_ERROR(writer.WriteSql(*sections.sequences));

  RETURN_IF_ERROR(writer.Finish());
  RETURN_IF_ERROR(sink.Flush());
  RETURN_IF_ERROR(out.Close(OutputName(o.output)));
  RETURN_IF_ERROR(pending.Commit());
  progress.Finish({{"tables", items.size()}});
  // Read-only: ending it only releases the locks and the exported snapshot.
  (void)Exec(leader.get(), "COMMIT");
  return Status::Ok();
}

}  // namespace segstream::dump
