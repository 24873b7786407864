#include "lib/common/cluster/segment_outputs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "lib/common/io/termination.h"

namespace segstream {

std::string SubstituteSegment(const std::string& pattern, int i) {
  std::string out;
  for (size_t p = 0; p < pattern.size(); ++p) {
    if (pattern[p] == '%' && p + 1 < pattern.size() && pattern[p + 1] == 'd') {
      out += std::to_string(i);
      ++p;
    } else {
      out += pattern[p];
    }
  }
  return out;
}

Result<pid_t> StartSegmentCommand(const std::string& command, int segment, int pipe_end,
                                  int child_fd) {
  std::string segment_text = std::to_string(segment);
  pid_t pid = fork();
  if (pid < 0)
    return Status::FromErrno(errno, "cannot start the command for segment " + segment_text);
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    if (dup2(pipe_end, child_fd) < 0) _exit(127);
    signal(SIGPIPE, SIG_DFL);  // ignored dispositions survive exec; children expect default
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);  // and so does our blocked mask
    setenv("SEGSTREAM_SEGMENT", segment_text.c_str(), 1);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

Status WaitForSegmentCommand(pid_t pid, const std::string& name) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return Status::FromErrno(errno, "cannot wait for " + name);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  if (WIFEXITED(status))
    return Status::Io(name + " exited with status " + std::to_string(WEXITSTATUS(status)));
  if (WIFSIGNALED(status))
    return Status::Io(name + " was killed by signal " + std::to_string(WTERMSIG(status)));
  return Status::Io(name + " failed");
}

OutputSet::~OutputSet() { Abort(); }

Status OutputSet::OpenFiles(const std::string& pattern, int n, bool force, WriterOptions options) {
  if (n > 1 && pattern.find("%d") == std::string::npos)
    return Status::Usage("-o " + pattern + " has no %d, but there are " + std::to_string(n) +
                         " outputs")
        .WithHint("write -o 'new%d.sgs'");
  for (int i = 0; i < n; ++i) RETURN_IF_ERROR(OpenFile(pattern, i, force, options));
  return Status::Ok();
}

Status OutputSet::OpenFile(const std::string& pattern, int i, bool force, WriterOptions options) {
  auto out = std::make_unique<Output>();
  std::string path = SubstituteSegment(pattern, i);
  out->name = OutputName(path);
  ASSIGN_OR_RETURN(out->fd, OpenOutput(path, &out->pending));
  RETURN_IF_ERROR(RefuseTerminalOutput(out->fd.get(), force));
  out->sink = std::make_unique<BufferedSink>(out->fd.get(), out->name);
  out->writer = std::make_unique<StreamWriter>(out->sink.get(), options);
  outputs_.push_back(std::move(out));
  commands_.resize(outputs_.size());
  return Status::Ok();
}

Status OutputSet::OpenTarget(const std::string& target, int i, bool force, WriterOptions options) {
  if (!target.empty() && target[0] == '|') return StartCommand(target.substr(1), i, options);
  return OpenFile(target, i, force, options);
}

Status OutputSet::StartCommands(const std::string& command, int n, WriterOptions options) {
  for (int i = 0; i < n; ++i) RETURN_IF_ERROR(StartCommand(command, i, options));
  return Status::Ok();
}

Status OutputSet::StartCommand(const std::string& command, int i, WriterOptions options) {
  auto out = std::make_unique<Output>();
  std::string cmd = SubstituteSegment(command, i);
  out->name = "command for segment " + std::to_string(i);
  int fds[2];
  // Close-on-exec on both ends: no child may inherit another child's pipe, or that
  // pipe would never see end of input.
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno(errno, "cannot create a pipe");
  UniqueFd read_end(fds[0]);
  out->fd = UniqueFd(fds[1]);
  ASSIGN_OR_RETURN(pid_t pid, StartSegmentCommand(cmd, i, read_end.get(), STDIN_FILENO));
  out->pid = pid;
  RegisterChild(pid);
  out->sink = std::make_unique<BufferedSink>(out->fd.get(), out->name);
  out->writer = std::make_unique<StreamWriter>(out->sink.get(), options);
  outputs_.push_back(std::move(out));
  commands_.resize(outputs_.size());
  commands_.back() = cmd;
  return Status::Ok();
}

Status OutputSet::WaitChild(Output* out) {
  if (out->pid < 0) return Status::Ok();
  Status st = WaitForSegmentCommand(out->pid, out->name);
  UnregisterChild(out->pid);
  out->pid = -1;
  return st;
}

Status OutputSet::Close(bool commit) {
  Status first;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    Output& out = *outputs_[i];
    Status st = out.sink->Flush();
    if (st.ok())
      st = out.fd.Close(out.name);
    else
      out.fd = UniqueFd();
    if (!st.ok()) st = ExplainWriteFailure(i, std::move(st));
    if (first.ok() && !st.ok()) first = std::move(st);
  }
  for (size_t i = 0; i < outputs_.size(); ++i) {
    Status st = WaitChild(outputs_[i].get());
    if (!st.ok() && !commands_.empty())
      st = std::move(st).WithHint("the command was: " + commands_[i]);
    if (first.ok() && !st.ok()) first = std::move(st);
  }
  // All or none: a resize must not leave some new files beside old ones.
  if (!first.ok() || !commit) return first;
  return Commit();
}

Status OutputSet::Commit() {
  for (auto& out : outputs_) RETURN_IF_ERROR(out->pending.Commit());
  return Status::Ok();
}

void OutputSet::Abort() {
  for (auto& out : outputs_) out->fd = UniqueFd();
  for (auto& out : outputs_) (void)WaitChild(out.get());
  for (auto& out : outputs_) out->pending.Discard();
}

Status OutputSet::ExplainWriteFailure(size_t i, Status write_error) {
  Output& out = *outputs_[i];
  if (out.pid < 0) return write_error;
  out.fd = UniqueFd();
  Status child = WaitChild(&out);
  if (child.ok()) {
    return Status::Io(out.name + " stopped reading its input before the end")
        .WithHint("the command was: " + commands_[i]);
  }
  return std::move(child).WithHint("the command was: " + commands_[i]);
}

}  // namespace segstream
