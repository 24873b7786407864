#include "tools/dump-stream/segment_agent.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "lib/common/base/text_escape.h"
#include "lib/common/cluster/agent_channel.h"
#include "lib/common/cluster/agent_process.h"
#include "lib/common/cluster/segment_outputs.h"
#include "lib/common/io/termination.h"
#include "lib/common/pg/copy_rows.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream::dump {
namespace {

constexpr int kConnectTimeoutMs = 1000;  // the agent listens before its start returns
constexpr size_t kPiece = 1 << 20;

int Fail(const SegmentAgentOptions& o, const Status& st) {
  return AgentFailure("dump-stream", o.segment, st);
}

class Collector {
 public:
  Collector(const SegmentAgentOptions& o, UniqueFd listen) : o_(o), listen_(std::move(listen)) {}

  Status Start(const std::string& target, const std::string& header_json) {
    ASSIGN_OR_RETURN(
        Json j, ParseJsonPayload(
                    std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(header_json.data()),
                                             header_json.size()),
                    "header"));
    ASSIGN_OR_RETURN(StreamInfo info, StreamInfo::FromJson(j));
    info.segment = o_.segment;
    info.segments = o_.segments;
    format_ = info.copy_format;
    RETURN_IF_ERROR(outputs_.OpenTarget(target, o_.segment, /*force=*/true, WriterOptions{}));
    command_ = !target.empty() && target[0] == '|';
    return outputs_[0].writer->Begin(info);
  }

  // Serves connections until finish, abort or the idle timeout.
  void Serve() {
    if (!ServeAgentConnections("dump-stream", o_.segment, listen_.get(), o_.idle_timeout_seconds,
                               [this](int fd) { return Handle(fd); }))
      outputs_.Abort();  // the coordinator is gone: the output is never put in place
  }

 private:
  // True when the agent is done.
  bool Handle(int fd) {
    auto first = ReceiveAgentMessage(fd);
    if (!first.ok()) return false;
    switch (first->type) {
      case agent::kTable: {
        Status st = failed_.ok() ? Explain(CollectTable(fd, first->payload)) : failed_;
        if (!st.ok() && failed_.ok()) failed_ = st;
        Reply(fd, st, tables_.empty() ? Json::object() : tables_.back());
        return false;
      }
      case agent::kFinish: {
        // Everything but the last step: a file is complete but keeps its temporary name; a
        // command has every table but not the stream trailer. Until every segment got this
        // far, one failure drops them all (a command's stream then ends without its
        // trailer, which no reader accepts).
        Status st = failed_;
        if (st.ok())
          st =
              command_ ? Explain(outputs_[0].sink->Flush()) : Explain(outputs_[0].writer->Finish());
        if (st.ok() && !command_) st = outputs_.Close(/*commit=*/false);
        Json report = {{"segment", o_.segment}, {"output", outputs_[0].name}, {"tables", tables_}};
        Reply(fd, Failed(std::move(st)), report);
        return false;  // commit or abort follows
      }
      case agent::kCommit: {
        Status st = failed_;
        if (st.ok() && command_) st = Explain(outputs_[0].writer->Finish());
        if (st.ok()) st = command_ ? outputs_.Close(/*commit=*/true) : outputs_.Commit();
        Reply(fd, Failed(std::move(st)), Json::object());
        return true;
      }
      case agent::kAbort:
        outputs_.Abort();
        Reply(fd, Status::Ok(), Json::object());
        return true;
      default: Reply(fd, Status::Corrupt("unexpected agent request"), Json::object()); return false;
    }
  }

  // A failure ends the agent's usefulness; its message gets the output command's stderr.
  Status Failed(Status st) {
    if (st.ok()) return st;
    outputs_.Abort();
    std::string tail = StderrTail();
    if (!tail.empty()) st = std::move(st).WithHint("its stderr ended with: " + tail);
    if (failed_.ok()) failed_ = st;
    return st;
  }

  // A write that failed because the output command went away is reported as the command's
  // failure (its exit status), not as "downstream closed".
  Status Explain(Status st) {
    if (st.ok() || !st.downstream_closed()) return st;
    return outputs_.ExplainWriteFailure(0, std::move(st));
  }

  void Reply(int fd, const Status& st, const Json& ok) { ReplyToAgentRequest(fd, st, ok); }

