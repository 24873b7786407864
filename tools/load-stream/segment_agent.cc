#include "tools/load-stream/segment_agent.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "lib/common/cluster/agent_channel.h"
#include "lib/common/cluster/agent_process.h"
#include "lib/common/cluster/segment_outputs.h"
#include "lib/common/format/copy_format.h"
#include "lib/common/format/format.h"
#include "lib/common/stream/stream_reader.h"

namespace segstream::load {
namespace {

constexpr int kConnectTimeoutMs = 1000;  // the agent listens before its start returns
constexpr const char* kTool = "load-stream";

int Fail(const LoadAgentOptions& o, const Status& st) { return AgentFailure(kTool, o.segment, st); }

// The stream one segment loads, read in order as the coordinator asks for it.
class StreamServer {
 public:
  StreamServer(const LoadAgentOptions& o, UniqueFd listen) : o_(o), listen_(std::move(listen)) {}
  ~StreamServer() { (void)StopCommand(); }  // closing its pipe first ends the command

  // Opens the input and reads the stream header; returns the segment's report.
  Result<Json> Start(const std::string& target) {
    std::string path = SubstituteSegment(target, o_.segment);
    if (!path.empty() && path[0] == '|') {
      RETURN_IF_ERROR(StartCommand(path.substr(1)));
      name_ = "command for segment " + std::to_string(o_.segment);
    } else {
      ASSIGN_OR_RETURN(input_, OpenInput(path));
      name_ = InputName(path);
    }
    source_ = std::make_unique<BufferedSource>(input_.get(), name_);
    reader_ = std::make_unique<StreamReader>(source_.get());
    Event e;
    RETURN_IF_ERROR(reader_->Next(&e));
    if (e.type != EventType::kStreamBegin) return Status::Corrupt(name_ + " holds no stream");
    const StreamInfo& info = *e.stream;
    copy_format_ = info.copy_format;
    return Json{{"segment", info.segment},
                {"segments", info.segments},
                {"copy_format", CopyFormatName(info.copy_format)},
                {"encoding", info.encoding},
                {"stream_id", info.stream_id},
                {"input", name_}};
  }

  void Serve() {
    (void)ServeAgentConnections(kTool, o_.segment, listen_.get(), o_.idle_timeout_seconds,
                                [this](int fd) { return Handle(fd); });
  }

 private:
  bool Handle(int fd) {
    auto request = ReceiveAgentMessage(fd);
    if (!request.ok()) return false;
    Json reply = Json::object();
    Status st = failed_;
    bool done = false;
    switch (request->type) {
      case agent::kNext:
        if (st.ok()) st = NextTable(&reply);
        break;
      case agent::kData:
        if (st.ok()) st = SendRows(fd, request->payload == "skip", &reply);
        break;
      case agent::kFinish:
        if (st.ok()) st = FinishStream(&reply);
        done = true;
        break;
      case agent::kAbort:
        st = Status::Ok();
        done = true;
        break;
      default: st = Status::Corrupt("unexpected agent request");
    }
    if (!st.ok() && failed_.ok()) failed_ = st;
    ReplyToAgentRequest(fd, st, reply);
    return done;
  }

  // Reads to the next table's beginning, or to the end of the input.
  Status NextTable(Json* reply) {
    if (current_) return Status::Corrupt("the rows of " + current_name_ + " were never read");
    for (;;) {
      Event e;
      RETURN_IF_ERROR(reader_->Next(&e));
      switch (e.type) {
        case EventType::kTableBegin:
          current_ = e.table_id;
          current_name_ = e.table->info.QualifiedName();
          tables_++;
          *reply = {{"table", e.table->info.ToJson()}};
          return Status::Ok();
        case EventType::kEnd:
          ended_ = true;
          *reply = {{"end", true}};
          return Status::Ok();
        case EventType::kRows:
        case EventType::kTableEnd: return Status::Corrupt(Interleaved());
        default: break;  // headers of concatenated streams, SQL sections, stream trailers
      }
    }
  }

  std::string Interleaved() const {
    return name_ + " interleaves tables; a segment stream must hold one table after another";
  }

  Status SendRows(int fd, bool skip, Json* reply) {
    if (!current_) return Status::Corrupt("no table was asked for");
    // The server's COPY pipe itself (the rows program's stdout): the rows are written once,
    // by us, not relayed.
    UniqueFd pipe;
    if (!skip) {
      ASSIGN_OR_RETURN(pipe, ReceiveAgentFd(fd));
    }
    auto put = [&](std::span<const uint8_t> bytes) { return WriteWatching(pipe.get(), bytes, fd); };
    // Binary COPY input needs its file header and trailer around the tuples, which are all
    // a stream stores.
    const bool binary = copy_format_ == CopyFormat::kBinary && !skip;
    if (binary) RETURN_IF_ERROR(put(format::kPgBinaryHeader));
    for (;;) {
      Event e;
      RETURN_IF_ERROR(reader_->Next(&e));
      if ((e.type == EventType::kRows || e.type == EventType::kTableEnd) && e.table_id != current_)
        return Status::Corrupt(Interleaved());
      if (e.type == EventType::kRows) {
        if (!skip) RETURN_IF_ERROR(put(e.rows.rows()));
        continue;
      }
      if (e.type == EventType::kTableEnd) {
        // The reader verified the trailer against the rows: only now may the COPY end well.
        if (binary) RETURN_IF_ERROR(put(format::kPgBinaryTrailer));
        current_ = 0;
        rows_ += e.trailer.totals.rows;
        *reply = {{"table", current_name_},
                  {"rows", e.trailer.totals.rows},
                  {"bytes", e.trailer.totals.bytes}};
        return Status::Ok();
      }
      return Status::Corrupt(name_ + " ends " + current_name_ + " before its trailer")
          .WithTable(current_name_);
    }
  }

