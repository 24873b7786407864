#include "lib/common/cluster/cluster_agents.h"

#include "lib/common/base/text_escape.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "lib/common/cluster/agent_process.h"
#include "lib/common/pg/pg_conn.h"

namespace segstream {
namespace {
constexpr const char* kScratch = "pg_temp.segstream_agents";
}  // namespace

Result<std::vector<SegmentHost>> PrimarySegments(PGconn* conn) {
  auto res = Exec(conn,
                  "SELECT content, hostname FROM pg_catalog.gp_segment_configuration "
                  "WHERE role = 'p' AND content >= 0 ORDER BY content");
  if (!res.ok()) {
    return res.take_status()
        .Prefix("cannot list the cluster's segments")
        .WithHint("connect to the coordinator, not to a segment in utility mode");
  }
  std::vector<SegmentHost> segments;
  for (int i = 0; i < PQntuples(res->get()); ++i)
    segments.push_back({std::atoi(Field(res->get(), i, 0).c_str()), Field(res->get(), i, 1)});
  if (segments.empty())
    return Status::Server("the server lists no primary segments")
        .WithHint("connect to the coordinator, not to a segment in utility mode");
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].content != static_cast<int>(i))
      return Status::Server("segment content ids are not 0.." +
                            std::to_string(segments.size() - 1));
  }
  return segments;
}

Result<std::string> OwnExecutablePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return Status::FromErrno(errno, "cannot find this program's own path");
  return std::string(buf, static_cast<size_t>(n));
}

std::string OnSegmentClause(CopyFormat copy_format) {
  if (copy_format == CopyFormat::kText) return " ON SEGMENT";
  return std::string(" WITH (FORMAT ") + CopyFormatName(copy_format) + ", ON_SEGMENT true)";
}

SegmentAgents::SegmentAgents(PGconn* conn, std::string tool, std::string exe, size_t segments)
    : conn_(conn),
      tool_(std::move(tool)),
      exe_(std::move(exe)),
      segments_(segments),
      token_(RandomHexId().substr(0, 16)) {}

Status SegmentAgents::CreateScratchTable() {
  return Exec(conn_,
              "CREATE TEMP TABLE segstream_agents (segment int, report text) "
              "DISTRIBUTED RANDOMLY")
      .status();
}

std::string SegmentAgents::Command(const std::string& role, const std::string& args) const {
  const std::string exe = ShellQuote(exe_);
  // <SEGID> is Greenplum's: each segment puts its content id there.
  std::string cmd = "test -x " + exe + " || { echo \"" + tool_ + " is not installed at \"" + exe +
                    "\" on host $(hostname)\" >&2; exit 127; }; exec " + exe + " --agent " + role +
                    " --agent-socket segstream-" + token_ + "-<SEGID> --agent-segment <SEGID>";
  if (!args.empty()) cmd += " " + args;
  return cmd;
}

void SegmentAgents::StopAll() {
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)Exec(conn_, "ROLLBACK");
  Status st = RunEverywhere("abort", "", "cannot stop the segment agents");
  if (!st.ok() && CreateScratchTable().ok())
    st = RunEverywhere("abort", "", "cannot stop the segment agents");
  if (!st.ok()) {
    std::fprintf(stderr,
                 "%s: note: not every segment's agent could be stopped; each drops its "
                 "output after 600 s without a request\n",
                 tool_.c_str());
  }
}

Status SegmentAgents::RunEverywhere(const std::string& role, const std::string& args,
                                    const std::string& what) {
  auto res = Exec(conn_, std::string("COPY ") + kScratch + " TO PROGRAM " +
                             QuoteLiteral(Command(role, args)) + " ON SEGMENT");
  if (!res.ok()) return res.take_status().Prefix(what);
  return Status::Ok();
}

Result<std::vector<Json>> SegmentAgents::AskEverywhere(const std::string& role,
                                                       const std::string& args,
                                                       const std::string& what) {
  RETURN_IF_ERROR(Exec(conn_, std::string("TRUNCATE ") + kScratch).status());
  auto copied = Exec(conn_, std::string("COPY ") + kScratch + " FROM PROGRAM " +
                                QuoteLiteral(Command(role, args)) + " ON SEGMENT");
  if (!copied.ok()) return copied.take_status().Prefix(what);
  ASSIGN_OR_RETURN(PgResultPtr res,
                   Exec(conn_, std::string("SELECT segment, report FROM ") + kScratch));
  std::vector<std::pair<int, std::string>> rows;
  for (int i = 0; i < PQntuples(res.get()); ++i)
    rows.emplace_back(std::atoi(Field(res.get(), i, 0).c_str()), Field(res.get(), i, 1));
  return ParseAgentReports(rows, segments_);
}

}  // namespace segstream
