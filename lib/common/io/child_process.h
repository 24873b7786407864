// Running the PostgreSQL client programs (pg_dump, pg_dumpall, pg_restore) as children:
// argv arrays only (no shell, so no quoting bugs and nothing a name can inject), extra
// environment variables for what must not appear on a command line (PGPASSWORD), stdout to
// a file descriptor or captured, stderr always captured so that a failure becomes one
// error line instead of the child's noise on our stderr.
#pragma once

#include <spawn.h>

#include <string>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "lib/common/base/status.h"

namespace segstream {

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  // Set (or replace) these in the child's environment; the rest is inherited.
  std::vector<std::pair<std::string, std::string>> env;
  int stdin_fd = -1;         // -1: /dev/null
  int stdout_fd = -1;        // -1: captured into ChildResult::out (keep it small)
  bool echo_stderr = false;  // also copy the child's stderr to ours as it comes (-v)
};

struct ChildResult {
  int exit_status = 0;  // the exit code, or 128 + signal number
  std::string out;      // captured stdout (only when stdout_fd == -1)
  std::string err;      // captured stderr, at most the last 64 KiB
};

// Initializes `attr` so that a child starts with no signal blocked and SIGPIPE at its
// default: our mask (the termination signals, termination.h) and ignored dispositions would
// otherwise survive exec. The caller destroys it (posix_spawnattr_destroy).
void InitChildSpawnAttr(posix_spawnattr_t* attr);

// Runs the child to completion. Fails only when it could not be started (kIo); a child
// that ran and failed is a ChildResult with exit_status != 0.
Result<ChildResult> RunChild(const ChildSpec& spec);

// Ok for exit status 0; otherwise a kServer Status "NAME failed (exit status N): LINE",
// LINE being the first line of its stderr that says "error" (else the last one).
Status ChildStatus(const std::string& name, const ChildResult& result);

// What a child client program needs to reach the server `conn` is connected to: a conninfo
// string with every setting in effect except the password, and the password (if the
// connection used one) for the PGPASSWORD environment variable. `dbname` replaces the
// database when not empty.
struct ChildConnection {
  std::string conninfo;
  std::vector<std::pair<std::string, std::string>> env;
};
// `old_client`: the child is a 9.4-era program (Greenplum 6's own pg_dump), whose libpq
// refuses keywords added since (passfile, target_session_attrs, ...): only those it knows
// are passed.
ChildConnection ChildConnectionFor(PGconn* conn, const std::string& dbname = "",
                                   bool old_client = false);

// A temporary file, removed when this object goes away: the archives pg_dump writes and
// pg_restore reads need a path (pg_restore -j needs a seekable file).
class TempFile {
 public:
  TempFile() = default;
  TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();
  // An empty file in $TMPDIR (default /tmp) named after `prefix`.
  static Result<TempFile> Create(const std::string& prefix);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace segstream