  Status FinishStream(Json* reply) {
    if (current_) return Status::Corrupt("the rows of " + current_name_ + " were never read");
    while (!ended_) {
      Event e;
      RETURN_IF_ERROR(reader_->Next(&e));
      if (e.type == EventType::kTableBegin)
        return Status::Corrupt(name_ + " holds more tables than were loaded");
      if (e.type == EventType::kEnd) ended_ = true;
    }
    RETURN_IF_ERROR(StopCommand());
    *reply = {{"segment", o_.segment}, {"input", name_}, {"tables", tables_}, {"rows", rows_}};
    return Status::Ok();
  }

  Status StartCommand(const std::string& cmd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno(errno, "cannot create a pipe");
    UniqueFd write_end(fds[1]);
    input_ = UniqueFd(fds[0]);
    ASSIGN_OR_RETURN(child_, StartSegmentCommand(cmd, o_.segment, write_end.get(), STDOUT_FILENO));
    command_ = cmd;
    return Status::Ok();
  }

  // Waits for the input command; its failure is the stream's, even after a whole stream.
  Status StopCommand() {
    if (child_ < 0) return Status::Ok();
    input_ = UniqueFd();
    Status st = WaitForSegmentCommand(child_, name_);
    child_ = -1;
    if (st.ok()) return st;
    std::string tail = StderrTail();
    return Status::Io(st.message() + (tail.empty() ? "" : ": " + tail))
        .WithHint("the command was: " + command_);
  }

  const LoadAgentOptions& o_;
  UniqueFd listen_;
  UniqueFd input_;
  pid_t child_ = -1;
  std::string command_;
  std::string name_;
  CopyFormat copy_format_ = CopyFormat::kText;
  std::unique_ptr<BufferedSource> source_;
  std::unique_ptr<StreamReader> reader_;
  uint32_t current_ = 0;  // the table whose rows come next
  std::string current_name_;
  bool ended_ = false;
  uint64_t tables_ = 0;
  uint64_t rows_ = 0;
  Status failed_;  // a stream that failed once serves nothing more
};

int RunServe(const LoadAgentOptions& o) {
  auto target = DecodeAgentArgument(o.input, "input");
  if (!target.ok()) return Fail(o, target.status());
  auto listen = ListenAgent(o.socket);
  if (!listen.ok()) return Fail(o, listen.status());
  const int listen_fd = listen->get();
  std::unique_ptr<StreamServer> server;
  return RunDetachedAgent(
      kTool, o.segment, listen_fd,
      [&]() -> Result<std::string> {
        server = std::make_unique<StreamServer>(o, std::move(*listen));
        auto report = server->Start(*target);
        if (!report.ok()) {
          server.reset();
          return report.status();
        }
        return AgentReportRow(o.segment, *report);
      },
      [&] {
        server->Serve();
        server.reset();
      });
}

// Asks the agent one thing and prints its report row.
int RunReport(const LoadAgentOptions& o, char request) {
  auto conn = ConnectAgent(o.socket, kConnectTimeoutMs);
  if (!conn.ok()) return Fail(o, conn.status());
  auto reply = AskAgent(conn->get(), request);
  if (!reply.ok()) return Fail(o, reply.status());
  std::fputs(AgentReportRow(o.segment, *reply).c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// The table's rows as one COPY input on stdout.
int RunRows(const LoadAgentOptions& o, bool skip) {
  auto conn = ConnectAgent(o.socket, kConnectTimeoutMs);
  if (!conn.ok()) return Fail(o, conn.status());
  // The agent writes the rows into our stdout, the server's COPY pipe, itself; we wait for
  // its verdict, which comes only after the table's trailer verified.
  Status st = SendAgentMessage(conn->get(), agent::kData, skip ? "skip" : "");
  if (st.ok() && !skip) st = SendAgentFd(conn->get(), STDOUT_FILENO);
  if (!st.ok()) return Fail(o, st);
  if (!skip) close(STDOUT_FILENO);
  auto reply = AwaitAgentReply(conn->get());
  if (!reply.ok()) return Fail(o, reply.status());
  return 0;
}

int RunAbort(const LoadAgentOptions& o) {
  auto conn = ConnectAgent(o.socket, 200);
  if (conn.ok()) (void)AskAgent(conn->get(), agent::kAbort);
  return 0;
}

}  // namespace

int RunLoadAgent(const LoadAgentOptions& o) {
  if (o.socket.empty()) return Fail(o, Status::Usage("--agent needs --agent-socket"));
  if (o.role == "serve") return RunServe(o);
  if (o.role == "next") return RunReport(o, agent::kNext);
  if (o.role == "finish") return RunReport(o, agent::kFinish);
  if (o.role == "rows") return RunRows(o, false);
  if (o.role == "skip") return RunRows(o, true);
  if (o.role == "abort") return RunAbort(o);
  return Fail(o, Status::Usage("--agent takes serve, next, rows, skip, finish or abort, not '" +
                               o.role + "'"));
}

}  // namespace segstream::load
