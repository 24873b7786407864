#include "tools/load-stream/cluster_load.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "lib/common/base/text_escape.h"
#include "lib/common/cluster/agent_process.h"
#include "lib/common/cluster/cluster_agents.h"
#include "lib/common/format/copy_format.h"
#include "lib/common/io/progress.h"
#include "lib/common/io/termination.h"
#include "lib/common/pg/pg_conn.h"
#include "lib/common/pg/server_profile.h"
#include "lib/common/pg/table_filter.h"

namespace segstream::load {
namespace {

Status ValidateClusterOptions(const LoadOptions& o) {
  auto refuse = [](const std::string& flag) {
    return Status::Usage(flag + " does not apply to --segment-input");
  };
  if (o.segment_input.find("%d") == std::string::npos)
    return Status::Usage("--segment-input " + o.segment_input + " has no %d")
        .WithHint("segment i reads its own stream: write e.g. '/data/bk/seg%d.sgs'");
  if (o.input != "-") return refuse("an input FILE");
  if (o.jobs != 1) return refuse("--jobs").WithHint("every segment already loads in parallel");
  if (o.create_tables) return refuse("--create-tables");
  if (o.schema || o.globals || o.create_db)
    return refuse("--schema, --globals and --create-db")
        .WithHint("load the coordinator's stream (dump-stream -o) first for the schema");
  if (o.resume || o.single_transaction || o.dry_run)
    return refuse("--resume, --single-transaction and --dry-run");
  if (!o.redirect_schema.empty() || !o.table_map.empty())
    return refuse("--redirect-schema and --table-map");
  return Status::Ok();
}

// The segment agents of one load, stopped on every way out that did not finish them.
class ClusterLoad {
 public:
  ClusterLoad(PGconn* conn, std::string exe, size_t segments)
      : agents_(conn, "load-stream", std::move(exe), segments) {}
  ~ClusterLoad() {
    if (started_ && !finished_) agents_.StopAll();
  }
  SegmentAgents& agents() { return agents_; }
  void Started() { started_ = true; }
  void Finished() { finished_ = true; }

