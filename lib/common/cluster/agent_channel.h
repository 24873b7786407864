// The channel between a cluster dump's or load's processes on one segment host. Greenplum
// runs a program per table per segment (COPY ... PROGRAM ... ON SEGMENT); those short-lived
// programs hand their table to one long-lived agent per segment, which owns that segment's
// stream. They meet on an abstract Unix socket (Linux): nothing on disk to clean up or
// collide with, and the name dies with the agent.
//
// A message is one type byte, a 4-byte big-endian length and that many bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "lib/common/base/status.h"
#include "lib/common/io/byte_io.h"

namespace segstream {

namespace agent {
// What goes over the channel. Requests: kTable hands a dump agent a table (TableInfo
// JSON, then the server's COPY pipe: SendAgentFd); kNext asks a loading agent for the next
// table and kData for its rows (then the pipe to write them to); kFinish completes the
// agent's work, kCommit then puts its output in place, kAbort drops it. Replies: kOk (JSON), kError
// (a message).
constexpr char kTable = 'T';
constexpr char kData = 'D';
constexpr char kNext = 'N';
constexpr char kFinish = 'F';
constexpr char kCommit = 'C';
constexpr char kAbort = 'A';
constexpr char kOk = 'K';
constexpr char kError = 'X';
// The largest message: only metadata travels here (rows go through the handed-over pipe).
constexpr uint32_t kMaxMessage = 8u << 20;
}  // namespace agent

struct AgentMessage {
  char type = 0;
  std::string payload;
};

// Listens on the abstract socket `name` (at most 100 bytes). kIo when another agent
// already has it.
Result<UniqueFd> ListenAgent(const std::string& name);
// Waits up to `timeout_ms` for a connection from a process of this process's own user
// (others are closed unheard); an invalid fd when none came.
Result<UniqueFd> AcceptAgent(int listen_fd, int timeout_ms);
// Connects to the agent `name`, retrying for up to `timeout_ms` while it starts.
Result<UniqueFd> ConnectAgent(const std::string& name, int timeout_ms);

Status SendAgentMessage(int fd, char type, std::span<const uint8_t> payload);
inline Status SendAgentMessage(int fd, char type, const std::string& payload) {
  return SendAgentMessage(
      fd, type,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
}
// The next message; kIo "closed" when the peer closed the connection between messages.
Result<AgentMessage> ReceiveAgentMessage(int fd);

// Hands a descriptor to the peer (SCM_RIGHTS), so the agent reads from or writes to the
// server's COPY pipe itself instead of every byte being copied through the channel.
Status SendAgentFd(int sock, int fd);
Result<UniqueFd> ReceiveAgentFd(int sock);

// Reading from or writing to a handed-over pipe while watching the connection of the
// program that handed it over: when the server cancels a COPY it ends that program, but
// may keep its own end of the pipe open, so the pipe alone would wait forever. The
// program going away is a kIo error.
Result<size_t> ReadWatching(int pipe, void* buf, size_t len, int watch);
Status WriteWatching(int pipe, std::span<const uint8_t> bytes, int watch);

}  // namespace segstream
