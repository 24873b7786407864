#include "lib/common/cluster/agent_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace segstream {
namespace {

constexpr size_t kMaxName = 100;

Result<sockaddr_un> AbstractAddress(const std::string& name, socklen_t* len) {
  if (name.empty() || name.size() > kMaxName)
    return Status::Usage("agent socket name must be 1 to 100 bytes: '" + name + "'");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  addr.sun_path[0] = '\0';  // abstract: no file
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  return addr;
}

uint64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Status ReadExactly(int fd, void* buf, size_t len, bool* clean_eof) {
  size_t got = 0;
  while (got < len) {
    ASSIGN_OR_RETURN(size_t n,
                     ReadSome(fd, static_cast<uint8_t*>(buf) + got, len - got, "agent connection"));
    if (n == 0) {
      if (clean_eof && got == 0) *clean_eof = true;
      return Status::Io("agent connection closed in the middle of a message");
    }
    got += n;
  }
  return Status::Ok();
}

}  // namespace

Result<UniqueFd> ListenAgent(const std::string& name) {
  socklen_t len = 0;
  ASSIGN_OR_RETURN(sockaddr_un addr, AbstractAddress(name, &len));
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::FromErrno(errno, "cannot create a socket");
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    if (errno == EADDRINUSE)
      return Status::Io("another segstream agent already listens as '" + name + "'");
    return Status::FromErrno(errno, "cannot listen as agent '" + name + "'");
  }
  if (listen(fd.get(), 16) != 0) return Status::FromErrno(errno, "cannot listen on a socket");
  return fd;
}

Result<UniqueFd> AcceptAgent(int listen_fd, int timeout_ms) {
  pollfd p{listen_fd, POLLIN, 0};
  for (;;) {
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Status::FromErrno(errno, "cannot wait for a connection");
    if (r == 0) return UniqueFd();
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0 && (errno == EINTR || errno == ECONNABORTED)) continue;
    if (fd < 0) return Status::FromErrno(errno, "cannot accept a connection");
    UniqueFd conn(fd);
    // An abstract socket has no file permissions: only processes of our own user may talk
    // to the agent (the server's, which runs both), so no other local user can slip rows
    // into a stream.
    ucred peer{};
    socklen_t len = sizeof peer;
    if (getsockopt(conn.get(), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != geteuid())
      continue;
    return conn;
  }
}

Result<UniqueFd> ConnectAgent(const std::string& name, int timeout_ms) {
  socklen_t len = 0;
  ASSIGN_OR_RETURN(sockaddr_un addr, AbstractAddress(name, &len));
  const uint64_t deadline = NowMs() + static_cast<uint64_t>(timeout_ms);
  for (;;) {
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Status::FromErrno(errno, "cannot create a socket");
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0) return fd;
    if (errno != ECONNREFUSED && errno != ENOENT && errno != EAGAIN && errno != EINTR)
      return Status::FromErrno(errno, "cannot reach segstream agent '" + name + "'");
    if (NowMs() >= deadline)
      return Status::Io("no segstream agent '" + name + "' is running on this host")
          .WithHint(
              "the agent ends after an error or after its idle timeout; see the "
              "coordinator's message");
    usleep(20 * 1000);
  }
}

Status SendAgentMessage(int fd, char type, std::span<const uint8_t> payload) {
  if (payload.size() > agent::kMaxMessage) return Status::Io("agent message too large");
  uint8_t head[5];
  head[0] = static_cast<uint8_t>(type);
  const uint32_t n = static_cast<uint32_t>(payload.size());
  head[1] = static_cast<uint8_t>(n >> 24);
  head[2] = static_cast<uint8_t>(n >> 16);
  head[3] = static_cast<uint8_t>(n >> 8);
  head[4] = static_cast<uint8_t>(n);
  RETURN_IF_ERROR(WriteAll(fd, head, sizeof head, "agent connection"));
  if (!payload.empty())
    RETURN_IF_ERROR(WriteAll(fd, payload.data(), payload.size(), "agent connection"));
  return Status::Ok();
}

namespace {

// One byte of payload with room for one descriptor: the message SCM_RIGHTS travels in.
struct FdMessage {
  char byte = 'f';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  FdMessage(const FdMessage&) = delete;  // msg points into this object
  FdMessage& operator=(const FdMessage&) = delete;
};

}  // namespace

Status SendAgentFd(int sock, int fd) {
  FdMessage m;
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  for (;;) {
    if (sendmsg(sock, &m.msg, MSG_NOSIGNAL) == 1) return Status::Ok();
    if (errno != EINTR) return Status::FromErrno(errno, "cannot hand a descriptor to the agent");
  }
}

Result<UniqueFd> ReceiveAgentFd(int sock) {
  FdMessage m;
  ssize_t n;
  do {
    n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::FromErrno(errno, "cannot receive a descriptor");
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  if (n != 1 || !c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
      c->cmsg_len != CMSG_LEN(sizeof(int)))
    return Status::Corrupt("the agent's peer sent no descriptor");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return UniqueFd(fd);
}

namespace {

// Waits until `fd` is ready for `events`; kIo when `watch` hung up first.
Status AwaitReady(int fd, short events, int watch) {
  for (;;) {
    pollfd p[2] = {{fd, events, 0}, {watch, POLLRDHUP, 0}};
    int r = poll(p, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Status::FromErrno(errno, "cannot wait for the server's COPY pipe");
    if (p[0].revents) return Status::Ok();
    if (p[1].revents)
      return Status::Io("the server ended its COPY program before the end of the rows");
  }
}

}  // namespace

Result<size_t> ReadWatching(int pipe, void* buf, size_t len, int watch) {
  RETURN_IF_ERROR(AwaitReady(pipe, POLLIN, watch));
  return ReadSome(pipe, buf, len, "the server's COPY pipe");
}

Status WriteWatching(int pipe, std::span<const uint8_t> bytes, int watch) {
  // Non-blocking, so a write never waits where the watch cannot be seen; the program that
  // handed the pipe over no longer uses it.
  int flags = fcntl(pipe, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) fcntl(pipe, F_SETFL, flags | O_NONBLOCK);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(pipe, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EAGAIN) {
      RETURN_IF_ERROR(AwaitReady(pipe, POLLOUT, watch));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "the server's COPY pipe");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<AgentMessage> ReceiveAgentMessage(int fd) {
  uint8_t head[5];
  bool clean_eof = false;
  Status st = ReadExactly(fd, head, sizeof head, &clean_eof);
  if (!st.ok()) return clean_eof ? Status::Io("agent connection closed") : st;
  const uint32_t n = (uint32_t{head[1]} << 24) | (uint32_t{head[2]} << 16) |
                     (uint32_t{head[3]} << 8) | uint32_t{head[4]};
  if (n > agent::kMaxMessage)
    return Status::Corrupt("agent message of " + std::to_string(n) + " bytes is too large");
  AgentMessage m;
  m.type = static_cast<char>(head[0]);
  m.payload.resize(n);
  if (n) RETURN_IF_ERROR(ReadExactly(fd, m.payload.data(), n, nullptr));
  return m;
}

}  // namespace segstream