  Status CollectTable(int fd, const std::string& meta) {
    ASSIGN_OR_RETURN(
        Json j, ParseJsonPayload(std::span<const uint8_t>(
                                     reinterpret_cast<const uint8_t*>(meta.data()), meta.size()),
                                 "table"));
    ASSIGN_OR_RETURN(TableInfo info, TableInfo::FromJson(j));
    ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> table, outputs_[0].writer->NewTable(info));
    // The server's COPY pipe itself: the rows are read once, by us, not relayed by the feed.
    ASSIGN_OR_RETURN(UniqueFd pipe, ReceiveAgentFd(fd));
    CopyRowSplitter splitter(format_);
    buffer_.resize(kPiece);
    Status st;
    for (;;) {
      ASSIGN_OR_RETURN(size_t n, ReadWatching(pipe.get(), buffer_.data(), buffer_.size(), fd));
      if (n == 0) break;
      st = splitter.Feed(std::span<const uint8_t>(buffer_.data(), n),
                         [&](std::span<const uint8_t> row) { return table->AddRow(row); });
      if (!st.ok()) break;  // closing the pipe fails the server's COPY
    }
    if (st.ok()) st = splitter.Finish();
    if (st.ok()) st = table->Finish();
    if (!st.ok()) return std::move(st).WithTable(info.QualifiedName());
    tables_.push_back({{"table", info.QualifiedName()},
                       {"rows", table->totals().rows},
                       {"bytes", table->totals().bytes}});
    return Status::Ok();
  }

  const SegmentAgentOptions& o_;
  UniqueFd listen_;
  OutputSet outputs_;
  CopyFormat format_ = CopyFormat::kText;
  std::vector<uint8_t> buffer_;
  bool command_ = false;  // the output is a command, not a file
  Json tables_ = Json::array();
  Status failed_;  // once a table failed, the stream is broken: every later request fails
};

int RunCollect(const SegmentAgentOptions& o) {
  auto target = DecodeAgentArgument(o.output, "output");
  if (!target.ok()) return Fail(o, target.status());
  auto header = DecodeAgentArgument(o.header, "header");
  if (!header.ok()) return Fail(o, header.status());
  auto listen = ListenAgent(o.socket);
  if (!listen.ok()) return Fail(o, listen.status());
  const int listen_fd = listen->get();
  std::unique_ptr<Collector> collector;
  return RunDetachedAgent(
      "dump-stream", o.segment, listen_fd,
      [&]() -> Result<std::string> {
        collector = std::make_unique<Collector>(o, std::move(*listen));
        Status st = collector->Start(*target, *header);
        if (!st.ok()) {
          collector.reset();  // removes the temporary file of an output never put in place
          return st;
        }
        return std::string();
      },
      [&] {
        collector->Serve();
        collector.reset();
      });
}

int RunFeed(const SegmentAgentOptions& o) {
  auto meta = DecodeAgentArgument(o.table, "table");
  if (!meta.ok()) return Fail(o, meta.status());
  auto conn = ConnectAgent(o.socket, kConnectTimeoutMs);
  if (!conn.ok()) return Fail(o, conn.status());
  int fd = conn->get();
  // The collector reads our stdin, the server's COPY pipe, itself; we wait for its verdict.
  Status st = SendAgentMessage(fd, agent::kTable, *meta);
  if (st.ok()) st = SendAgentFd(fd, STDIN_FILENO);
  if (!st.ok()) return Fail(o, st);
  close(STDIN_FILENO);
  auto reply = AwaitAgentReply(fd);
  if (!reply.ok()) return Fail(o, reply.status());
  return 0;
}

int RunFinish(const SegmentAgentOptions& o) {
  auto conn = ConnectAgent(o.socket, kConnectTimeoutMs);
  if (!conn.ok()) return Fail(o, conn.status());
  auto reply = AskAgent(conn->get(), agent::kFinish);
  if (!reply.ok()) return Fail(o, reply.status());
  std::fputs(AgentReportRow(o.segment, *reply).c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int RunCommit(const SegmentAgentOptions& o) {
  auto conn = ConnectAgent(o.socket, kConnectTimeoutMs);
  if (!conn.ok()) return Fail(o, conn.status());
  auto reply = AskAgent(conn->get(), agent::kCommit);
  if (!reply.ok()) return Fail(o, reply.status());
  return 0;
}

int RunAbort(const SegmentAgentOptions& o) {
  auto conn = ConnectAgent(o.socket, 200);
  if (!conn.ok()) return 0;  // already gone
  (void)AskAgent(conn->get(), agent::kAbort);
  return 0;
}

}  // namespace

int RunSegmentAgent(const SegmentAgentOptions& o) {
  if (o.socket.empty()) return Fail(o, Status::Usage("--agent needs --agent-socket"));
  if (o.role == "collect") return RunCollect(o);
  if (o.role == "feed") return RunFeed(o);
  if (o.role == "finish") return RunFinish(o);
  if (o.role == "commit") return RunCommit(o);
  if (o.role == "abort") return RunAbort(o);
  return Fail(o, Status::Usage("--agent takes collect, feed, finish, commit or abort, not '" +
                               o.role + "'"));
}

}  // namespace segstream::dump
