#include "tools/zpipe/zpipe.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/codec.h"
#include "lib/common/io/byte_io.h"
#include "tools/zpipe/detect.h"
#include "tools/zpipe/plain_codec.h"
#include "tools/zpipe/segstream_codec.h"

namespace segstream::zpipe {

namespace {

using format::Codec;

// Levels as each codec's own CLI takes them; zstd's top three need --ultra as in zstd(1).
Status CheckLevel(const Options& o) {
  std::string codec(format::CodecName(o.codec));
  int lo = 0, hi = 0;
  std::string allowed;
  switch (o.codec) {
    case Codec::kZstd:
      lo = ZSTD_minCLevel();
      hi = o.ultra ? ZSTD_maxCLevel() : 19;
      allowed = "1 to 19, 20 to 22 with --ultra, or negative for faster";
      break;
    case Codec::kLz4: lo = 1, hi = 12, allowed = "1 to 12"; break;
    case Codec::kGzip: lo = 1, hi = 9, allowed = "1 to 9"; break;
    case Codec::kNone: return Status::Ok();
  }
  if (o.level < lo || o.level > hi || (o.codec == Codec::kZstd && o.level == 0))
    return Status::Usage(codec + " level " + std::to_string(o.level) + " is out of range")
        .WithHint(codec + " levels are " + allowed);
  return Status::Ok();
}

// `written` gets the bytes written to the output (for -v).
Status RunOn(const Options& o, BufferedSource* source, int in_fd, Progress* progress,
             uint64_t* written) {
  ASSIGN_OR_RETURN(auto head, source->Peek(kDetectBytes));
  InputFormat format = DetectFormat(head);

  if (o.mode == Mode::kTest) {
    switch (format) {
      case InputFormat::kSegstream: return VerifySegstream(source, o.threads, progress);
      case InputFormat::kZstd:
      case InputFormat::kLz4:
      case InputFormat::kGzip: return DecompressPlain(source, format, -1, progress);
      case InputFormat::kEmpty: return Status::Corrupt("empty input");
      default: break;
    }
    return Status::Corrupt("not a segstream, zstd, lz4 or gzip input")
        .WithHint("-t checks compressed or segstream input");
  }
  if (o.mode == Mode::kDecompress) {
    if (format == InputFormat::kLz4Legacy)
      return Status::Corrupt("legacy lz4 format is not supported").WithHint("use lz4 -d");
    if (format == InputFormat::kOther)
      return Status::Corrupt("not a segstream, zstd, lz4 or gzip input (unknown magic bytes)")
          .WithOffset(0)
          .WithHint("to pass plain data through, use zpipe -c none");
  }

  UniqueFd out_fd;
  PendingOutput pending;
  ASSIGN_OR_RETURN(out_fd, OpenOutput(o.output, &pending));
  RETURN_IF_ERROR(RefuseTerminalOutput(out_fd.get(), o.force));
  std::string out_name = OutputName(o.output);

  Status st;
  if (format == InputFormat::kSegstream) {
    TranscodeOptions to;
    to.codec = o.mode == Mode::kDecompress ? Codec::kNone : o.codec;
    to.level = o.level;
    to.threads = o.threads;
    BufferedSink sink(out_fd.get(), out_name);
    st = TranscodeSegstream(source, &sink, to, progress);
    *written = sink.offset();
  } else if (o.mode == Mode::kDecompress) {
    if (format != InputFormat::kEmpty)
      st = DecompressPlain(source, format, out_fd.get(), progress, written);
  } else {
    PlainOptions po;
    po.codec = o.codec;
    po.level = o.level;
    po.threads = o.threads;
    po.long_window_log = o.long_window_log;
    struct stat sb;
    if (::fstat(in_fd, &sb) == 0 && S_ISREG(sb.st_mode) && ::lseek(in_fd, 0, SEEK_CUR) == 0) {
      po.content_size = static_cast<uint64_t>(sb.st_size);
      po.content_size_known = true;
    }
    st = CompressPlain(source, out_fd.get(), po, progress, written);
  }
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(out_fd.Close(out_name));
  return pending.Commit();
}

}  // namespace

Status ValidateOptions(Options* o) {
  if (!o->level_set)
    o->level = o->codec == Codec::kZstd ? kDefaultZstdLevel : LevelRangeFor(o->codec).default_level;
  if (o->mode == Mode::kCompress) RETURN_IF_ERROR(CheckLevel(*o));
  if (o->threads < 0) return Status::Usage("-T must be 0 (one per CPU) or more");
  if (o->threads == 0)
    o->threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (o->long_window_log != 0 &&
      (o->long_window_log < kMinWindowLog || o->long_window_log > kMaxWindowLog))
    return Status::Usage("--long window log must be between " + std::to_string(kMinWindowLog) +
                         " and " + std::to_string(kMaxWindowLog));
  if (o->long_window_log != 0 && o->codec != Codec::kZstd && o->mode == Mode::kCompress)
    return Status::Usage("--long applies to zstd only");
  return Status::Ok();
}

Status Run(const Options& o) {
  UniqueFd in_fd;
  ASSIGN_OR_RETURN(in_fd, OpenInput(o.input));
  BufferedSource source(in_fd.get(), InputName(o.input));
  Progress progress(kToolName, o.quiet ? ProgressMode::kOff : o.progress);
  Progress* p = progress.enabled() ? &progress : nullptr;
  if (p) {
    struct stat sb;
    if (::fstat(in_fd.get(), &sb) == 0 && S_ISREG(sb.st_mode))
      progress.SetExpectedBytes(static_cast<uint64_t>(sb.st_size));
  }
  const auto started = std::chrono::steady_clock::now();
  uint64_t written = 0;
  Status st = RunOn(o, &source, in_fd.get(), p, &written);
  progress.Finish();
  if (st.ok() && o.verbose) {
    // zstd -v's closing line: what went in, what came out, how long it took.
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const uint64_t in = source.offset();
    std::string ratio;
    if (o.mode != Mode::kTest && in > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " (%.2f%%)", 100.0 * static_cast<double>(written) / in);
      ratio = buf;
    }
    std::string line =
        std::string(kToolName) + ": " + InputName(o.input) + ": " + std::to_string(in) + " bytes " +
        (o.mode == Mode::kTest ? "checked"
                               : "read, " + std::to_string(written) + " bytes written" + ratio) +
        " in " + FormatSeconds(seconds);
    std::fprintf(stderr, "%s\n", EscapeForMessage(line).c_str());
  }
  return st;
}

}  // namespace segstream::zpipe
