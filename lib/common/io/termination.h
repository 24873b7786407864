// SIGTERM, SIGINT and SIGHUP end every tool the same way: what is committed stays
// committed, nothing half-done is passed off as done, and nothing is left behind.
//
// The signals are blocked in every thread and taken by one thread of their own (sigwait),
// so what runs on a signal is ordinary code, not a signal handler: it may lock, print and
// unlink. On a signal that thread
//   1. takes the commit lock (CommitScope), so no table is between COMMIT and its record;
//   2. runs the tool's report (load-stream prints its committed / not committed summary);
//   3. stops registered child processes and removes registered files (partial outputs,
//      temporary files);
//   4. prints "TOOL: interrupted by SIGNAME" and exits with 128 + the signal number.
// Transactions still open are rolled back by the server when the process's connections
// close.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace segstream {

// Call at the top of main(), before any thread starts (threads inherit the blocked mask).
// Also makes an uncaught exception, in any thread, end the tool as steps 1 to 3 above do,
// then print "TOOL: error: internal error: WHAT" ("out of memory" for std::bad_alloc) and
// exit with status 1: never abort() and a core dump.
void InstallTerminationHandling(const char* tool);

// While it lives, `report` runs on the signal thread before the exit, under the commit
// lock (load-stream's summary). Its destructor waits for a report that is running, so
// what the report reads may be destroyed right after it.
class TerminationReport {
 public:
  explicit TerminationReport(std::function<void()> report);
  ~TerminationReport();
  TerminationReport(const TerminationReport&) = delete;
  TerminationReport& operator=(const TerminationReport&) = delete;
};

// Paths removed and children sent SIGTERM if a signal ends the process. Thread-safe.
void RegisterCleanupPath(const std::string& path);
void UnregisterCleanupPath(const std::string& path);
void RegisterChild(pid_t pid);
void UnregisterChild(pid_t pid);

// Held around a commit and the recording of its outcome: a signal waits for the scope to
// end, and none starts once the process is terminating.
class CommitScope {
 public:
  CommitScope();
  ~CommitScope();
  CommitScope(const CommitScope&) = delete;
  CommitScope& operator=(const CommitScope&) = delete;
};

}  // namespace segstream