 private:
  SegmentAgents agents_;
  bool started_ = false;
  bool finished_ = false;
};

// Every segment's stream must be that segment's share of a cluster of this size.
Status CheckStreams(const std::vector<Json>& streams, CopyFormat* copy_format) {
  const size_t m = streams.size();
  for (size_t i = 0; i < m; ++i) {
    const Json& s = streams[i];
    int segment = s.value("segment", -1);
    int segments = s.value("segments", 0);
    std::string input = s.value("input", std::string("segment ") + std::to_string(i) + "'s input");
    if (segments != static_cast<int>(m) || segment != static_cast<int>(i)) {
      std::string is =
          segments > 0 ? "segment " + std::to_string(segment) + " of " + std::to_string(segments)
                       : "not a segment stream";
      return Status::Usage("segment " + std::to_string(i) + "'s stream " + EscapeForMessage(input) +
                           " is " + is + ", but this cluster has " + std::to_string(m) +
                           " primary segments")
          .WithHint(
              "re-split the streams for this cluster first: cat seg*.sgs | segsplit "
              "--segments " +
              std::to_string(m) + " -o 'new%d.sgs'");
    }
    // The agents' own report, of headers they parsed: a name that does not parse is as
    // much a disagreement as a different one.
    auto format = ParseCopyFormat(s.value("copy_format", std::string("text")));
    if (!format || (i > 0 && *format != *copy_format))
      return Status::Corrupt("the segment streams disagree on their COPY format");
    *copy_format = *format;
  }
  return Status::Ok();
}

// The table every segment's stream holds next, or none at the end of all of them.
Result<std::optional<TableInfo>> NextTable(const std::vector<Json>& nexts) {
  const bool end = nexts[0].value("end", false);
  std::string first = end ? "" : nexts[0].at("table").dump();
  for (size_t i = 1; i < nexts.size(); ++i) {
    bool e = nexts[i].value("end", false);
    std::string t = e ? "" : nexts[i].at("table").dump();
    if (e != end || t != first) {
      auto name = [](const Json& j) {
        return j.value("end", false)
                   ? std::string("its end")
                   : j["table"].value("schema", "") + "." + j["table"].value("name", "");
      };
      return Status::Corrupt("the segment streams disagree: segment 0 holds " + name(nexts[0]) +
                             " next, segment " + std::to_string(i) + " " + name(nexts[i]))
          .WithHint(
              "load streams written together: by one dump-stream --segment-output, or one "
              "segsplit run");
    }
  }
  if (end) return std::optional<TableInfo>();
  ASSIGN_OR_RETURN(TableInfo info, TableInfo::FromJson(nexts[0].at("table")));
  return std::optional<TableInfo>(std::move(info));
}

}  // namespace

Status RunClusterLoad(const LoadOptions& o) {
  RETURN_IF_ERROR(ValidateClusterOptions(o));
  TableFilter filter, excludes;
  RETURN_IF_ERROR(o.selection.AddTo(&filter, &excludes));
  ASSIGN_OR_RETURN(PgConnPtr conn, Connect(o.conn));
  ASSIGN_OR_RETURN(PgResultPtr version, Exec(conn.get(), "SELECT pg_catalog.version()"));
  ASSIGN_OR_RETURN(ServerProfile profile,
                   ProfileFor(PQserverVersion(conn.get()), Field(version.get(), 0, 0)));
  if (!profile.mpp()) {
    return Status::Usage("--segment-input needs a Greenplum or Cloudberry coordinator; " +
                         DescribeConnection(conn.get()) + " is " + profile.Describe())
        .WithHint("load a PostgreSQL server from one stream (leave out --segment-input)");
  }
  ASSIGN_OR_RETURN(std::vector<SegmentHost> segments, PrimarySegments(conn.get()));
  ASSIGN_OR_RETURN(std::string exe, OwnExecutablePath());
  ClusterLoad load(conn.get(), exe, segments.size());
  SegmentAgents& agents = load.agents();
  RETURN_IF_ERROR(agents.CreateScratchTable());

  load.Started();
  ASSIGN_OR_RETURN(
      std::vector<Json> streams,
      agents.AskEverywhere("serve", "--agent-input " + EncodeAgentArgument(o.segment_input),
                           "cannot open the segment streams"));
  CopyFormat copy_format = CopyFormat::kText;
  RETURN_IF_ERROR(CheckStreams(streams, &copy_format));

  uint64_t tables = 0, rows = 0, committed = 0;
  std::vector<std::string> truncated;
  // The rows travel segment-side: the coordinator sees each table only as it commits.
  Progress progress("load-stream", o.quiet ? ProgressMode::kOff : o.progress);
  progress.SetPhase("data");
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Json> nexts,
                     agents.AskEverywhere("next", "", "cannot read the segment streams"));
    ASSIGN_OR_RETURN(std::optional<TableInfo> table, NextTable(nexts));
    if (!table) break;
    const std::string name = table->QualifiedName();
    if (!filter.Matches(table->schema, table->name) ||
        (!excludes.empty() && excludes.Matches(table->schema, table->name))) {
      RETURN_IF_ERROR(agents.RunEverywhere("skip", "", "cannot read past " + name));
      continue;
    }
    ++tables;
    std::string columns;
    for (const ColumnInfo& c : table->columns)
      columns += (columns.empty() ? "" : ", ") + QuoteIdent(c.name);
    const std::string target = QuoteIdent(table->schema) + "." + QuoteIdent(table->name);
    auto failed = [&](Status st) {
      return std::move(st).WithTable(name).WithHint(
          std::to_string(committed) + " table load" + (committed == 1 ? " was" : "s were") +
          " committed before it; this one was rolled back");
    };
    const auto started = std::chrono::steady_clock::now();
    progress.TableBegin(name);
    RETURN_IF_ERROR(Exec(conn.get(), "BEGIN").status());
    // A table split across several streams of one input arrives more than once; it is
    // emptied only before the first.
    if (o.truncate && std::find(truncated.begin(), truncated.end(), name) == truncated.end()) {
      auto t = Exec(conn.get(), "TRUNCATE " + target);
      if (!t.ok()) return failed(t.take_status());
      truncated.push_back(name);
    }
    auto copied =
        Exec(conn.get(), "COPY " + target + (columns.empty() ? "" : " (" + columns + ")") +
                             " FROM PROGRAM " + QuoteLiteral(agents.Command("rows")) +
                             OnSegmentClause(copy_format));
    if (!copied.ok()) return failed(copied.take_status());
    const uint64_t n = std::strtoull(PQcmdTuples(copied->get()), nullptr, 10);
    {
      CommitScope commit;
      auto done = Exec(conn.get(), "COMMIT");
      if (!done.ok()) return failed(done.take_status());
      ++committed;
    }
    rows += n;
    progress.Add(0, n);
    progress.TableEnd(name, {{"rows", n}, {"committed", true}});
    if (o.verbose)
      progress.Log(
          "load-stream: committed " + name + ": " + std::to_string(n) + " rows in " +
          FormatSeconds(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
  }
  ASSIGN_OR_RETURN(std::vector<Json> totals,
                   agents.AskEverywhere("finish", "", "a segment stream did not end well"));
  load.Finished();
  if (tables == 0 && filter.has_includes())
    return Status::Usage("no table in the segment streams matches the selection");
  // With --progress=json the summary is the last event, so stderr stays NDJSON.
  progress.Finish({{"summary", "loaded"},
                   {"tables", tables},
                   {"rows", rows},
                   {"segment_streams", totals.size()}});
  if (!o.quiet && !progress.json()) {
    std::fprintf(stderr, "load-stream: loaded %llu tables, %llu rows from %zu segment streams\n",
                 static_cast<unsigned long long>(tables), static_cast<unsigned long long>(rows),
                 totals.size());
  }
  return Status::Ok();
}

}  // namespace segstream::load
