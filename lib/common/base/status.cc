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

const Status::Detail& Status::get() const {
  static const Detail kNone;
  return detail_ ? *detail_ : kNone;
}

std::string Status::ToString() const {
  std::string context;
  auto add = [&context](const std::string& part) {
    context += context.empty() ? " (" : ", ";
    context += part;
  };
  const Detail& d = get();
  if (d.table) add("table " + *d.table);
  if (d.frame) add("frame " + std::to_string(*d.frame));
  if (d.offset) add("byte offset " + std::to_string(*d.offset));
  if (!context.empty()) context += ")";
  return d.message + context;
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
