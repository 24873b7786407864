// The life of a segment agent process (see agent_channel.h): started by a COPY ... PROGRAM
// that must return promptly, it detaches from the server's backend and lives on, serving
// requests, until it is told to finish or stop or hears nothing for its idle timeout.
#pragma once

#include <functional>
#include <string>

#include "lib/common/cluster/agent_channel.h"
#include "lib/common/format/stream_meta.h"

namespace segstream {

// Forks the agent. The child detaches (own session; stdin and stdout /dev/null; stderr an
// unnamed temporary file that StderrTail quotes; every inherited descriptor but `keep_fd`
// closed), runs `start`, and tells the parent its outcome; on success it then runs `serve`
// and exits. The parent waits for that outcome and returns the exit status for the program
// the server ran: 0 after printing `start`'s text to stdout (the COPY FROM row the
// coordinator reads, "" for none), 1 after printing its error as `tool`'s.
using AgentStart = std::function<Result<std::string>()>;
int RunDetachedAgent(const char* tool, int segment, int keep_fd, const AgentStart& start,
                     const std::function<void()>& serve);

// An agent's request loop: serves one connection at a time with `handle` until it returns
// true (finished). False after `idle_timeout_seconds` without a connection, having said so
// on stderr as `tool`'s.
bool ServeAgentConnections(const char* tool, int segment, int listen_fd, int idle_timeout_seconds,
                           const std::function<bool(int fd)>& handle);

// The last bytes a detached agent (and the children it started) wrote to stderr.
std::string StderrTail();

// A --agent-* argument that carries text as base64.
Result<std::string> DecodeAgentArgument(const std::string& b64, const char* what);
std::string EncodeAgentArgument(const std::string& text);

// Sends one request (kFinish, kNext, ...) and returns the agent's kOk JSON; a kError reply
// is a kIo status carrying the agent's message.
Result<Json> AskAgent(int fd, char request, const std::string& payload = "");
Result<Json> AwaitAgentReply(int fd);
// The reply to a request: kOk with `ok`, or kError with the status's message and hint.
void ReplyToAgentRequest(int fd, const Status& st, const Json& ok);

// "SEGMENT\tBASE64(JSON)\n": one COPY text row for the coordinator's scratch table.
std::string AgentReportRow(int segment, const Json& report);
// Reports as the coordinator's scratch table holds them, one per segment 0..n-1.
Result<std::vector<Json>> ParseAgentReports(const std::vector<std::pair<int, std::string>>& rows,
                                            size_t segments);

// The tool's error for one segment: "TOOL: error: segment N: ...", and the exit status.
int AgentFailure(const char* tool, int segment, const Status& st);

}  // namespace segstream
