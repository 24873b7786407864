// Per-segment outputs (segsplit's N outputs, a cluster dump's one output per segment agent):
// files named by a %d pattern, or child processes started with sh -c whose stdin is the
// output. Each output owns its descriptor, buffer and StreamWriter;
// children are always waited for, and a child's failure is reported with its exit status.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream {

struct Output {
  std::string name;  // the file, or "command for segment i"
  UniqueFd fd;
  PendingOutput pending;  // -o files: renamed into place only when every output succeeded
  std::unique_ptr<BufferedSink> sink;
  std::unique_ptr<StreamWriter> writer;
  pid_t pid = -1;  // the child, for --to-command
};

// Replaces every "%d" in `pattern` with `i`.
std::string SubstituteSegment(const std::string& pattern, int i);

// Starts `sh -c command` with SEGSTREAM_SEGMENT=segment in its environment, default
// SIGPIPE and an empty signal mask, and `pipe_end` as its descriptor `child_fd` (stdin of
// an output command, stdout of an input command).
Result<pid_t> StartSegmentCommand(const std::string& command, int segment, int pipe_end,
                                  int child_fd);
// Waits for it: ok for exit status 0, else a kIo status "NAME exited with status N" or
// "NAME was killed by signal N".
Status WaitForSegmentCommand(pid_t pid, const std::string& name);

class OutputSet {
 public:
  OutputSet() = default;
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  // Waits for children not yet waited for (their stdin closed first, so they end).
  ~OutputSet();

  // Creates files pattern(0) .. pattern(n-1). A pattern without %d is a usage error when
  // n > 1. Refuses a terminal unless `force`.
  Status OpenFiles(const std::string& pattern, int n, bool force, WriterOptions options);
  // Starts n children `sh -c command(i)` with SEGSTREAM_SEGMENT=i in their environment.
  Status StartCommands(const std::string& command, int n, WriterOptions options);
  // One output for segment `i`: `target` is a file pattern, or "|command" (the rest after
  // the bar is run with sh -c). %d becomes `i` in either.
  Status OpenTarget(const std::string& target, int i, bool force, WriterOptions options);

  size_t size() const { return outputs_.size(); }
  Output& operator[](size_t i) { return *outputs_[i]; }

  // After every writer finished: flushes and closes every output, then waits for every
  // child. The first failure wins; a child that exited non-zero is an error naming it.
  // With `commit` false, files stay under their temporary names until Commit().
  Status Close(bool commit = true);
  // Puts every file in place (all or none is the caller's: call after every Close).
  Status Commit();
  // On failure: closes every output without flushing trailers that were never written
  // (children see a truncated stream and refuse it) and waits for the children.
  void Abort();
  // When a write failed because an output's reader went away: if that output is a child,
  // waits for it and returns an error with its exit status instead of "downstream closed".
  Status ExplainWriteFailure(size_t i, Status write_error);

 private:
  Status OpenFile(const std::string& pattern, int i, bool force, WriterOptions options);
  Status StartCommand(const std::string& command, int i, WriterOptions options);
  Status WaitChild(Output* out);
  std::vector<std::unique_ptr<Output>> outputs_;
  std::vector<std::string> commands_;
};

}  // namespace segstream
