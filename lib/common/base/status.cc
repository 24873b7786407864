#include "lib/common/base/status.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "lib/common/base/text_escape.h"

namespace segstream {

Status Status::FromErrno(int err, const std::string& what) {
  if (err == EPIPE) {
    Status st = Io(what + ": downstream closed");
    st.MarkDownstreamClosed();
    return st;
  }
  if (err == ENOSPC) return Io(what + ": no space left on device");
  return Io(what + ": " + std::strerror(err));
}

std::string Status::ToString() const {
  std::string context;
  auto add = [&context](const std::string& part) {
    context += context.empty() ? " (" : ", ";
    context += part;
  };
  if (table_) add("table " + *table_);
  if (frame_) add("frame " + std::to_string(*frame_));
  if (offset_) add("byte offset " + std::to_string(*offset_));
  if (!context.empty()) context += ")";
  return message_ + context;
}

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return kExitOk;
    case ErrorKind::kUsage: return kExitUsage;
    case ErrorKind::kIo:
    case ErrorKind::kServer: return kExitFailure;
    case ErrorKind::kCorrupt: return kExitCorrupt;
    case ErrorKind::kPartial: return kExitPartial;
  }
  return kExitFailure;
}

int ReportError(const char* tool, const Status& status) {
  // Messages quote names and values from streams: escaped here, once, for every tool.
  std::fprintf(stderr, "%s: error: %s\n", tool, EscapeForMessage(status.ToString()).c_str());
  if (status.hint())
    std::fprintf(stderr, "%s: hint: %s\n", tool, EscapeForMessage(*status.hint()).c_str());
  return ExitCodeFor(status.kind());
}

}  // namespace segstream
