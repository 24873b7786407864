// The coordinator's side of the segment agents (agent_process.h): the cluster's primary
// segments, and the COPY ... PROGRAM ... ON SEGMENT statements that start, ask and stop
// one agent per segment. Every segment runs such a program even for an empty table, so a
// session-scoped scratch table is their carrier; rows an agent prints come back into it.
#pragma once

#include <string>
#include <vector>

#include <libpq-fe.h>

#include "lib/common/base/status.h"
#include "lib/common/format/copy_format.h"
#include "lib/common/format/stream_meta.h"

namespace segstream {

struct SegmentHost {
  int content = 0;
  std::string host;
};

// The primary segments, content 0..n-1; an error naming the problem when this is not a
// coordinator.
Result<std::vector<SegmentHost>> PrimarySegments(PGconn* conn);

// The path of this very binary: the segments run the same one, which must therefore be
// installed at the same path on every host (as gpbackup requires of its helper).
Result<std::string> OwnExecutablePath();

// COPY's option clause for ON SEGMENT: Greenplum 6 reads ON SEGMENT as an old-style option,
// which cannot follow WITH (...), so other formats say it inside WITH.
std::string OnSegmentClause(CopyFormat copy_format);

class SegmentAgents {
 public:
  // `tool` is the binary at `exe` ("dump-stream"); a random token names this run's agents.
  SegmentAgents(PGconn* conn, std::string tool, std::string exe, size_t segments);

  // The session's scratch table; create it before the work's transaction, so that it
  // outlives a failed one (an abort still needs it).
  Status CreateScratchTable();
  // The shell command every segment runs for `role`, `args` appended. A host without the
  // binary fails with a message naming the host.
  std::string Command(const std::string& role, const std::string& args = "") const;
  // Runs `role` on every segment, ignoring its output.
  Status RunEverywhere(const std::string& role, const std::string& args, const std::string& what);
  // Runs `role` on every segment and returns each one's report (AgentReportRow).
  Result<std::vector<Json>> AskEverywhere(const std::string& role, const std::string& args,
                                          const std::string& what);
  // After a failure: rolls back the session's transaction, then tells every agent to drop
  // its output (the scratch table is made again if a lost segment took it along). Agents
  // that cannot be reached (a segment down) drop theirs after their idle timeout; a note
  // says so.
  void StopAll();
  size_t segments() const { return segments_; }

 private:
  PGconn* conn_;
  std::string tool_;
  std::string exe_;
  size_t segments_;
  std::string token_;
};

}  // namespace segstream
