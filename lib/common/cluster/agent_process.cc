#include "lib/common/cluster/agent_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "lib/common/base/base64.h"
#include "lib/common/base/text_escape.h"
#include "lib/common/io/termination.h"

namespace segstream {
namespace {

// A detached agent must not hold the backend's sockets or pipes open.
void CloseInheritedFds(int keep_a, int keep_b) {
  std::vector<int> fds;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      int fd = std::atoi(e->d_name);
      if (fd > 2 && fd != dirfd(d)) fds.push_back(fd);
    }
    closedir(d);
  }
  for (int fd : fds) {
    if (fd != keep_a && fd != keep_b) close(fd);
  }
}

void DetachStandardStreams() {
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  const char* tmp = std::getenv("TMPDIR");
  int err = open(tmp && *tmp ? tmp : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (null >= 0) {
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(err >= 0 ? err : null, STDERR_FILENO);
    close(null);
  }
  if (err >= 0) close(err);
}

std::string MessageOf(const Status& st) {
  return st.ToString() + (st.hint() ? "; " + *st.hint() : "");
}

}  // namespace

int RunDetachedAgent(const char* tool, int segment, int keep_fd, const AgentStart& start,
                     const std::function<void()>& serve) {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0)
    return AgentFailure(tool, segment, Status::FromErrno(errno, "cannot create a pipe"));
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    return AgentFailure(tool, segment, Status::FromErrno(errno, "cannot start the agent"));
  if (pid > 0) {
    close(ready[1]);
    std::string message;
    char buf[4096];
    for (;;) {
      auto n = ReadSome(ready[0], buf, sizeof buf, "agent start");
      if (!n.ok() || *n == 0) break;
      message.append(buf, *n);
    }
    close(ready[0]);
    // "+TEXT" on success, "-ERROR" on failure.
    if (!message.empty() && message[0] == '+') {
      std::fputs(message.c_str() + 1, stdout);
      return std::fflush(stdout) == 0 ? 0 : 1;
    }
    std::fprintf(stderr, "%s: error: segment %d: %s\n", tool, segment,
                 message.empty() ? "the agent died while starting" : message.c_str() + 1);
    return 1;
  }
  close(ready[0]);
  setsid();  // the backend ending its COPY does not take the agent along
  CloseInheritedFds(keep_fd, ready[1]);
  DetachStandardStreams();
  InstallTerminationHandling(tool);
  auto started = start();
  std::string message = started.ok() ? "+" + *started : "-" + MessageOf(started.status());
  (void)WriteAll(ready[1], message.data(), message.size(), "agent start");
  close(ready[1]);
  if (started.ok()) serve();
  std::fflush(nullptr);
  _exit(started.ok() ? 0 : 1);
}

bool ServeAgentConnections(const char* tool, int segment, int listen_fd, int idle_timeout_seconds,
                           const std::function<bool(int fd)>& handle) {
  for (;;) {
    auto conn = AcceptAgent(listen_fd, idle_timeout_seconds * 1000);
    if (!conn.ok() || !conn->valid()) {
      std::fprintf(stderr, "%s: segment %d: no word from the coordinator for %d s\n", tool, segment,
                   idle_timeout_seconds);
      return false;
    }
    if (handle(conn->get())) return true;
  }
}

std::string StderrTail() {
  off_t end = lseek(STDERR_FILENO, 0, SEEK_END);
  if (end <= 0) return "";
  off_t from = end > 2000 ? end - 2000 : 0;
  std::string text(static_cast<size_t>(end - from), '\0');
  ssize_t n = pread(STDERR_FILENO, text.data(), text.size(), from);
  if (n <= 0) return "";
  text.resize(static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return EscapeForMessage(text);
}

Result<std::string> DecodeAgentArgument(const std::string& b64, const char* what) {
  std::vector<uint8_t> bytes;
  if (!Base64Decode(b64, &bytes).ok())
    return Status::Usage(std::string("--agent-") + what + " is not base64");
  return std::string(bytes.begin(), bytes.end());
}

std::string EncodeAgentArgument(const std::string& text) {
  return Base64Encode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Result<Json> AwaitAgentReply(int fd) {
  ASSIGN_OR_RETURN(AgentMessage reply, ReceiveAgentMessage(fd));
  if (reply.type == agent::kError) return Status::Io(reply.payload);
  if (reply.type != agent::kOk) return Status::Corrupt("unexpected reply from the segment agent");
  Json j = Json::parse(reply.payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corrupt("unreadable reply from the segment agent");
  return j;
}

Result<Json> AskAgent(int fd, char request, const std::string& payload) {
  RETURN_IF_ERROR(SendAgentMessage(fd, request, payload));
  return AwaitAgentReply(fd);
}

void ReplyToAgentRequest(int fd, const Status& st, const Json& ok) {
  if (st.ok())
    (void)SendAgentMessage(fd, agent::kOk, ok.dump());
  else
    (void)SendAgentMessage(fd, agent::kError, MessageOf(st));
}

std::string AgentReportRow(int segment, const Json& report) {
  return std::to_string(segment) + "\t" + EncodeAgentArgument(report.dump()) + "\n";
}

Result<std::vector<Json>> ParseAgentReports(const std::vector<std::pair<int, std::string>>& rows,
                                            size_t segments) {
  std::vector<Json> reports(segments);
  for (const auto& [segment, text] : rows) {
    auto decoded = DecodeAgentArgument(text, "report");
    Json j = decoded.ok() ? Json::parse(*decoded, nullptr, false) : Json();
    if (segment < 0 || static_cast<size_t>(segment) >= segments || !j.is_object())
      return Status::Server("a segment agent's report is unreadable");
    reports[segment] = std::move(j);
  }
  for (size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].is_null())
      return Status::Server("segment " + std::to_string(i) + " sent no report");
  }
  return reports;
}

int AgentFailure(const char* tool, int segment, const Status& st) {
  if (segment < 0) return ReportError(tool, st);
  return ReportError(tool, Status(st).Prefix("segment " + std::to_string(segment)));
}

}  // namespace segstream
